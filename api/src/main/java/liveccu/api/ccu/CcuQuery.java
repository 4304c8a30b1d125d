package liveccu.api.ccu;

import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Pattern;
import liveccu.model.Audience;
import liveccu.model.CountingRules;
import liveccu.model.Ids;
import liveccu.ops.http.HttpFailure;

/**
 * A parsed CCU query: an audience and minutes with {@code in <= time < out} (epoch seconds). Without
 * {@code in}/{@code out} the range is the last hour up to now. Pure, for unit tests.
 *
 * @param audience whose viewers
 * @param fromMs   inclusive, epoch ms
 * @param toMs     exclusive, epoch ms
 */
public record CcuQuery(Audience audience, long fromMs, long toMs) {

    static final Duration DEFAULT_RANGE = Duration.ofHours(1);
    private static final Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_TRACKING_ID_CHARS = 128;

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
        long toMs = out == null ? CountingRules.minuteStart(nowMs) + CountingRules.MINUTE_MS : seconds("out", out) * 1000;
        long fromMs = in == null ? toMs - DEFAULT_RANGE.toMillis() : seconds("in", in) * 1000;
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

    /** The {@code jobid} parameter: 32 hex digits or a dashed UUID, normalised. */
    public static String jobId(String jobId) {
        if (jobId == null || jobId.isBlank()) {
            throw badRequest("jobid is required");
        }
        String job = Ids.normaliseHex32(jobId);
        if (job == null) {
            throw badRequest("jobid must be 32 hex digits");
        }
        return job;
    }

    public static String accountId(String accountId) {
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw badRequest("accountid is required: 1-64 of A-Z a-z 0-9 . _ -");
        }
        return accountId;
    }

    public static String trackingId(String trackingId) {
        if (trackingId == null || trackingId.isEmpty() || trackingId.length() > MAX_TRACKING_ID_CHARS) {
            throw badRequest("trackingid is required: 1-" + MAX_TRACKING_ID_CHARS + " characters");
        }
        return trackingId;
    }

    /**
     * A query's time parameter: Unix time in whole seconds (every range parameter of the API).
     *
     * @throws HttpFailure 400 naming the parameter when it is missing or not such a time
     */
    public static long seconds(String name, String text) {
        if (text == null) {
            throw badRequest(name + " is required: Unix time in whole seconds");
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0 && value < 100_000_000_000L) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw badRequest(name + " must be Unix time in whole seconds");
    }

    /** A range of whole periods' starts, {@code fromMs <= start < toMs}, as {@code from} and {@code to} give it. */
    public record Range(long fromMs, long toMs) {
    }

    /**
     * The {@code from} and {@code to} parameters (Unix seconds) of the playback and CDN queries: both
     * required, {@code to} after {@code from}, at most {@code maxRange} apart (what the API keeps).
     *
     * @throws HttpFailure 400 with the reason
     */
    public static Range range(Function<String, String> params, Duration maxRange) {
        long from = seconds("from", params.apply("from")) * 1000;
        long to = seconds("to", params.apply("to")) * 1000;
        if (to <= from) {
            throw badRequest("to must be after from");
        }
        if (to - from > maxRange.toMillis()) {
            throw badRequest("the range is at most " + maxRange.toDays() + " days (what this API keeps)");
        }
        return new Range(from, to);
    }

    /**
     * The {@code format} parameter of a report: true for {@code csv}, false for {@code json} or none.
     *
     * @throws HttpFailure 400 for anything else
     */
    public static boolean csv(String format) {
        if (format == null || format.equals("json")) {
            return false;
        }
        if (format.equals("csv")) {
            return true;
        }
        throw badRequest("format must be json or csv");
    }

    private static HttpFailure badRequest(String reason) {
        return new HttpFailure(400, reason);
    }
}
