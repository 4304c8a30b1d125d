package liveccu.aggregator.ccu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.JsonSerde;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import liveccu.model.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Beacons in, exact per-minute CCU out, per job, per account and per tracking id (an "audience").
 *
 * <pre>
 *  ccu.beacons (key: session)
 *     ├─ too late ──────────────► describe-too-late ─► ccu.beacons.rejected
 *     └─ on time ─► count-sessions-per-partition      (stage 1: every partition; dedupe per
 *                      │                                side+session+minute: the audiences counted in;
 *                      │                                partial counts per audience+minute)
 *                      ▼ every flush: changed partials
 *                partials-by-job-minute (repartition, keyed by audience+minute)
 *                      ▼
 *                 sum-partials ─► ccu.minute-counts     (stage 2: per audience+minute, sum of partials)
 * </pre>
 *
 * <p>Every processor, store and internal topic is named, so a change to the topology never renames
 * state. Windows, grace and retention come from {@link CountingRules}. {@link liveccu.aggregator.AggregatorTopology}
 * adds it beside the other features' topologies.
 */
public final class CcuTopology {

    /** The de-duplication store: the largest, whose changelog the state benchmark reports on. */
    public static final String SESSION_AUDIENCES_STORE = "ccu-session-audiences";
    static final String PARTIALS_STORE = "ccu-partials";
    static final String DIRTY_PARTIALS_STORE = "ccu-dirty-partials";
    static final String MINUTE_PARTIALS_STORE = "ccu-minute-partials";

    @SuppressWarnings("unchecked")
    private static final Serde<List<String>> AUDIENCE_LIST_SERDE = Serdes.ListSerde(ArrayList.class, Serdes.String());
    private static final Serde<Partial> PARTIAL_SERDE = new JsonSerde<>(Partial.class);
    private static final Serde<PartialCount> PARTIAL_COUNT_SERDE = new JsonSerde<>(PartialCount.class);
    private static final Serde<PartialsByPartition> PARTIALS_SERDE = new JsonSerde<>(PartialsByPartition.class);
    private static final Duration MINUTE = Duration.ofMillis(CountingRules.MINUTE_MS);

    private CcuTopology() {
    }

    /**
     * Adds the count to {@code builder}.
     *
     * @param rules          what a count is (grace for late beacons, clock skew)
     * @param flushInterval  how often stage 1 forwards changed partial counts
     * @return the on-time beacons, which the viewer sessions follow too
     */
    public static KStream<String, Beacon> addTo(StreamsBuilder builder, CountingRules rules, Duration flushInterval) {
        Duration retention = rules.stateRetention();
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(SESSION_AUDIENCES_STORE, retention, MINUTE, false),
                Serdes.String(), AUDIENCE_LIST_SERDE));
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(PARTIALS_STORE, retention, MINUTE, false),
                Serdes.String(), PARTIAL_SERDE).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DIRTY_PARTIALS_STORE), Serdes.String(), Serdes.Long()).withCachingEnabled());
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(MINUTE_PARTIALS_STORE, retention, MINUTE, false),
                Serdes.String(), PARTIALS_SERDE));

        KStream<String, Beacon> beacons = builder.stream(Topics.BEACONS.name(),
                Consumed.with(Topics.BEACONS.keySerde(), Topics.BEACONS.valueSerde()).withName("read-beacons"));

        beacons.filter((session, beacon) -> beacon != null && rules.isTooLate(beacon), Named.as("keep-too-late"))
                .mapValues(CcuTopology::tooLate, Named.as("describe-too-late"))
                .to(Topics.REJECTED.name(), Produced.with(Topics.REJECTED.keySerde(), Topics.REJECTED.valueSerde())
                        .withName("write-too-late"));

        KStream<String, Beacon> onTimeBeacons =
                beacons.filter((session, beacon) -> beacon != null && !rules.isTooLate(beacon), Named.as("keep-on-time"));
        onTimeBeacons.process(() -> new SessionMinuteCounter(flushInterval), Named.as("count-sessions-per-partition"),
                        SESSION_AUDIENCES_STORE, PARTIALS_STORE, DIRTY_PARTIALS_STORE)
                .repartition(Repartitioned.with(Serdes.String(), PARTIAL_COUNT_SERDE).withName("partials-by-job-minute"))
                .process(PartialSummer::new, Named.as("sum-partials"), MINUTE_PARTIALS_STORE)
                .to(Topics.MINUTE_COUNTS.name(), Produced.with(Topics.MINUTE_COUNTS.keySerde(),
                        Topics.MINUTE_COUNTS.valueSerde()).withName("write-minute-counts"));
        return onTimeBeacons;
    }

    private static RejectedBeacon tooLate(Beacon beacon) {
        long lateBySeconds = (beacon.receivedAtMs() - CountingRules.minuteStart(beacon.beaconTimeMs())) / 1000;
        return new RejectedBeacon(RejectReason.TOO_LATE.code(),
                "received " + lateBySeconds + " s after the start of its minute, past the grace period",
                null, beacon.receivedAtMs(), "aggregator", beacon);
    }
}
