package liveccu.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import java.util.TreeMap;

/**
 * Quality-of-experience metrics of one account's views for one period — a UTC minute with few dimensions
 * ({@link Topics#QOE_MINUTES}) or a UTC hour with every dimension ({@link Topics#QOE_HOURS}) — as defined by
 * {@link QoeRules}: keyed by {@link #key()}, the newest record of a key holding the period's totals. Every field
 * is a sum (counts, milliseconds, bucket counts, score points), so any range or breakdown is the sum of its
 * records, and a ratio, average or quantile is computed from the sums at query time (docs/qoe.md). Inside the
 * aggregator the same shape carries a change to those totals (fields may be negative there: a late event took
 * something back).
 *
 * @param periodMs          the period's length: {@link #MINUTE_MS} or {@link #HOUR_MS}
 * @param periodStartMs     start of the period, epoch ms
 * @param views             views started in the period (at their intent)
 * @param playingViews      views that played in the period ("views playing now" for a minute)
 * @param rebufferingViews  views that rebuffered in the period
 * @param playedMs          playing time in the period
 * @param rebufferMs        rebuffering time in the period; rebuffer % = rebufferMs / (playedMs + rebufferMs)
 * @param rebuffers         rebuffers that began in the period; per minute watched = rebuffers / (playedMs / 60,000)
 * @param bitrateKbpsMs     playing time with a known bitrate, weighted by it (kbps·ms)
 * @param bitrateMs         that playing time; average bitrate = bitrateKbpsMs / bitrateMs (kbps)
 * @param failures          playback failures at their fatal error in the period (startup failures included)
 * @param startupFailures   of those, the views that never played (video startup failures)
 * @param exitsBeforeStart  exits before video start, at the view's end
 * @param startups          views whose startup time is known, at their first playing
 * @param startupMsSum      the sum of those startup times (a mean)
 * @param startupBuckets    those startup times by {@link QoeRules#startupBucket bucket} (bucket → views), for quantiles
 *                          ({@link QoeRules#startupQuantile}); only buckets with views
 * @param scored            views with an experience score, in the period of their newest event (their end, so far)
 * @param scoreSum          their {@link QoeRules#experienceScore scores}, in thousandths ({@link QoeRules#SCORE_SCALE})
 * @param successSum        their playback success scores, in thousandths
 * @param startupScored     of them, those with a startup score
 * @param startupScoreSum   those startup scores, in thousandths
 * @param smoothnessScored  of them, those with a smoothness score (they played, and said in which states)
 * @param smoothnessSum     those smoothness scores, in thousandths
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QoeCount(
        String accountId,
        long periodMs,
        long periodStartMs,
        QoeDimensions dimensions,
        long views,
        long playingViews,
        long rebufferingViews,
        long playedMs,
        long rebufferMs,
        long rebuffers,
        long bitrateKbpsMs,
        long bitrateMs,
        long failures,
        long startupFailures,
        long exitsBeforeStart,
        long startups,
        long startupMsSum,
        Map<Integer, Long> startupBuckets,
        long scored,
        long scoreSum,
        long successSum,
        long startupScored,
        long startupScoreSum,
        long smoothnessScored,
        long smoothnessSum) {

    public static final long MINUTE_MS = 60_000;
    public static final long HOUR_MS = 3_600_000;

    public QoeCount {
        startupBuckets = startupBuckets == null ? Map.of() : startupBuckets;
    }

    /** Nothing yet: the totals a period starts from. */
    public static QoeCount zero(String accountId, long periodMs, long periodStartMs, QoeDimensions dimensions) {
        return new QoeCount(accountId, periodMs, periodStartMs, dimensions, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                Map.of(), 0, 0, 0, 0, 0, 0, 0);
    }

    public static long periodStart(long periodMs, long epochMs) {
        return Math.floorDiv(epochMs, periodMs) * periodMs;
    }

    /**
     * {@code account|periodMs|periodStartMs|content_id|stream_type|property|device_class|os|browser|country|asn|as_org|error_code}
     * ({@link QoeDimensions#key()}); a minute's dimensions beyond content and stream type are {@code ~}.
     */
    public String key() {
        return KeyParts.encode(accountId) + "|" + periodMs + "|" + periodStartMs + "|" + dimensions.key();
    }

    /** These totals with a change added, field by field (buckets too: a bucket summing to 0 is left out). */
    public QoeCount plus(QoeCount c) {
        Map<Integer, Long> buckets = new TreeMap<>(startupBuckets);
        c.startupBuckets.forEach((bucket, n) -> buckets.merge(bucket, n, (a, b) -> a + b == 0 ? null : a + b));
        return new QoeCount(accountId, periodMs, periodStartMs, dimensions, views + c.views, playingViews + c.playingViews,
                rebufferingViews + c.rebufferingViews, playedMs + c.playedMs, rebufferMs + c.rebufferMs,
                rebuffers + c.rebuffers, bitrateKbpsMs + c.bitrateKbpsMs, bitrateMs + c.bitrateMs, failures + c.failures,
                startupFailures + c.startupFailures, exitsBeforeStart + c.exitsBeforeStart, startups + c.startups,
                startupMsSum + c.startupMsSum, buckets, scored + c.scored, scoreSum + c.scoreSum, successSum + c.successSum,
                startupScored + c.startupScored, startupScoreSum + c.startupScoreSum, smoothnessScored + c.smoothnessScored,
                smoothnessSum + c.smoothnessSum);
    }

    /** These numbers with the opposite sign: what taking them back is. */
    public QoeCount negated() {
        return zero(accountId, periodMs, periodStartMs, dimensions).minus(this);
    }

    /** These totals less another's. */
    public QoeCount minus(QoeCount c) {
        Map<Integer, Long> negative = new TreeMap<>();
        c.startupBuckets.forEach((bucket, n) -> negative.put(bucket, -n));
        return plus(new QoeCount(accountId, periodMs, periodStartMs, dimensions, -c.views, -c.playingViews,
                -c.rebufferingViews, -c.playedMs, -c.rebufferMs, -c.rebuffers, -c.bitrateKbpsMs, -c.bitrateMs, -c.failures,
                -c.startupFailures, -c.exitsBeforeStart, -c.startups, -c.startupMsSum, negative, -c.scored, -c.scoreSum,
                -c.successSum, -c.startupScored, -c.startupScoreSum, -c.smoothnessScored, -c.smoothnessSum));
    }

    /** Whether every number is 0 (a change that changes nothing, or a period with nothing in it). */
    public boolean isZero() {
        return equals(zero(accountId, periodMs, periodStartMs, dimensions));
    }

    /** Rebuffer %: rebuffering ÷ (playing + rebuffering), null without either. */
    public Double rebufferPercent() {
        return playedMs + rebufferMs == 0 ? null : 100.0 * rebufferMs / (playedMs + rebufferMs);
    }

    /** Average bitrate while playing, kbps (time-weighted), null without a bitrate. */
    public Double averageBitrateKbps() {
        return bitrateMs == 0 ? null : bitrateKbpsMs / (double) bitrateMs;
    }

    /** The mean experience score, null without a scored view. */
    public Double experienceScore() {
        return scored == 0 ? null : scoreSum / (double) QoeRules.SCORE_SCALE / scored;
    }
}
