package liveccu.api.http;

import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Pattern;
import liveccu.model.Ids;
import liveccu.ops.http.HttpFailure;

/**
 * The query parameters every report of the API reads the same way ({@code /ccu}, {@code /viewers},
 * {@code /playback}, {@code /cdn}): ids, Unix times, a from/to range, the format. Pure, for unit tests;
 * each throws {@link HttpFailure} 400 with the reason when a parameter is wrong.
 */
public final class QueryParams {

    private static final Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_TRACKING_ID_CHARS = 128;

    private QueryParams() {
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
