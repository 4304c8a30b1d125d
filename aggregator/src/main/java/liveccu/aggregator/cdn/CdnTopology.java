package liveccu.aggregator.cdn;

import java.time.Duration;
import liveccu.aggregator.ChangeCombiner;
import liveccu.model.CdnTraffic;
import liveccu.model.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * CDN access-log lines in, CDN figures per account, zone, host, PoP, content and UTC minute and hour out
 * (definitions: {@link CdnRules}; figures: {@link CdnTraffic}):
 *
 * <pre>
 *  ccu.cdn-requests (key: batch id # block of 1,024 lines)
 *     ▼
 *  take-first-deliveries         (per block of a batch, where its lines already are: no repartition; store
 *     │                            ccu-cdn-delivered-lines; a line already taken goes no further)
 *     ├─ too late (CCU_CDN_LATE_DAYS after its hour) or in the future ─► write-rejected-cdn-lines ─► ccu.beacons.rejected
 *     ▼
 *  match-cdn-content             (the catalogue's content for the path) ═► the stream addTo returns
 *     ▼
 *  measure-cdn-requests          (one change per line, timed by the line: its minute and hour, or its hour only
 *     │                            when older than the minutes' hold)
 *     ▼
 *  combine-cdn-changes           (store ccu-cdn-pending-changes: the changes summed per traffic and period until
 *     │                            the flush interval, then sent keyed by account+zone+host+pop+content, timed by
 *     │                            their newest line)
 *  cdn-changes-by-traffic (repartition)
 *     ├─ keep-cdn-minute-changes ─► sum-cdn-minutes (store ccu-cdn-minute-totals) ─► write-cdn-minutes ─► ccu.cdn-minutes
 *     └─────────────────────────► sum-cdn-hours   (store ccu-cdn-hour-totals)   ─► write-cdn-hours   ─► ccu.cdn-hours
 * </pre>
 *
 * <p>A line costs no record of its own past the intake: the combiner sends a sum per traffic and period each
 * flush interval ({@link ChangeCombiner}), and the sums are Kafka Streams' windowed aggregations, whose
 * store's cache sends a key's totals once per commit. Each store keeps a period for its hold plus a margin
 * ({@link CdnRules}); the newest record of a key is the period's totals.
 *
 * <p>Every processor, store and internal topic is named, so changing the topology never renames state.
 */
public final class CdnTopology {

    static final String DELIVERED_LINES_STORE = "ccu-cdn-delivered-lines";
    static final String PENDING_CHANGES_STORE = "ccu-cdn-pending-changes";
    static final String MINUTES_STORE = "ccu-cdn-minute-totals";
    static final String HOURS_STORE = "ccu-cdn-hour-totals";

    /** The repartition and the sums' stores are the aggregator's own: compact; JSON written before still reads. */
    private static final Serde<CdnTraffic> TRAFFIC_SERDE = new CdnTrafficSerde();

    private CdnTopology() {
    }

    /**
     * Adds the CDN figures to the builder.
     *
     * @param flushInterval how often the lines' changes, summed per traffic and period, go on to the sums
     * @return each log line's first delivery that counts (neither too late nor in the future) with its
     *         catalogue content, keyed by batch id # block, the record's time being the line's: for the figures
     *         built from the same lines (audio consumption), so that they take each line once too
     */
    public static KStream<String, MatchedRequest> addTo(StreamsBuilder builder, CdnRules rules, Duration flushInterval) {
        // Cached: every line of a batch reads and writes its block.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DELIVERED_LINES_STORE),
                Serdes.String(), DeliveredLines.SERDE).withCachingEnabled());
        builder.addStateStore(ChangeCombiner.store(PENDING_CHANGES_STORE, TRAFFIC_SERDE));

        KStream<String, FirstDeliveries.Output> firsts = builder.stream(Topics.CDN_REQUESTS.name(),
                        Consumed.with(Topics.CDN_REQUESTS.keySerde(), Topics.CDN_REQUESTS.valueSerde()).withName("read-cdn-requests"))
                .filter((batch, request) -> request != null, Named.as("keep-cdn-requests"))
                .process(() -> new FirstDeliveries(rules), Named.as("take-first-deliveries"), DELIVERED_LINES_STORE);
        firsts.filter((batch, first) -> first.rejected() != null, Named.as("keep-rejected-cdn-lines"))
                .mapValues(FirstDeliveries.Output::rejected, Named.as("unwrap-rejected-cdn-lines"))
                .to(Topics.REJECTED.name(), Produced.with(Topics.REJECTED.keySerde(), Topics.REJECTED.valueSerde())
                        .withName("write-rejected-cdn-lines"));
        KStream<String, MatchedRequest> counted = firsts
                .filter((batch, first) -> first.request() != null, Named.as("keep-counted-cdn-lines"))
                .mapValues(first -> new MatchedRequest(first.request(), rules.catalogue().match(first.request().path())),
                        Named.as("match-cdn-content"));

        KStream<String, CdnTraffic> changes = counted
                .mapValues(matched -> TrafficChanges.of(matched, rules.reachesMinute(matched.request())),
                        Named.as("measure-cdn-requests"))
                .process(() -> new ChangeCombiner<>(PENDING_CHANGES_STORE, flushInterval, TrafficChanges.SUMS),
                        Named.as("combine-cdn-changes"), PENDING_CHANGES_STORE)
                .repartition(Repartitioned.with(Serdes.String(), TRAFFIC_SERDE).withName("cdn-changes-by-traffic"));
        sum(changes.filter((traffic, change) -> change.periodMs() == CdnTraffic.MINUTE_MS, Named.as("keep-cdn-minute-changes")),
                "minute", CdnTraffic.MINUTE_MS, rules.minuteGrace(), MINUTES_STORE)
                .to(Topics.CDN_MINUTES.name(), Produced.with(Topics.CDN_MINUTES.keySerde(), Topics.CDN_MINUTES.valueSerde())
                        .withName("write-cdn-minutes"));
        sum(changes, "hour", CdnTraffic.HOUR_MS, rules.hourGrace(), HOURS_STORE)
                .to(Topics.CDN_HOURS.name(), Produced.with(Topics.CDN_HOURS.keySerde(), Topics.CDN_HOURS.valueSerde())
                        .withName("write-cdn-hours"));
        return counted;
    }

    /** The changes summed per traffic and UTC period, as totals keyed by {@link CdnTraffic#key()}. */
    private static KStream<String, CdnTraffic> sum(KStream<String, CdnTraffic> changes, String period, long periodMs,
                                                   Duration grace, String store) {
        Duration size = Duration.ofMillis(periodMs);
        return changes.groupByKey(Grouped.with(Serdes.String(), TRAFFIC_SERDE).withName("group-cdn-" + period + "-changes"))
                .windowedBy(TimeWindows.ofSizeAndGrace(size, grace))
                .aggregate(() -> TrafficChanges.NONE, (traffic, change, totals) -> TrafficChanges.add(totals, change, periodMs),
                        Named.as("sum-cdn-" + period + "s"),
                        Materialized.<String, CdnTraffic, WindowStore<Bytes, byte[]>>as(store)
                                .withKeySerde(Serdes.String()).withValueSerde(TRAFFIC_SERDE).withRetention(size.plus(grace)))
                .toStream(Named.as("cdn-" + period + "-totals"))
                .map((window, totals) -> KeyValue.pair(totals.key(), totals), Named.as("key-cdn-" + period + "s"));
    }
}
