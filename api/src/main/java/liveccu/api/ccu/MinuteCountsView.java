package liveccu.api.ccu;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import liveccu.model.Audience;
import liveccu.model.MinuteCount;
import liveccu.model.Topics;
import liveccu.ops.kafka.TopicReader;

/**
 * The per-minute counts this API instance serves, for the last {@code history}: the compacted
 * results topic materialised on local disk ({@link MinuteCountStore}), read from the beginning on
 * a fresh directory and from where it got to on a restart, then followed. Range queries and the
 * recent lists are index walks; the heap does not grow with the history.
 */
public final class MinuteCountsView implements AutoCloseable {

    /** RocksDB's block cache, off the heap: the hot part of the history (recent minutes, the indexes). */
    static final long CACHE_BYTES = 32L << 20;
    private static final long EVICTION_INTERVAL_MS = 10 * 60_000;

    private final Duration history;
    private final Clock clock;
    private final MinuteCountStore store;
    private final TopicReader<MinuteCount> reader;
    private long nextEvictionMs;

    /**
     * @param stateDir where the counts are kept on disk (this instance's own: RocksDB locks it)
     * @param history  how far back results are kept and can be queried
     * @param recent   how far back {@link #latest} is asked to look (the recent lists' cut-off)
     */
    public MinuteCountsView(String bootstrapServers, Path stateDir, Duration history, Duration recent, Clock clock) {
        this.history = history;
        this.clock = clock;
        this.store = new MinuteCountStore(stateDir, CACHE_BYTES, recent.toMillis(), clock::millis);
        this.reader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.MINUTE_COUNTS, new TopicReader.Checkpointed<>() {
            @Override
            public Map<Integer, Long> positions(String topicId) {
                return store.positions(topicId);
            }

            @Override
            public void apply(String key, MinuteCount count) {
                applyPending(key, count);
            }

            @Override
            public void checkpoint(Map<Integer, Long> next) {
                store.checkpoint(next);
            }
        }, this::evictOldMinutes);
    }

    public TopicReader<MinuteCount> reader() {
        return reader;
    }

    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ccu.api.store.disk.bytes", store, MinuteCountStore::diskBytes)
                .description("bytes of per-minute history on this instance's disk (RocksDB SST files)")
                .baseUnit("bytes")
                .register(registry);
    }

    /** Minutes of an audience with {@code fromMs <= minute < toMs} and any count above zero, newest first. Blocking: not on an event loop. */
    public List<MinuteCount> range(Audience audience, long fromMs, long toMs) {
        return store.range(audience, fromMs, toMs);
    }

    /** The accounts whose beacons named this job (normally one), within the history this instance keeps. Blocking. */
    public List<String> accountsOfJob(String jobId) {
        return store.accountsOfJob(jobId);
    }

    /** Whether this instance keeps any minute of the audience (its latest is dropped only once all its minutes are). Blocking. */
    public boolean holds(Audience audience) {
        return store.holds(audience);
    }

    /**
     * The latest minute of every audience of one kind seen since {@code sinceMs}, most recently active
     * first; for {@link Audience.Kind#TRACKING_IN_JOB}, only those of {@code jobId}. At most {@code recent} back.
     */
    public List<MinuteCount> latest(Audience.Kind kind, String jobId, long sinceMs) {
        return store.latest(kind, jobId, sinceMs);
    }

    /**
     * Applies one record of the results topic (a tombstone as null) and writes it at once; public so
     * that route tests can fill the view without Kafka. The reader applies in batches instead.
     */
    public void apply(String key, MinuteCount count) {
        applyPending(key, count);
        store.checkpoint(Map.of());
    }

    /** The reader first, then the store (queries in flight finish first). */
    @Override
    public void close() {
        reader.close();
        store.close();
    }

    private void applyPending(String key, MinuteCount count) {
        if (count == null) {
            forget(key);
        } else if (count.minuteStartMs() >= clock.millis() - history.toMillis()) {
            store.put(count);
        }
    }

    /** A tombstone on the compacted topic: the operator deleted that minute. */
    private void forget(String key) {
        if (key == null || key.lastIndexOf('/') < 0) {
            return;
        }
        long minute;
        try {
            minute = MinuteCount.minuteOfKey(key);
        } catch (NumberFormatException e) {
            return;  // not one of our keys: nothing to forget
        }
        if (minute >= 0) {
            store.delete(MinuteCount.audienceOfKey(key), minute);
        }
    }

    private void evictOldMinutes() {
        long now = clock.millis();
        if (now < nextEvictionMs) {
            return;
        }
        nextEvictionMs = now + EVICTION_INTERVAL_MS;
        store.evictBefore(now - history.toMillis());
    }
}
