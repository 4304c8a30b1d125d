package liveccu.aggregator.audio;

import liveccu.aggregator.ChangeCombiner;
import liveccu.aggregator.cdn.CdnTopology;
import liveccu.aggregator.cdn.MatchedRequest;
import liveccu.aggregator.cdn.MatchedRequestSerde;
import liveccu.aggregator.playback.DeviceClassifier;
import liveccu.aggregator.playback.PlaybackCountSerde;
import liveccu.aggregator.playback.PlaybackTopology;
import java.time.Duration;
import liveccu.model.PlaybackCount;
import liveccu.model.PlaybackRules;
import liveccu.model.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Audio consumption measured from CDN logs (definitions: {@link liveccu.model.AudioRules}), for players that
 * never send an event, into the playback counts under source {@code cdn-log}:
 *
 * <pre>
 *  the CDN lines' first deliveries with their catalogue content ({@link CdnTopology#addTo}; key: batch id, time: the line's)
 *     ▼
 *  keep-audio-requests            (a catalogue content; a GET answered 200 or 206, not a bot's: nothing else
 *     │                             ever counts; AudioAgents: the app, the bot rule and Yauaa's device class)
 *     ▼
 *  key-audio-requests-by-device   (account|device|content, the device from user agent + IP hash)
 *  audio-requests-by-device (repartition)
 *     ▼
 *  track-audio                    (stores ccu-audio-summaries: an AudioState's summary per device and content,
 *     │                             ccu-audio-fetches: an entry per open fetch of it; AudioLedger)
 *     ├─ too late (behind CCU_AUDIO_STATE_DAYS − 1 day, or settled) ─► write-too-late-audio-requests ─► ccu.beacons.rejected
 *     ▼ changes to hours' totals (PlaybackCount, source cdn-log)
 *     ├─ keep-audio-device-changes   (starts or downloads: the device joins or leaves an hour; once per listener,
 *     │                                content and hour) ───────────────────────────────────────────────┐
 *     └─ keep-audio-additions        (time, streams, IAB downloads: most of a listener's ranges)        │
 *           ▼                                                                                           │
 *        combine-audio-additions     (store ccu-audio-pending-changes: summed per account+hour+content+ │
 *           │                          dimensions until the flush interval, without their device)       │
 *           ▼                                                                                           │
 *        merge-audio-changes ◄──────────────────────────────────────────────────────────────────────────┘
 *     ▼
 *  audio-changes-by-content-hour (repartition, keyed by account+hour+content+dimensions)
 *     ▼
 *  sum-audio-changes              (stores ccu-audio-hours: the totals, ccu-audio-hour-devices, ccu-audio-hour-sketches:
 *     │                             the devices' sketch, written when a device joins or leaves; ccu-audio-changed-hours)
 *     ▼ every second, the new totals of each hour changed meanwhile, with their sketch
 *  write-audio-counts ─► ccu.playback-counts
 * </pre>
 *
 * <p>Its own summer and stores, beside the player events' ({@link PlaybackTopology}), whose state it never
 * touches: their keys differ by source, so the two never write the same key of {@code ccu.playback-counts}.
 *
 * <p>Cost, on disk (RocksDB): a state's summary is its key (~65 bytes), the device, app, content, two times and
 * the last window of each rule, ~130 bytes (compact; summaries written as JSON before still read); each counted
 * request of the device's last {@code CCU_AUDIO_OPEN_HOURS} of activity is an entry of its own, ~145 bytes of
 * key (the state's key, then the request in binary with a 36-character path) and no value: an episode fetched
 * in 10 ranges ~1.7 KB; a live radio over HLS, a request per segment, ~95 KB for 2 h of 10 s segments (a
 * stream served as one long 200 is one request). A request writes its own entry (and deletes the entries it
 * settles); the summary is written when the state begins and when requests settle, not by a request that only
 * adds bytes (its newest time and settled bound follow from the open entries). Kept
 * {@code CCU_AUDIO_STATE_DAYS} after the newest request. What a range only adds to an hour (time, a stream, an IAB
 * download) is summed per hour's totals where the states are, and goes to the summer once per flush interval,
 * not once per line. The summer keeps an hour's totals per content, app and
 * device class (~150 bytes, rewritten by every change it gets), one entry per device of the hour (~130 bytes), and the
 * hour's devices' sketch (up to 2.1 KB, rewritten only when a device joins the hour: once per listener, episode
 * and hour), for {@code CCU_AUDIO_STATE_DAYS} + 1 day; an hour's record (the totals with the sketch, up to
 * 2.8 KB as base64) goes out once a second while it changes, not once a line. The repartitions and the summer's
 * stores are compact ({@link liveccu.model.CompactSerde}; the sketch as its bytes).
 *
 * <p>Every processor, store and internal topic is named, so changing the topology never renames state.
 */
public final class AudioTopology {

    /** A state but its fetches (was ccu-audio-states, the whole state, before the fetches had a store of their own). */
    static final String SUMMARIES_STORE = "ccu-audio-summaries";
    static final String FETCHES_STORE = "ccu-audio-fetches";
    /**
     * How often an hour's new totals go out: a line changes them (its bytes are listening time), and an hour's
     * record carries its devices' sketch, so a record per line would cost far more than the line.
     */
    static final Duration TOTALS_SENT_EVERY = Duration.ofSeconds(1);

    /** The name of this summer's processors, topic and stores ({@link PlaybackTopology#sumChanges}). */
    static final String SUMMED = "audio";
    static final String PENDING_CHANGES_STORE = "ccu-audio-pending-changes";

    /**
     * Changes that neither start nor end a device's presence in an hour, summed per hour's totals: the summer
     * reads a change's device only when its starts or downloads move, so these need none.
     */
    private static final ChangeCombiner.Sums<PlaybackCount> ADDITIONS = new ChangeCombiner.Sums<>() {
        @Override
        public String pendingKey(String recordKey, PlaybackCount change) {
            return recordKey;  // the tracker's: the change's key()
        }

        @Override
        public PlaybackCount add(PlaybackCount sum, PlaybackCount change) {
            return sum.plus(change);
        }

        @Override
        public String sentKey(PlaybackCount sum) {
            return sum.key();
        }
    };

    private AudioTopology() {
    }

    /**
     * @param requests      what {@link CdnTopology#addTo} returns
     * @param flushInterval how often the listeners' added time, streams and IAB downloads, summed per hour's
     *                      totals, move on to the summer
     */
    public static void addTo(StreamsBuilder builder, KStream<String, MatchedRequest> requests, AudioSettings settings,
                             Duration flushInterval) {
        // the analyzer is built once per JVM, on first use (or by PlaybackTopology.warmUp at start)
        AudioAgents agents = new AudioAgents(AudioApps.standard(), userAgent -> DeviceClassifier.shared().deviceClass(userAgent));
        // Not cached, though every request of a device reads its state: a summary per listener and content filled
        // the record cache (16 MB, shared by the thread's stores), so every write of the summers' few, hot totals
        // evicted one to the changelog and downstream — nearly a record per line on each. RocksDB's block cache serves the reads.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SUMMARIES_STORE),
                Serdes.String(), new AudioSummarySerde()));
        // Not cached: a fetch is written once and deleted once, never rewritten within a commit, and a scan of
        // RocksDB alone is cheaper than one merged with the cache.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FETCHES_STORE),
                Serdes.Bytes(), Serdes.ByteArray()));
        // A change comes up to 25 h before its request, a request up to the late limit behind the tracker's clock;
        // a day more for the summer's clock being ahead of a tracker's (a partition catching up).
        PlaybackTopology.addSummerStores(builder, SUMMED, settings.stateRetention().plusDays(1));
        builder.addStateStore(ChangeCombiner.store(PENDING_CHANGES_STORE, new PlaybackCountSerde()));

        KStream<String, AudioTracker.Output> tracked = requests
                // a bot's requests never count: kept from the repartition (a fifth of the podcast log's, docs/benchmarks.md)
                .filter((batch, matched) -> matched.content() != null && AudioLedger.mayCount(matched.request())
                        && !agents.of(matched.request().userAgent()).bot(), Named.as("keep-audio-requests"))
                .map((batch, matched) -> KeyValue.pair(key(matched), matched), Named.as("key-audio-requests-by-device"))
                .repartition(Repartitioned.with(Serdes.String(), new MatchedRequestSerde())
                        .withName("audio-requests-by-device"))
                .process(() -> new AudioTracker(settings, agents), Named.as("track-audio"), SUMMARIES_STORE, FETCHES_STORE);
        tracked.filter((key, output) -> output.rejected() != null, Named.as("keep-too-late-audio-requests"))
                .mapValues(AudioTracker.Output::rejected, Named.as("unwrap-too-late-audio-requests"))
                .to(Topics.REJECTED.name(), Produced.with(Topics.REJECTED.keySerde(), Topics.REJECTED.valueSerde())
                        .withName("write-too-late-audio-requests"));
        KStream<String, PlaybackCount> changes = tracked
                .filter((key, output) -> output.change() != null, Named.as("keep-audio-changes"))
                .mapValues(AudioTracker.Output::change, Named.as("unwrap-audio-changes"));
        // A listener's ranges mostly add time to an hour its device is already in: summed here, as the CDN figures'
        // changes are, they reach the summer as 0.23 records per audio line instead of 0.83 (docs/benchmarks.md).
        KStream<String, PlaybackCount> additions = changes
                .filter((key, change) -> !movesDevices(change), Named.as("keep-audio-additions"))
                .process(() -> new ChangeCombiner<>(PENDING_CHANGES_STORE, flushInterval, ADDITIONS),
                        Named.as("combine-audio-additions"), PENDING_CHANGES_STORE);
        PlaybackTopology.sumChanges(builder, changes.filter((key, change) -> movesDevices(change), Named.as("keep-audio-device-changes"))
                .merge(additions, Named.as("merge-audio-changes")), SUMMED, TOTALS_SENT_EVERY);
    }

    /** Whether the summer needs the change's device: its starts or downloads move ({@code PlaybackSummer}). */
    static boolean movesDevices(PlaybackCount change) {
        return change.starts() + change.downloads() != 0;
    }

    /** One device's requests for one content meet on one partition, in one state. */
    static String key(MatchedRequest matched) {
        return matched.request().accountId() + "|" + PlaybackRules.device(null, matched.request().userAgent(),
                matched.request().ipHash()) + "|" + matched.contentId();
    }
}
