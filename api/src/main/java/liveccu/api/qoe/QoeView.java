package liveccu.api.qoe;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import liveccu.api.periods.AccountPeriods;
import liveccu.model.QoeCount;
import liveccu.model.Topics;
import liveccu.ops.kafka.TopicReader;

/**
 * The quality-of-experience records this API instance serves: the compacted ccu.qoe-minutes topic's minutes
 * of the last {@link #MINUTE_HISTORY} (content and stream type only) in memory by account, as the CDN view keeps
 * its own, and ccu.qoe-hours' hours of the last {@code history} (every dimension) on local disk
 * ({@link QoeHourStore}, under the instance's state directory), as the CCU minutes are. A minute is one record
 * per content of a live event whatever its audience, a few in all; an hour one per device × network × error code
 * combination that had views (docs/qoe.md), which is why they are not on the heap. A start reads only the minutes
 * written within their window (and a margin); the hours from where the store got to, or, on a fresh store,
 * from the records written within theirs: never the topics' whole life.
 */
public final class QoeView implements AutoCloseable {

    /** Minutes serve the last day; an hour more so that a day's chart aligned on whole hours still has its first minutes. */
    public static final Duration MINUTE_HISTORY = Duration.ofHours(25);
    /**
     * A period's records are rewritten long after it: an exit before start is counted at the view's end, a
     * score in the hour of its newest event, a period kept open for the aggregator's open window (42 min) and
     * more (docs/qoe.md, "Where it runs"); two hours past the window cover them and clocks that disagree.
     */
    private static final Duration READ_MARGIN = Duration.ofHours(2);
    /** RocksDB's block cache for the hours, off the heap, as the CCU minutes' store has. */
    static final long CACHE_BYTES = 32L << 20;
    private static final long EVICTION_INTERVAL_MS = 10 * 60_000;

    private final Duration history;
    private final Clock clock;
    private final AccountPeriods<QoeCount> minutes;
    private final QoeHourStore hours;
    private final TopicReader<QoeCount> minuteReader;
    private final TopicReader<QoeCount> hourReader;
    private long nextEvictionMs;

    /**
     * @param stateDir where the hours are kept on disk (this instance's own: RocksDB locks it)
     * @param history  how far back hours are kept and can be queried
     */
    public QoeView(String bootstrapServers, Path stateDir, Duration history, Clock clock) {
        this.history = history;
        this.clock = clock;
        this.minutes = new AccountPeriods<>(MINUTE_HISTORY, clock, QoeCount::accountId, QoeCount::periodStartMs,
                ms -> QoeCount.periodStart(QoeCount.MINUTE_MS, ms));
        this.hours = new QoeHourStore(stateDir, CACHE_BYTES);
        this.minuteReader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.QOE_MINUTES, MINUTE_HISTORY.plus(READ_MARGIN),
                minutes::apply, minutes::evictOld);
        this.hourReader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.QOE_HOURS, new TopicReader.Checkpointed<>() {
            @Override
            public Map<Integer, Long> positions(String topicId) {
                return hours.positions(topicId);
            }

            @Override
            public void apply(String key, QoeCount count) {
                applyHour(key, count);
            }

            @Override
            public void checkpoint(Map<Integer, Long> next) {
                hours.checkpoint(next);
            }
        }, history.plus(READ_MARGIN), this::evictOldHours);
    }

    public TopicReader<QoeCount> minuteReader() {
        return minuteReader;
    }

    public TopicReader<QoeCount> hourReader() {
        return hourReader;
    }

    /** How far back hours are served: the longest range of a query. */
    public Duration history() {
        return history;
    }

    /** The earliest minute served now, epoch ms: that of now − {@link #MINUTE_HISTORY}. */
    public long firstMinuteMs() {
        return QoeCount.periodStart(QoeCount.MINUTE_MS, clock.millis() - MINUTE_HISTORY.toMillis());
    }

    /** The account's minutes with {@code fromMs <= minute < toMs}, in no particular order. */
    public List<QoeCount> minutes(String accountId, long fromMs, long toMs) {
        return minutes.of(accountId, fromMs, toMs).toList();
    }

    /**
     * Hands each of the account's hours with {@code fromMs <= hour < toMs} to {@code action}, oldest first, as it
     * reads them from disk, holding none: what a sum over a long range uses. Blocking: not on an event loop.
     */
    public void forEachHour(String accountId, long fromMs, long toMs, Consumer<QoeCount> action) {
        hours.forEach(accountId, fromMs, toMs, action);
    }

    /**
     * Applies one record of either topic (told apart by its period; a tombstone to both, their keys differ), as
     * the readers do for each, an hour written to disk at once; public so that route tests can fill the view
     * without Kafka.
     */
    public void apply(String key, QoeCount count) {
        if (count == null) {
            minutes.apply(key, null);
            applyHour(key, null);
            hours.checkpoint(Map.of());
        } else if (count.periodMs() == QoeCount.MINUTE_MS) {
            minutes.apply(key, count);
        } else {
            applyHour(key, count);
            hours.checkpoint(Map.of());
        }
    }

    /** The hour reader first, then the hours' store (queries in flight finish first). */
    @Override
    public void close() {
        hourReader.close();
        hours.close();
    }

    /** An hour within the history (or a tombstone, whatever its hour), pending until the reader's checkpoint. */
    private void applyHour(String key, QoeCount count) {
        if (count == null || count.periodStartMs() >= oldestHourKept(clock.millis())) {
            hours.apply(key, count);
        }
    }

    /** After each poll, every ten minutes at most: deletes the hours that aged out. */
    private void evictOldHours() {
        long now = clock.millis();
        if (now < nextEvictionMs) {
            return;
        }
        nextEvictionMs = now + EVICTION_INTERVAL_MS;
        hours.evictBefore(oldestHourKept(now));
    }

    /** The oldest hour kept: that of now − history, as the minutes' cut-off is theirs. */
    private long oldestHourKept(long nowMs) {
        return QoeCount.periodStart(QoeCount.HOUR_MS, nowMs - history.toMillis());
    }
}
