package liveccu.api.cdn;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import liveccu.api.periods.AccountPeriods;
import liveccu.model.CdnTraffic;
import liveccu.model.Topics;
import liveccu.ops.kafka.TopicReader;

/**
 * The CDN figures this API instance serves, in memory by account: the compacted ccu.cdn-minutes topic's
 * minutes of the last {@link #MINUTE_HISTORY} and ccu.cdn-hours' hours of the last {@code history}. One
 * record per account, zone, host, PoP, content and period with requests, ~300 bytes each (estimated from
 * its strings, not measured). A start reads only the records written within each window (and a small
 * margin), not the topics' whole retention.
 */
public final class CdnTrafficView {

    /** Minutes serve the last day; an hour more so that a day's chart aligned on whole hours still has its first minutes. */
    public static final Duration MINUTE_HISTORY = Duration.ofHours(25);
    /** A period's records are written from its start on; the margin covers clocks that disagree. */
    private static final Duration READ_MARGIN = Duration.ofHours(2);

    private final Duration history;
    private final Clock clock;
    private final AccountPeriods<CdnTraffic> minutes;
    private final AccountPeriods<CdnTraffic> hours;
    private final TopicReader<CdnTraffic> minuteReader;
    private final TopicReader<CdnTraffic> hourReader;

    public CdnTrafficView(String bootstrapServers, Duration history, Clock clock) {
        this.history = history;
        this.clock = clock;
        this.minutes = new AccountPeriods<>(MINUTE_HISTORY, clock, CdnTraffic::accountId, CdnTraffic::periodStartMs,
                ms -> Math.floorDiv(ms, CdnTraffic.MINUTE_MS) * CdnTraffic.MINUTE_MS);
        this.hours = new AccountPeriods<>(history, clock, CdnTraffic::accountId, CdnTraffic::periodStartMs,
                ms -> Math.floorDiv(ms, CdnTraffic.HOUR_MS) * CdnTraffic.HOUR_MS);
        this.minuteReader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.CDN_MINUTES, MINUTE_HISTORY.plus(READ_MARGIN),
                minutes::apply, minutes::evictOld);
        this.hourReader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.CDN_HOURS, history.plus(READ_MARGIN),
                hours::apply, hours::evictOld);
    }

    public TopicReader<CdnTraffic> minuteReader() {
        return minuteReader;
    }

    public TopicReader<CdnTraffic> hourReader() {
        return hourReader;
    }

    /** How far back hours are served: the longest range of a query. */
    public Duration history() {
        return history;
    }

    /** The earliest minute served now, epoch ms: that of now − {@link #MINUTE_HISTORY}. */
    public long firstMinuteMs() {
        long oldest = clock.millis() - MINUTE_HISTORY.toMillis();
        return Math.floorDiv(oldest, CdnTraffic.MINUTE_MS) * CdnTraffic.MINUTE_MS;
    }

    /** The account's minutes with {@code fromMs <= minute < toMs}, in no particular order. */
    public List<CdnTraffic> minutes(String accountId, long fromMs, long toMs) {
        return minutes.of(accountId, fromMs, toMs).toList();
    }

    /** The account's hours with {@code fromMs <= hour < toMs}, in no particular order. */
    public List<CdnTraffic> hours(String accountId, long fromMs, long toMs) {
        return hours.of(accountId, fromMs, toMs).toList();
    }

    /**
     * Applies one record of either topic (told apart by its period), as the readers do for each; public
     * so that route tests can fill the view without Kafka.
     */
    public void apply(String key, CdnTraffic traffic) {
        (traffic.periodMs() == CdnTraffic.MINUTE_MS ? minutes : hours).apply(key, traffic);
    }
}
