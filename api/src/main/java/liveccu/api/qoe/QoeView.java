package liveccu.api.qoe;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import liveccu.api.periods.AccountPeriods;
import liveccu.model.QoeCount;
import liveccu.model.Topics;
import liveccu.ops.kafka.TopicReader;

/**
 * The quality-of-experience records this API instance serves, in memory by account, as the CDN view keeps
 * its own: the compacted ccu.qoe-minutes topic's minutes of the last {@link #MINUTE_HISTORY} (content and
 * stream type only) and ccu.qoe-hours' hours of the last {@code history} (every dimension). A record is one
 * account, period and dimension set with views, ~0.5-1 KB with its startup buckets (estimated from its
 * fields, not measured); a minute is one record per content of a live event whatever its audience, an hour
 * one per device × network × error code combination that had views (docs/qoe.md). A start reads only the
 * records written within each window (and a margin), not the topics' whole retention.
 */
public final class QoeView {

    /** Minutes serve the last day; an hour more so that a day's chart aligned on whole hours still has its first minutes. */
    public static final Duration MINUTE_HISTORY = Duration.ofHours(25);
    /**
     * A period's records are rewritten long after it: an exit before start is counted at the view's end, a
     * score in the hour of its newest event, a period kept open for the aggregator's open window (42 min) and
     * more (docs/qoe.md, "Where it runs"); two hours past the window cover them and clocks that disagree.
     */
    private static final Duration READ_MARGIN = Duration.ofHours(2);

    private final Duration history;
    private final Clock clock;
    private final AccountPeriods<QoeCount> minutes;
    private final AccountPeriods<QoeCount> hours;
    private final TopicReader<QoeCount> minuteReader;
    private final TopicReader<QoeCount> hourReader;

    public QoeView(String bootstrapServers, Duration history, Clock clock) {
        this.history = history;
        this.clock = clock;
        this.minutes = new AccountPeriods<>(MINUTE_HISTORY, clock, QoeCount::accountId, QoeCount::periodStartMs,
                ms -> QoeCount.periodStart(QoeCount.MINUTE_MS, ms));
        this.hours = new AccountPeriods<>(history, clock, QoeCount::accountId, QoeCount::periodStartMs,
                ms -> QoeCount.periodStart(QoeCount.HOUR_MS, ms));
        this.minuteReader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.QOE_MINUTES, MINUTE_HISTORY.plus(READ_MARGIN),
                minutes::apply, minutes::evictOld);
        this.hourReader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.QOE_HOURS, history.plus(READ_MARGIN),
                hours::apply, hours::evictOld);
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

    /** The account's hours with {@code fromMs <= hour < toMs}, in no particular order. */
    public List<QoeCount> hours(String accountId, long fromMs, long toMs) {
        return hours.of(accountId, fromMs, toMs).toList();
    }

    /**
     * Applies one record of either topic (told apart by its period; a tombstone to both, their keys differ), as
     * the readers do for each; public so that route tests can fill the view without Kafka.
     */
    public void apply(String key, QoeCount count) {
        if (count == null) {
            minutes.apply(key, null);
            hours.apply(key, null);
        } else {
            (count.periodMs() == QoeCount.MINUTE_MS ? minutes : hours).apply(key, count);
        }
    }
}
