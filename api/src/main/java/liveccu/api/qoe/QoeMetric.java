package liveccu.api.qoe;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The metrics a breakdown ranks values by ({@code GET /qoe/breakdown?metric=}), named as {@code /qoe}'s
 * fields: which way is worse, and what a value's share is a share of — the metric's denominator (views for
 * the views' percentages, as Mux's "share of views"; watch time for rebuffer %; startups for startup times),
 * so that the values' impacts of one answer sum to zero: each is its part of the overall metric.
 */
enum QoeMetric {
    FAILURE_PCT(true, "views", s -> s.views, s -> ratio(100.0 * s.failures, s.views)),
    STARTUP_FAILURE_PCT(true, "views", s -> s.views, s -> ratio(100.0 * s.startupFailures, s.views)),
    EXIT_BEFORE_START_PCT(true, "views", s -> s.views, s -> ratio(100.0 * s.exitsBeforeStart, s.views)),
    REBUFFER_PCT(true, "watch_ms", s -> s.playedMs + s.rebufferMs,
            s -> ratio(100.0 * s.rebufferMs, s.playedMs + s.rebufferMs)),
    REBUFFERS_PER_MINUTE(true, "played_ms", s -> s.playedMs, s -> ratio(s.rebuffers * 60_000.0, s.playedMs)),
    STARTUP_MEAN_MS(true, "startups", s -> s.startups, s -> ratio(s.startupMsSum, s.startups)),
    STARTUP_P50_MS(true, "startups", s -> s.startups, s -> quantile(s, 0.50)),
    STARTUP_P90_MS(true, "startups", s -> s.startups, s -> quantile(s, 0.90)),
    STARTUP_P95_MS(true, "startups", s -> s.startups, s -> quantile(s, 0.95)),
    AVG_BITRATE_KBPS(false, "bitrate_ms", s -> s.bitrateMs, s -> ratio(s.bitrateKbpsMs, s.bitrateMs)),
    SCORE(false, "scored", s -> s.scored, s -> ratio(s.scoreSum / 1000.0, s.scored));

    /** Whether a higher value is worse (failures, stalls, startup times) or a lower one (bitrate, score). */
    final boolean higherIsWorse;
    /** What the share is a share of, as the answer names it. */
    final String weightName;
    private final ToLongFunction<QoeSums> weight;
    private final Function<QoeSums, Double> value;

    QoeMetric(boolean higherIsWorse, String weightName, ToLongFunction<QoeSums> weight, Function<QoeSums, Double> value) {
        this.higherIsWorse = higherIsWorse;
        this.weightName = weightName;
        this.weight = weight;
        this.value = value;
    }

    /** As the API names it: {@code failure_pct}, {@code startup_p90_ms}… */
    String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    long weight(QoeSums sums) {
        return weight.applyAsLong(sums);
    }

    /** The metric of these sums, unrounded; null where it has no denominator. */
    Double value(QoeSums sums) {
        return value.apply(sums);
    }

    /** @return null for a name that is no metric */
    static QoeMetric of(String text) {
        return Arrays.stream(values()).filter(metric -> metric.text().equals(text)).findFirst().orElse(null);
    }

    static String names() {
        return Arrays.stream(values()).map(QoeMetric::text).collect(Collectors.joining(", "));
    }

    private static Double ratio(double part, long whole) {
        return whole <= 0 ? null : part / whole;
    }

    private static Double quantile(QoeSums sums, double q) {
        Long ms = sums.startupQuantile(q);
        return ms == null ? null : ms.doubleValue();
    }
}
