package liveccu.api.query;

import java.time.Duration;
import liveccu.model.CountingRules;
import liveccu.model.Ids;
import liveccu.ops.http.HttpFailure;

/**
 * A parsed {@code GET /ccu?jobid=J&in=EPOCH_S&out=EPOCH_S}: minutes with {@code in <= time < out}.
 * Without {@code in}/{@code out} the range is the last hour up to now. Pure, for unit tests.
 *
 * @param jobId  normalised 32 lower-case hex
 * @param fromMs inclusive, epoch ms
 * @param toMs   exclusive, epoch ms
 */
public record CcuQuery(String jobId, long fromMs, long toMs) {

    static final Duration DEFAULT_RANGE = Duration.ofHours(1);

    /**
     * @param maxRange the longest range one query may ask for
     * @throws HttpFailure 400 with the reason when a parameter is missing or wrong
     */
    public static CcuQuery parse(String jobId, String in, String out, long nowMs, Duration maxRange) {
        if (jobId == null || jobId.isBlank()) {
            throw badRequest("jobid is required");
        }
        String job = Ids.normaliseHex32(jobId);
        if (job == null) {
            throw badRequest("jobid must be 32 hex digits");
        }
        long toMs = out == null ? CountingRules.minuteStart(nowMs) + CountingRules.MINUTE_MS : seconds("out", out) * 1000;
        long fromMs = in == null ? toMs - DEFAULT_RANGE.toMillis() : seconds("in", in) * 1000;
        if (toMs < fromMs) {
            throw badRequest("out must not be before in");
        }
        if (toMs - fromMs > maxRange.toMillis()) {
            throw badRequest("range too large: at most " + maxRange.toHours() + " hours per query");
        }
        return new CcuQuery(job, fromMs, toMs);
    }

    private static long seconds(String name, String text) {
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

    private static HttpFailure badRequest(String reason) {
        return new HttpFailure(400, reason);
    }
}
