package liveccu.aggregator.cdn;

import java.time.Duration;
import liveccu.model.CdnRequest;
import liveccu.model.CdnTraffic;
import liveccu.model.CountingRules;

/**
 * What the CDN figures are, in one place. A log line is judged from its own two times (when the CDN
 * served it, when the collector received it), never from when the aggregator reads it, so the same
 * lines always give the same figures. Late lines are normal (CDNs push every few minutes, operators
 * import files days later): the heartbeats' short grace does not apply.
 *
 * <ul>
 *   <li>A line adds to its UTC minute when received within {@link #MINUTE_HOLD} after the minute ended
 *       (minutes serve the last day), and to its UTC hour when received within {@code lateHold} after
 *       the hour ended; older: rejected {@code too-late}.</li>
 *   <li>A line more than {@code maxFutureSkew} ahead of the collector's clock: rejected {@code in-future}
 *       (it would close every period before it).</li>
 *   <li>A line, {@code (batch id, line)}, counts once whatever the number of deliveries within
 *       {@code redelivery} after its batch was last seen.</li>
 * </ul>
 *
 * @param redelivery     how long a batch's delivered lines are remembered after its newest delivery
 * @param lateHold       how long after its hour has ended a line still adds to it
 * @param maxFutureSkew  how far ahead of the collector's clock a line's time may be (the heartbeats' skew)
 * @param catalogue      the operator's content catalogue ({@link ContentCatalogue#EMPTY} without one)
 */
public record CdnRules(Duration redelivery, Duration lateHold, Duration maxFutureSkew, ContentCatalogue catalogue) {

    public static final Duration DEFAULT_REDELIVERY = Duration.ofDays(7);
    public static final Duration DEFAULT_LATE_HOLD = Duration.ofDays(35);
    public static final Duration MINUTE_HOLD = Duration.ofDays(1);
    /**
     * The stores keep a period this much longer than the rule needs (their clock is the newest line's
     * time, not the line's receive time): a line the rule accepts still finds its period while the
     * partitions feeding a store are up to this far apart (one catching up after an outage).
     */
    static final Duration MINUTE_MARGIN = Duration.ofHours(6);
    static final Duration HOUR_MARGIN = Duration.ofDays(1);

    public static CdnRules defaults() {
        return new CdnRules(DEFAULT_REDELIVERY, DEFAULT_LATE_HOLD, CountingRules.DEFAULT_MAX_FUTURE_SKEW, ContentCatalogue.EMPTY);
    }

    boolean isInFuture(CdnRequest request) {
        return request.timeMs() - request.receivedAtMs() > maxFutureSkew.toMillis();
    }

    boolean isTooLate(CdnRequest request) {
        return request.receivedAtMs() > periodStart(request.timeMs(), CdnTraffic.HOUR_MS) + CdnTraffic.HOUR_MS + lateHold.toMillis();
    }

    /** Received soon enough to add to its minute too (otherwise to its hour only). */
    boolean reachesMinute(CdnRequest request) {
        return request.receivedAtMs()
                <= periodStart(request.timeMs(), CdnTraffic.MINUTE_MS) + CdnTraffic.MINUTE_MS + MINUTE_HOLD.toMillis();
    }

    /** How long after its end a minute stays open in its store. */
    Duration minuteGrace() {
        return MINUTE_HOLD.plus(MINUTE_MARGIN);
    }

    /** How long after its end an hour stays open in its store. */
    Duration hourGrace() {
        return lateHold.plus(HOUR_MARGIN);
    }

    static long periodStart(long epochMs, long periodMs) {
        return Math.floorDiv(epochMs, periodMs) * periodMs;
    }
}
