package liveccu.aggregator.playback;

import java.time.Duration;
import java.util.Base64;
import liveccu.aggregator.ChangedPeriods;
import liveccu.model.CountingRules;
import liveccu.model.JsonSerde;
import liveccu.model.PlaybackCount;
import liveccu.model.PlaybackRules;
import liveccu.model.PlayerEvent;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import liveccu.model.RetentionCount;
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
 * Player events and CMCD reports in, playback metrics per account, content and UTC hour out
 * (definitions: {@link PlaybackRules}):
 *
 * <pre>
 *  ccu.player-events (key: playback id)
 *     ├─ too late (CountingRules' grace) ─► describe-too-late-player-events ─► ccu.beacons.rejected
 *     └─ on time ─► track-playbacks          (per playback, where its events already are: no repartition;
 *                      │                       its device and bots from its earliest event's user agent;
 *                      │                       store ccu-playbacks; events older than the playback's
 *                      │                       settled part ─► ccu.beacons.rejected)
 *                      ▼ changes to hours' totals
 *                playback-changes-by-content-hour (repartition, keyed by account+content+hour)
 *                      ▼
 *                 sum-playback-changes ─► ccu.playback-counts   (stores ccu-playback-hours: totals, ccu-playback-hour-devices,
 *                                                                 ccu-playback-hour-sketches: the devices' sketch, joined to
 *                                                                 the totals when sent)
 *                      ▲
 *  track-playbacks ─► changes to days' retention buckets (on-demand content)
 *                retention-changes-by-content-day-bucket (repartition, keyed by account+day+content+bucket)
 *                      ▼
 *                 sum-retention-changes ─► ccu.playback-retention   (store ccu-playback-retention-days)
 * </pre>
 *
 * Every processor, store and internal topic is named, so changing the topology never renames state.
 */
public final class PlaybackTopology {

    static final String PLAYBACKS_STORE = "ccu-playbacks";
    /** The name of this summer's processors, topic and stores ({@link #sumChanges}). */
    private static final String SUMMED = "playback";
    static final String HOURS_STORE = hoursStore(SUMMED);
    static final String HOUR_DEVICES_STORE = hourDevicesStore(SUMMED);
    static final String HOUR_SKETCHES_STORE = hourSketchesStore(SUMMED);
    static final String RETENTION_STORE = "ccu-playback-retention-days";

    /** Inside the aggregator only (the summers' repartitions and hour stores): compact; JSON written before still reads. */
    private static final Serde<PlaybackCount> CHANGE_SERDE = new PlaybackCountSerde();
    /** An hour's devices' sketch ({@link liveccu.model.DeviceSketches}, base64 in a record) as its bytes: a quarter smaller. */
    private static final Serde<String> SKETCH_SERDE = Serdes.serdeFrom(
            (topic, sketch) -> sketch == null ? null : Base64.getDecoder().decode(sketch),
            (topic, bytes) -> bytes == null ? null : Base64.getEncoder().encodeToString(bytes));
    private static final Serde<RetentionCount> RETENTION_SERDE = new JsonSerde<>(RetentionCount.class);

    private PlaybackTopology() {
    }

    /**
     * Adds the playback metrics to the topology.
     *
     * @return the player events that are on time ({@code keep-on-time-player-events}), for the QoE to read from the
     *         same source: a topic has one source in a topology, and its too-late events are refused here, once
     */
    public static KStream<String, PlayerEvent> addTo(StreamsBuilder builder, CountingRules rules, PlaybackRules definitions) {
        // the analyzer is built once per JVM, on first use (or by warmUp at start), not here: building a topology stays fast
        PlaybackLedger ledger = new PlaybackLedger(definitions, rules, userAgent -> DeviceClassifier.shared().deviceClass(userAgent));
        // Not cached, as the QoE's views (QoeTopology): a player's events are seconds apart, so the cache
        // coalesced nothing of them and crowded out the summers' few, hot keys.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PLAYBACKS_STORE),
                Serdes.String(), new JsonSerde<>(PlaybackState.class)));
        // An hour changes until its last start's 24 h (its streams) and the open window have passed.
        addSummerStores(builder, SUMMED, PlaybackRules.ONCE_PER.plus(ledger.openWindow()).plusHours(2));
        // A day's buckets change until its playbacks' events are settled: the open window after the day's end.
        Duration dayRetention = Duration.ofMillis(RetentionCount.DAY_MS).plus(ledger.openWindow()).plusHours(2);
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(RETENTION_STORE, dayRetention, Duration.ofMillis(RetentionCount.DAY_MS), false),
                Serdes.String(), RETENTION_SERDE).withCachingEnabled());

        KStream<String, PlayerEvent> events = builder.stream(Topics.PLAYER_EVENTS.name(),
                Consumed.with(Topics.PLAYER_EVENTS.keySerde(), Topics.PLAYER_EVENTS.valueSerde()).withName("read-player-events"));
        events.filter((playback, event) -> event != null && rules.isTooLate(event.eventTimeMs(), event.receivedAtMs()),
                        Named.as("keep-too-late-player-events"))
                .mapValues(PlaybackTopology::tooLate, Named.as("describe-too-late-player-events"))
                .to(Topics.REJECTED.name(), Produced.with(Topics.REJECTED.keySerde(), Topics.REJECTED.valueSerde())
                        .withName("write-too-late-player-events"));

        KStream<String, PlayerEvent> onTime = events
                .filter((playback, event) -> event != null && !rules.isTooLate(event.eventTimeMs(), event.receivedAtMs()),
                        Named.as("keep-on-time-player-events"));
        KStream<String, PlaybackTracker.Output> tracked =
                onTime.process(() -> new PlaybackTracker(ledger), Named.as("track-playbacks"), PLAYBACKS_STORE);
        tracked.filter((key, output) -> output.rejected() != null, Named.as("keep-settled-player-events"))
                .mapValues(PlaybackTracker.Output::rejected, Named.as("describe-settled-player-events"))
                .to(Topics.REJECTED.name(), Produced.with(Topics.REJECTED.keySerde(), Topics.REJECTED.valueSerde())
                        .withName("write-settled-player-events"));
        sumChanges(tracked.filter((key, output) -> output.change() != null, Named.as("keep-playback-changes"))
                .mapValues(PlaybackTracker.Output::change, Named.as("unwrap-playback-changes")), SUMMED);
        tracked.filter((key, output) -> output.retention() != null, Named.as("keep-retention-changes"))
                .mapValues(PlaybackTracker.Output::retention, Named.as("unwrap-retention-changes"))
                .repartition(Repartitioned.with(Serdes.String(), RETENTION_SERDE).withName("retention-changes-by-content-day-bucket"))
                .process(RetentionSummer::new, Named.as("sum-retention-changes"), RETENTION_STORE)
                .to(Topics.PLAYBACK_RETENTION.name(), Produced.with(Topics.PLAYBACK_RETENTION.keySerde(),
                        Topics.PLAYBACK_RETENTION.valueSerde()).withName("write-playback-retention"));
        return onTime;
    }

    /**
     * Adds the stores of a {@link PlaybackSummer}: {@code ccu-NAME-hours} (an hour's totals per content, without
     * its devices' sketch), {@code ccu-NAME-hour-devices} (its devices) and {@code ccu-NAME-hour-sketches} (its
     * devices' sketch, written only when they change), each keeping an hour for {@code hourRetention}, which must
     * cover how long after the hour a change to it can still come.
     */
    public static void addSummerStores(StreamsBuilder builder, String name, Duration hourRetention) {
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(hoursStore(name), hourRetention, Duration.ofMillis(PlaybackCount.HOUR_MS), false),
                Serdes.String(), CHANGE_SERDE).withCachingEnabled());
        // Not cached: an entry per device and hour, written once when the device joins the hour, would fill the record
        // cache the totals need to coalesce their writes (as the audio summaries did).
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(hourDevicesStore(name), hourRetention, Duration.ofMillis(PlaybackCount.HOUR_MS), false),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(hourSketchesStore(name), hourRetention, Duration.ofMillis(PlaybackCount.HOUR_MS), false),
                Serdes.String(), SKETCH_SERDE).withCachingEnabled());
    }

    /**
     * Sums changes to hours' totals (keyed by {@link PlaybackCount#key()}, each with its device) onto
     * {@code ccu.playback-counts}: repartitioned by that key ({@code NAME-changes-by-content-hour}), summed by
     * {@code sum-NAME-changes} in the stores {@link #addSummerStores} added, written by {@code write-NAME-counts}.
     * Each source of changes has its own summer and stores; their keys differ (by source), so no two summers
     * ever write the same key.
     */
    public static void sumChanges(KStream<String, PlaybackCount> changes, String name) {
        changes.repartition(Repartitioned.with(Serdes.String(), CHANGE_SERDE).withName(name + "-changes-by-content-hour"))
                .process(() -> new PlaybackSummer(hoursStore(name), hourDevicesStore(name), hourSketchesStore(name), null, null),
                        Named.as("sum-" + name + "-changes"), hoursStore(name), hourDevicesStore(name), hourSketchesStore(name))
                .to(Topics.PLAYBACK_COUNTS.name(), Produced.with(Topics.PLAYBACK_COUNTS.keySerde(),
                        Topics.PLAYBACK_COUNTS.valueSerde()).withName("write-" + name + "-counts"));
    }

    /**
     * As {@link #sumChanges(KStream, String)}, but an hour's new totals go out once per {@code sendEvery} rather
     * than at each change: for a source of a change per log line. Adds the store of the hours changed meanwhile,
     * {@code ccu-NAME-changed-hours}.
     */
    public static void sumChanges(StreamsBuilder builder, KStream<String, PlaybackCount> changes, String name, Duration sendEvery) {
        String changedStore = "ccu-" + name + "-changed-hours";
        builder.addStateStore(ChangedPeriods.store(changedStore));
        changes.repartition(Repartitioned.with(Serdes.String(), CHANGE_SERDE).withName(name + "-changes-by-content-hour"))
                .process(() -> new PlaybackSummer(hoursStore(name), hourDevicesStore(name), hourSketchesStore(name), changedStore,
                        sendEvery), Named.as("sum-" + name + "-changes"), hoursStore(name), hourDevicesStore(name),
                        hourSketchesStore(name), changedStore)
                .to(Topics.PLAYBACK_COUNTS.name(), Produced.with(Topics.PLAYBACK_COUNTS.keySerde(),
                        Topics.PLAYBACK_COUNTS.valueSerde()).withName("write-" + name + "-counts"));
    }

    static String hoursStore(String name) {
        return "ccu-" + name + "-hours";
    }

    static String hourDevicesStore(String name) {
        return "ccu-" + name + "-hour-devices";
    }

    static String hourSketchesStore(String name) {
        return "ccu-" + name + "-hour-sketches";
    }

    /**
     * Builds the user-agent analyzer (bots) on a background thread now, so that the first playback does
     * not wait the few seconds it takes; a playback that comes sooner waits for it.
     */
    public static void warmUp() {
        Thread warm = new Thread(DeviceClassifier::shared, "build-user-agent-analyzer");
        warm.setDaemon(true);
        warm.start();
    }

    private static RejectedBeacon tooLate(PlayerEvent event) {
        long lateBySeconds = (event.receivedAtMs() - CountingRules.minuteStart(event.eventTimeMs())) / 1000;
        return new RejectedBeacon(RejectReason.TOO_LATE.code(), "player event " + event.type() + " of playback "
                + event.playbackId() + " received " + lateBySeconds + " s after the start of its minute, past the grace period",
                null, event.receivedAtMs(), "aggregator", null);
    }
}
