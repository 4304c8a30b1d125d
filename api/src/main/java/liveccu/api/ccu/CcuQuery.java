package liveccu.api.ccu;

import java.time.Duration;
import liveccu.api.http.QueryParams;
import liveccu.model.Audience;
import liveccu.model.CountingRules;
import liveccu.ops.http.HttpFailure;

/**
 * A parsed CCU query: an audience and minutes with {@code in <= time < out} (epoch seconds). Without
 * {@code in}/{@code out} the range is the last hour up to now. Pure, for unit tests. The parameters the
 * other reports share (ids, times, format) are read by {@link QueryParams}.
 *
 * @param audience whose viewers
 * @param fromMs   inclusive, epoch ms
 * @param toMs     exclusive, epoch ms
 */
public record CcuQuery(Audience audience, long fromMs, long toMs) {

    static final Duration DEFAULT_RANGE = Duration.ofHours(1);

    /**
     * @param maxRange the longest range one query may ask for
     * @throws HttpFailure 400 with the reason when a parameter is wrong
     */
    public static CcuQuery parse(Audience audience, String in, String out, long nowMs, Duration maxRange) {
        return parse(audience, in, out, nowMs, maxRange, CcuInterval.MINUTE);
    }

    /**
     * With rows per hour or day (peaks): the range is checked against {@code maxRange} as asked, then
     * widened to the whole UTC intervals it touches, so that each interval's peak is over all its minutes.
     */
    public static CcuQuery parse(Audience audience, String in, String out, long nowMs, Duration maxRange, CcuInterval interval) {
        long toMs = out == null ? CountingRules.minuteStart(nowMs) + CountingRules.MINUTE_MS : QueryParams.seconds("out", out) * 1000;
        long fromMs = in == null ? toMs - DEFAULT_RANGE.toMillis() : QueryParams.seconds("in", in) * 1000;
        if (toMs < fromMs) {
            throw badRequest("out must not be before in");
        }
        if (toMs - fromMs > maxRange.toMillis()) {
            throw badRequest(switch (interval) {
                case MINUTE -> "range too large: at most " + maxRange.toHours() + " hours per query";
                case HOUR -> "range too large: at most " + maxRange.toHours() + " hours per query with interval=hour";
                case DAY -> "range too large: at most " + maxRange.toDays() + " days per query with interval=day";
            });
        }
        if (interval == CcuInterval.MINUTE) {
            return new CcuQuery(audience, fromMs, toMs);  // as asked: minutes with in <= time < out
        }
        return new CcuQuery(audience, interval.start(fromMs), interval.endAtOrAfter(toMs));
    }

    private static HttpFailure badRequest(String reason) {
        return new HttpFailure(400, reason);
    }
}
