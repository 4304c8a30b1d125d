package liveccu.api.qoe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import liveccu.model.QoeCount;
import liveccu.model.QoeRules;

/**
 * The sums of the QoE records of one row (an interval, a group, a breakdown's value), and every metric of
 * docs/qoe.md computed from them: a ratio, mean or quantile is always read from the sums of the row, never
 * averaged from the records' own (a percentage of percentages would weigh a content of 10 views as one of
 * 10,000).
 */
final class QoeSums {

    /** The metrics of a row, in the order rows hold them: the CSV's columns after the time and group. */
    static final List<String> FIGURES = List.of("views", "playing_views", "rebuffering_views",
            "failures", "failure_pct", "startup_failures", "startup_failure_pct", "exits_before_start", "exit_before_start_pct",
            "startups", "startup_mean_ms", "startup_p50_ms", "startup_p90_ms", "startup_p95_ms",
            "played_s", "rebuffer_s", "rebuffer_pct", "rebuffers", "rebuffer_duration_s", "rebuffers_per_minute",
            "avg_bitrate_kbps", "scored", "score", "success_score", "startup_score", "smoothness_score");

    long views;
    long playingViews;
    long rebufferingViews;
    long playedMs;
    long rebufferMs;
    long rebuffers;
    long bitrateKbpsMs;
    long bitrateMs;
    long failures;
    long startupFailures;
    long exitsBeforeStart;
    long startups;
    long startupMsSum;
    final Map<Integer, Long> startupBuckets = new TreeMap<>();
    long scored;
    long scoreSum;
    long successSum;
    long startupScored;
    long startupScoreSum;
    long smoothnessScored;
    long smoothnessSum;

    void add(QoeCount count) {
        views += count.views();
        playingViews += count.playingViews();
        rebufferingViews += count.rebufferingViews();
        playedMs += count.playedMs();
        rebufferMs += count.rebufferMs();
        rebuffers += count.rebuffers();
        bitrateKbpsMs += count.bitrateKbpsMs();
        bitrateMs += count.bitrateMs();
        failures += count.failures();
        startupFailures += count.startupFailures();
        exitsBeforeStart += count.exitsBeforeStart();
        startups += count.startups();
        startupMsSum += count.startupMsSum();
        count.startupBuckets().forEach((bucket, n) -> startupBuckets.merge(bucket, n, Long::sum));
        scored += count.scored();
        scoreSum += count.scoreSum();
        successSum += count.successSum();
        startupScored += count.startupScored();
        startupScoreSum += count.startupScoreSum();
        smoothnessScored += count.smoothnessScored();
        smoothnessSum += count.smoothnessSum();
    }

    /** Whether nothing was counted (no records, or records that read all zeros: an exit a first frame took back). */
    boolean isZero() {
        return views == 0 && playingViews == 0 && rebufferingViews == 0 && playedMs == 0 && rebufferMs == 0 && rebuffers == 0
                && bitrateMs == 0 && failures == 0 && startupFailures == 0 && exitsBeforeStart == 0 && startups == 0
                && scored == 0 && startupBuckets.values().stream().allMatch(n -> n == 0);
    }

    /**
     * Every metric of the row, named as {@link #FIGURES}; null where it has no denominator (no views, no startup,
     * no playing).
     *
     * @param onePeriod whether the row is one period of the records (a minute of minutes, an hour of hours): the
     *                  views playing or rebuffering are null otherwise — a view plays in many hours of a day, so
     *                  their sum is no count of views
     */
    Map<String, Object> figures(boolean onePeriod) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("views", views);
        row.put("playing_views", onePeriod ? playingViews : null);
        row.put("rebuffering_views", onePeriod ? rebufferingViews : null);
        row.put("failures", failures);
        row.put("failure_pct", percent(failures, views));
        row.put("startup_failures", startupFailures);
        row.put("startup_failure_pct", percent(startupFailures, views));
        row.put("exits_before_start", exitsBeforeStart);
        row.put("exit_before_start_pct", percent(exitsBeforeStart, views));
        row.put("startups", startups);
        row.put("startup_mean_ms", startups == 0 ? null : Math.round(startupMsSum / (double) startups));
        row.put("startup_p50_ms", startupQuantile(0.50));
        row.put("startup_p90_ms", startupQuantile(0.90));
        row.put("startup_p95_ms", startupQuantile(0.95));
        row.put("played_s", playedMs / 1000.0);
        row.put("rebuffer_s", rebufferMs / 1000.0);
        row.put("rebuffer_pct", percent(rebufferMs, playedMs + rebufferMs));
        row.put("rebuffers", rebuffers);
        row.put("rebuffer_duration_s", rebuffers == 0 ? null : round(rebufferMs / 1000.0 / rebuffers, 3));
        row.put("rebuffers_per_minute", playedMs == 0 ? null : round(rebuffers / (playedMs / 60_000.0), 3));
        row.put("avg_bitrate_kbps", bitrateMs == 0 ? null : round(bitrateKbpsMs / (double) bitrateMs, 1));
        row.put("scored", scored);
        row.put("score", meanScore(scoreSum, scored));
        row.put("success_score", meanScore(successSum, scored));
        row.put("startup_score", meanScore(startupScoreSum, startupScored));
        row.put("smoothness_score", meanScore(smoothnessSum, smoothnessScored));
        return row;
    }

    /** A startup-time quantile from the summed buckets ({@link QoeRules#startupQuantile}), whole ms; null without startups. */
    Long startupQuantile(double q) {
        Double ms = QoeRules.startupQuantile(startupBuckets, q);
        return ms == null ? null : Math.round(ms);
    }

    /** {@code part ÷ whole} in percent, 2 decimals; null without a whole. */
    static Double percent(long part, long whole) {
        return whole <= 0 ? null : round(100.0 * part / whole, 2);
    }

    /** A mean score from its sum in thousandths of a point, 2 decimals. */
    private static Double meanScore(long sum, long n) {
        return n <= 0 ? null : round(sum / (double) QoeRules.SCORE_SCALE / n, 2);
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
