package liveccu.aggregator.qoe;

import java.time.Duration;
import liveccu.aggregator.ChangedPeriods;
import liveccu.aggregator.playback.DeviceClassifier;
import liveccu.model.CountingRules;
import liveccu.model.PlayerEvent;
import liveccu.model.QoeCount;
import liveccu.model.QoeRules;
import liveccu.model.Topic;
import liveccu.model.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Player events and CMCD reports in, quality of experience per minute and per hour out (definitions:
 * {@link QoeRules}; docs/qoe.md):
 *
 * <pre>
 *  ccu.player-events (key: playback id) ─► keep-on-time-player-events (the playback topology's: too-late events
 *     │                                     are refused there, once)
 *     └─► track-qoe-views                  (per view, where its events already are: no repartition; store
 *            │                              ccu-qoe-views; events older than the view's settled part ─►
 *            │                              describe-settled-qoe-events ─► ccu.beacons.rejected)
 *            ├─ minute changes ─► qoe-minute-changes-by-key (repartition) ─► sum-qoe-minute-changes
 *            │                      (stores ccu-qoe-minutes, ccu-qoe-changed-minutes; changed minutes' totals
 *            │                      once a second) ─► ccu.qoe-minutes   (key: account|60000|minute|content|stream type)
 *            └─ hour changes ───► qoe-hour-changes-by-key (repartition) ─► sum-qoe-hour-changes
 *                                   (stores ccu-qoe-hours, ccu-qoe-changed-hours; changed hours' totals
 *                                   once a second) ─► ccu.qoe-hours     (key: account|3600000|hour|every dimension)
 * </pre>
 *
 * Every processor, store and internal topic is named, so changing the topology never renames state.
 */
public final class QoeTopology {

    static final String VIEWS_STORE = "ccu-qoe-views";
    static final String MINUTES_STORE = "ccu-qoe-minutes";
    static final String HOURS_STORE = "ccu-qoe-hours";

    /**
     * How often a changed minute's or hour's totals go out ({@link QoeSummer}): well within the 5 s in which a
     * report's minute must be served, and a record per period per second rather than one per change.
     */
    static final Duration TOTALS_SENT_EVERY = Duration.ofSeconds(1);

    /** Changes and totals inside the aggregator (repartitions, window stores): compact; the results topics stay JSON. */
    private static final Serde<QoeCount> CHANGE_SERDE = new QoeCountSerde();

    private QoeTopology() {
    }

    /**
     * Adds the QoE to the topology, reading the player events that are on time ({@code onTime}: the playback
     * topology's stream, whose source and too-late refusals it shares).
     */
    public static void addTo(StreamsBuilder builder, KStream<String, PlayerEvent> onTime, CountingRules rules) {
        // the analyzer is the one per JVM (PlaybackTopology.warmUp builds it at start)
        QoeLedger ledger = new QoeLedger(rules, userAgent -> DeviceClassifier.shared().device(userAgent));
        // Not cached: a view reports every few seconds at most (a CMCD player every 30 s), so nothing of it is
        // rewritten within a commit, and 20,000 views' states filled the cache the summers need: their stores,
        // whose few keys change at every report, went to RocksDB and the changelog at every change (measured:
        // 1.5 KB of changelog per report for each summer, 0.08 KB with the cache left to them).
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VIEWS_STORE),
                Serdes.String(), new QoeStateSerde()));
        // A period changes while marks in it are open: the open window, the marks' shift, an exit's idle time;
        // a playing event's seconds reach back up to an hour. Kept that long after the period, with a margin.
        Duration late = ledger.openWindow().plusMillis(QoeLedger.MARK_SHIFT_MS).plus(QoeRules.IDLE).plusHours(2);
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(MINUTES_STORE,
                        Duration.ofMillis(QoeCount.MINUTE_MS).plus(late), Duration.ofMillis(QoeCount.MINUTE_MS), false),
                Serdes.String(), CHANGE_SERDE).withCachingEnabled());
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(HOURS_STORE,
                        Duration.ofMillis(QoeCount.HOUR_MS).plus(late), Duration.ofMillis(QoeCount.HOUR_MS), false),
                Serdes.String(), CHANGE_SERDE).withCachingEnabled());

        KStream<String, QoeTracker.Output> tracked =
                onTime.process(() -> new QoeTracker(ledger), Named.as("track-qoe-views"), VIEWS_STORE);
        tracked.filter((key, output) -> output.rejected() != null, Named.as("keep-settled-qoe-events"))
                .mapValues(QoeTracker.Output::rejected, Named.as("describe-settled-qoe-events"))
                .to(Topics.REJECTED.name(), Produced.with(Topics.REJECTED.keySerde(), Topics.REJECTED.valueSerde())
                        .withName("write-settled-qoe-events"));
        KStream<String, QoeCount> changes = tracked
                .filter((key, output) -> output.change() != null, Named.as("keep-qoe-changes"))
                .mapValues(QoeTracker.Output::change, Named.as("unwrap-qoe-changes"));
        sum(builder, changes.filter((key, change) -> change.periodMs() == QoeCount.MINUTE_MS, Named.as("keep-qoe-minute-changes")),
                "minute", MINUTES_STORE, Topics.QOE_MINUTES);
        sum(builder, changes.filter((key, change) -> change.periodMs() == QoeCount.HOUR_MS, Named.as("keep-qoe-hour-changes")),
                "hour", HOURS_STORE, Topics.QOE_HOURS);
    }

    private static void sum(StreamsBuilder builder, KStream<String, QoeCount> changes, String period, String store,
            Topic<String, QoeCount> topic) {
        String changedStore = "ccu-qoe-changed-" + period + "s";
        builder.addStateStore(ChangedPeriods.store(changedStore));
        changes.repartition(Repartitioned.with(Serdes.String(), CHANGE_SERDE).withName("qoe-" + period + "-changes-by-key"))
                .process(() -> new QoeSummer(store, changedStore, TOTALS_SENT_EVERY), Named.as("sum-qoe-" + period + "-changes"),
                        store, changedStore)
                .to(topic.name(), Produced.with(topic.keySerde(), topic.valueSerde()).withName("write-qoe-" + period + "s"));
    }
}
