package liveccu.aggregator.audio;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import liveccu.aggregator.audio.AudioState.Fetch;
import liveccu.aggregator.cdn.ContentCatalogue;
import liveccu.aggregator.cdn.MatchedRequest;
import liveccu.model.AudioRules;
import liveccu.model.CdnRequest;
import liveccu.model.ContentDimensions;
import liveccu.model.PlaybackCount;
import liveccu.model.PlaybackRules;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each device and content's {@link AudioState} (keyed {@code account|device|content}: the requests arrive
 * repartitioned by that key) as its summary (store {@code ccu-audio-summaries}) and one entry per open fetch
 * (store {@code ccu-audio-fetches}, {@link AudioFetchKeys}), applies each request with the {@link AudioLedger},
 * and sends the changes to the hours' totals on as playback counts of source {@value AudioRules#SOURCE}, keyed
 * by {@link PlaybackCount#key()}. A request writes only the fetches it added or settled, and the summary only
 * when its settled part changes (a new state, requests settled, another catalogue entry): a device's session
 * writes each fetch once, and a range that only adds bytes writes nothing else. The summary's newest time and
 * settled bound may therefore be older than the state's; the open fetches give them ({@link #state}). The state
 * writes and the changes share one exactly-once transaction.
 *
 * <p>The states the task used last are also kept in memory, exactly as the stores hold them (the summary as
 * written, the open fetches), up to {@link AudioSettings#requestsInMemory()} fetches: reading a state back from
 * RocksDB (a {@code get} and a prefix scan) at every one of a listener's ranges was a fifth of the stream
 * threads' time on the podcast log (docs/benchmarks.md). Every write goes to the stores and to memory beside
 * it; the map is made anew at every {@code init}, so a task that is closed, aborted or moved starts from its
 * stores again and never trusts a state they lack.
 *
 * <p>The clock is the stream time: the newest request time seen on the partition (the records' time is the
 * line's). A request more than {@link AudioSettings#lateLimit()} behind it, or older than its device and
 * content's settled part, is refused as {@code too-late} on the rejected topic; a state whose newest request
 * is {@link AudioSettings#stateRetention()} behind it is forgotten (swept every {@value #SWEEP_EVERY_HOURS} h of
 * stream time). Why that never counts twice: {@link AudioSettings}.
 *
 * <p>Counted in Kafka Streams' metrics (group {@code stream-audio-metrics}, per stream thread):
 * {@code counted-total} (requests that changed a state), {@code unchanged-total} (copies, requests no
 * rule counts), {@code too-late-total}, {@code read-from-stores-total} (requests whose state was not in memory).
 */
final class AudioTracker implements Processor<String, MatchedRequest, String, AudioTracker.Output> {

    static final long SWEEP_EVERY_HOURS = 6;
    /** A fetch's entry is all key ({@link AudioFetchKeys}). */
    private static final byte[] NO_VALUE = new byte[0];
    private static final Serializer<Bytes> PREFIX = Serdes.Bytes().serializer();

    /** A change to an hour's totals, or a request refused as too late. */
    record Output(PlaybackCount change, RejectedBeacon rejected) {
    }

    private final AudioLedger ledger;
    private final AudioSettings settings;
    private ProcessorContext<String, Output> context;
    private KeyValueStore<String, AudioState.Summary> summaries;
    private KeyValueStore<Bytes, byte[]> fetches;
    private RecentStates recent;
    private Sensor counted;
    private Sensor unchanged;
    private Sensor tooLate;
    private Sensor readFromStores;

    AudioTracker(AudioSettings settings, AudioAgents agents) {
        this.ledger = new AudioLedger(settings.rules(), agents);
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, Output> context) {
        this.context = context;
        this.summaries = context.getStateStore(AudioTopology.SUMMARIES_STORE);
        this.fetches = context.getStateStore(AudioTopology.FETCHES_STORE);
        this.recent = new RecentStates(settings.requestsInMemory());
        this.counted = sensor("counted");
        this.unchanged = sensor("unchanged");
        this.tooLate = sensor("too-late");
        this.readFromStores = sensor("read-from-stores");
        context.schedule(Duration.ofHours(SWEEP_EVERY_HOURS), PunctuationType.STREAM_TIME, this::forgetIdle);
    }

    private Sensor sensor(String outcome) {
        return context.metrics().addRateTotalSensor("audio", "requests", outcome, Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(Record<String, MatchedRequest> record) {
        CdnRequest request = record.value().request();
        long coveredFromMs = context.currentStreamTimeMs() - settings.lateLimit().toMillis();
        if (request.timeMs() < coveredFromMs) {
            // its device and content's state may be forgotten already: counting it could count a window twice
            long days = settings.lateLimit().toDays();
            refuse(record, "more than " + days + (days == 1 ? " day" : " days") + " before the newest audio request seen ("
                    + Instant.ofEpochMilli(context.currentStreamTimeMs()) + "; CCU_AUDIO_STATE_DAYS)");
            return;
        }
        Stored stored = stored(record.key());
        AudioState known = stored == null ? null : state(stored.summary(), stored.fetches());
        AudioLedger.Outcome outcome = ledger.apply(known, request, content(record.value().content()));
        if (outcome instanceof AudioLedger.Counted done) {
            counted.record();
            AudioState.Summary summary = stored == null ? null : stored.summary();
            if (summary == null || !summary.sameSettledPart(done.state().summary())) {
                summary = done.state().summary();
                summaries.put(record.key(), summary);
            }
            writeFetches(record.key(), done.added(), done.settled());
            recent.put(record.key(), new Stored(summary, done.state().fetches()));
            if (!done.changes().isEmpty()) {
                String deviceClass = deviceClass(ledger.deviceClass(request.userAgent()));
                for (AudioChange change : done.changes()) {
                    PlaybackCount count = count(change, deviceClass);
                    context.forward(new Record<>(count.key(), new Output(count, null), record.timestamp()));
                }
            }
        } else if (outcome instanceof AudioLedger.Settled settled) {
            refuse(record, "older than its device and content's settled requests (before "
                    + Instant.ofEpochMilli(settled.settledBeforeMs()) + "; CCU_AUDIO_OPEN_HOURS)");
        } else {
            unchanged.record();
        }
    }

    /** What the stores hold of a state: its summary as last written and its open fetches, in {@link AudioLedger#ORDER}. */
    record Stored(AudioState.Summary summary, List<Fetch> fetches) {
    }

    /** A state as the stores hold it, from memory if the task used it lately; null for none. */
    private Stored stored(String key) {
        Stored stored = recent.get(key);
        if (stored == null) {
            readFromStores.record();
            AudioState.Summary summary = summaries.get(key);
            if (summary != null) {
                stored = new Stored(summary, fetchesOf(key));
                recent.put(key, stored);
            }
        }
        return stored;
    }

    /**
     * The states used last, least recently used first, holding at most a number of fetches in all (a state
     * weighs its fetches, and one): a live radio's state holds a request per segment, an episode's a few.
     */
    static final class RecentStates {

        private final LinkedHashMap<String, Stored> states = new LinkedHashMap<>(1024, 0.75f, true);
        private final int maxWeight;
        private int weight;

        RecentStates(int maxWeight) {
            this.maxWeight = maxWeight;
        }

        Stored get(String key) {
            return states.get(key);
        }

        void put(String key, Stored stored) {
            forget(key);
            states.put(key, stored);
            weight += weight(stored);
            for (Iterator<Stored> eldest = states.values().iterator(); weight > maxWeight && eldest.hasNext(); ) {
                weight -= weight(eldest.next());
                eldest.remove();
            }
        }

        void forget(String key) {
            Stored gone = states.remove(key);
            if (gone != null) {
                weight -= weight(gone);
            }
        }

        private static int weight(Stored stored) {
            return 1 + stored.fetches().size();
        }
    }

    /**
     * The state a summary and its open fetches stand for. The summary is written only when its settled part
     * changes, so its newest time and settled bound may be behind: the newest request is always an open fetch
     * (the open window trails it), and the settled bound always trails the newest by the open window.
     */
    private AudioState state(AudioState.Summary summary, List<Fetch> open) {
        long newestMs = open.isEmpty() ? summary.newestMs() : Math.max(summary.newestMs(), open.get(open.size() - 1).t());
        long settledBeforeMs = Math.max(summary.settledBeforeMs(), newestMs - settings.rules().openWindow().toMillis());
        return new AudioState(summary.accountId(), summary.device(), summary.app(), summary.content(), newestMs,
                settledBeforeMs, summary.window(), summary.iabWindow(), open);
    }

    private List<Fetch> fetchesOf(String key) {
        List<Fetch> open = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> scan = fetches.prefixScan(AudioFetchKeys.prefix(key), PREFIX)) {
            scan.forEachRemaining(entry -> open.add(AudioFetchKeys.fetch(entry.key)));
        }
        // the keys' order is ORDER but for rare non-ASCII paths (compared as UTF-8): one pass over sorted fetches
        open.sort(AudioLedger.ORDER);
        return open;
    }

    /** Puts the fetch the request added and deletes those it settled, leaving the others untouched. */
    private void writeFetches(String key, Fetch added, List<Fetch> settled) {
        for (Fetch fetch : settled) {
            fetches.delete(AudioFetchKeys.key(key, fetch));
        }
        if (!settled.contains(added)) {
            fetches.put(AudioFetchKeys.key(key, added), NO_VALUE);
        }
    }

    /** The catalogue's entry as the ledger reads it; the catalogue does not give the ID3 tag's size. */
    static AudioContent content(ContentCatalogue.Entry entry) {
        return new AudioContent(entry.contentId(), entry.type(), entry.bitrateKbps(), 0);
    }

    /**
     * The device class counted under: Yauaa's, {@code Unknown} without one — and for a listening app Yauaa takes
     * for a robot (Overcast's agent carries a URL), which is counted, so no robot class says otherwise.
     */
    static String deviceClass(String yauaa) {
        return PlaybackRules.isBot(yauaa) ? PlaybackRules.UNKNOWN_DEVICE_CLASS : PlaybackRules.deviceClass(yauaa);
    }

    /** The change as playback counts see it: the app is the property, no zone (one device's requests may come through several). */
    static PlaybackCount count(AudioChange change, String deviceClass) {
        AudioContent content = change.content();
        ContentDimensions dimensions = new ContentDimensions(content.contentId(), content.contentType(), change.app(),
                null, null, null, null, null, deviceClass, AudioRules.SOURCE);
        return new PlaybackCount(change.accountId(), dimensions, change.hourStartMs(), change.starts(), change.streams(),
                change.playedMs(), change.downloads(), change.iabDownloads(), 0, null, change.device());
    }

    private void refuse(Record<String, MatchedRequest> record, String why) {
        tooLate.record();
        CdnRequest request = record.value().request();
        RejectedBeacon rejected = new RejectedBeacon(RejectReason.TOO_LATE.code(), "CDN log line " + request.line()
                + " of batch " + request.batchId() + " (source " + request.source() + ", account " + request.accountId()
                + "), served " + Instant.ofEpochMilli(request.timeMs()) + ": too late for audio, " + why,
                null, request.receivedAtMs(), "aggregator", null);
        context.forward(new Record<>(request.batchId(), new Output(null, rejected), record.timestamp()));
    }

    private void forgetIdle(long streamTimeMs) {
        long oldest = streamTimeMs - settings.stateRetention().toMillis();
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, AudioState.Summary> all = summaries.all()) {
            while (all.hasNext()) {
                KeyValue<String, AudioState.Summary> entry = all.next();
                if (entry.value.newestMs() < oldest) {
                    idle.add(entry.key);
                }
            }
        }
        for (String key : idle) {
            List<Fetch> open = fetchesOf(key);
            // a summary's newest time is that of its last write: the open fetches say whether it is really idle
            if (open.isEmpty() || open.get(open.size() - 1).t() < oldest) {
                recent.forget(key);
                summaries.delete(key);
                open.forEach(fetch -> fetches.delete(AudioFetchKeys.key(key, fetch)));
            }
        }
    }
}
