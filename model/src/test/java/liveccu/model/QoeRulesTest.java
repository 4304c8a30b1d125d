package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The QoE's formulas and startup buckets (QoeRules), against Mux's published examples and DDSketch's guarantee. */
class QoeRulesTest {

    /** Mux's Startup Time Score examples ("400 ms: 95, 2 seconds: 80, 8 seconds: 50, 20 seconds: 29"). */
    @ParameterizedTest(name = "{0} ms: {1}")
    @CsvSource({"0, 100.0", "400, 95.238", "2000, 80.0", "8000, 50.0", "20000, 28.571"})
    void startupScoreIsMuxs(long startupMs, double score) {
        assertEquals(score, QoeRules.startupScore(startupMs), 0.001);
    }

    /**
     * Mux's Smoothness Score: the mean of the count and the time curve. Its own example, "a 20-minute video with four
     * 15-second rebuffers: average of 44 and 60", is 44.72 and 60.65 by its formula.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "no rebuffering;                      0;      0; 1200000; 100.0",
            "four 15 s rebuffers in 20 min;       4;  60000; 1140000; 52.687",
            "one 5 s rebuffer in 5 min;           1;   5000;  295000; 87.045",
            "rebuffering only;                    1;  10000;       0; 44.723",
    })
    void smoothnessScoreIsMuxs(String why, long rebuffers, long rebufferMs, long playedMs, double score) {
        double byCount = 100 / Math.sqrt(1 + Math.pow(rebuffers / 2.0, 2));
        double byTime = 100 * Math.exp(-10 * (rebufferMs + playedMs == 0 ? 0 : rebufferMs / (double) (rebufferMs + playedMs)));
        assertEquals((byCount + byTime) / 2, QoeRules.smoothnessScore(rebuffers, rebufferMs, playedMs), 1e-9, why);
        assertEquals(score, QoeRules.smoothnessScore(rebuffers, rebufferMs, playedMs), 0.001, why);
    }

    /** A view's score: success as a factor, times the mean of the startup and smoothness scores it has. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "failed;                               FAILED;               2000; 0;     0; 60000;   0.0",
            "exited before start;                  EXITED_BEFORE_START;     -; 0;     0;     0;  50.0",
            "played, 2 s startup, no stall;        PLAYED;               2000; 0;     0; 60000;  90.0",
            "played, no intent, no stall;          PLAYED;                  -; 0;     0; 60000; 100.0",
            "played, 8 s startup, four stalls;     PLAYED;               8000; 4; 60000; 1140000; 51.343",
    })
    void experienceScoreCombinesTheComponentsAfterMuxs(String why, QoeRules.Outcome outcome, Long startupMs, long rebuffers,
                                                         long rebufferMs, long playedMs, double score) {
        assertEquals(score, QoeRules.experienceScore(outcome, startupMs, rebuffers, rebufferMs, playedMs), 0.001, why);
    }

    /** A view known only by its msd (no states: Shaka's release builds) has no smoothness: its startup score alone. */
    @Test
    void aViewWithoutStatesScoresItsStartupAlone() {
        assertEquals(80.0, QoeRules.experienceScore(QoeRules.Outcome.PLAYED, 2_000L, null), 1e-9);
        assertEquals(QoeRules.startupScore(1_750), QoeRules.experienceScore(QoeRules.Outcome.PLAYED, 1_750L, null), 1e-9);
        assertEquals(0.0, QoeRules.experienceScore(QoeRules.Outcome.FAILED, 1_750L, null), 1e-9);
        assertEquals(QoeRules.experienceScore(QoeRules.Outcome.PLAYED, 2_000L, 0, 0, 60_000),
                QoeRules.experienceScore(QoeRules.Outcome.PLAYED, 2_000L, QoeRules.smoothnessScore(0, 0, 60_000)), 1e-9);
    }

    @Test
    void aStartupBucketStandsForEveryTimeInItWithinOnePercent() {
        for (long ms = 1; ms < 3_600_000; ms = ms * 11 / 10 + 1) {
            double value = QoeRules.startupOfBucket(QoeRules.startupBucket(ms));
            assertTrue(Math.abs(value - ms) <= QoeRules.STARTUP_RELATIVE_ACCURACY * ms * (1 + 1e-9), ms + " ms read as " + value);
        }
        assertEquals(345, QoeRules.startupBucket(1_000));
        assertEquals(460, QoeRules.startupBucket(10_000));
        assertEquals(QoeRules.startupBucket(1), QoeRules.startupBucket(0));   // under 1 ms counts as 1 ms
    }

    @Test
    void aBucketsBoundsHoldItsTimesAndMeetTheNextBucketsBounds() {
        for (long ms = 1; ms < 3_600_000; ms = ms * 11 / 10 + 1) {
            int bucket = QoeRules.startupBucket(ms);
            assertTrue(QoeRules.startupBucketFromMs(bucket) <= ms && ms < QoeRules.startupBucketToMs(bucket),
                    ms + " ms outside bucket " + bucket);
            assertTrue(QoeRules.startupBucketFromMs(bucket) <= QoeRules.startupOfBucket(bucket)
                    && QoeRules.startupOfBucket(bucket) <= QoeRules.startupBucketToMs(bucket));
            assertEquals(QoeRules.startupBucketToMs(bucket), QoeRules.startupBucketFromMs(bucket + 1), 1e-9);
        }
    }

    @Test
    void quantilesFromSummedBucketsAreWithinOnePercentOfTheExactOnesAndSurviveRemoval() {
        Random random = new Random(24);
        List<Long> times = new ArrayList<>();
        Map<Integer, Long> buckets = new TreeMap<>();
        for (int i = 0; i < 5_000; i++) {
            long ms = 200 + (long) (Math.exp(random.nextGaussian()) * 1_500);
            times.add(ms);
            buckets.merge(QoeRules.startupBucket(ms), 1L, Long::sum);
        }
        // a late event changed 1,000 views' startup: each an old bucket -1 and a new one +1, as the summers add them
        for (int i = 0; i < 1_000; i++) {
            long was = times.get(i);
            long is = was * 3;
            buckets.merge(QoeRules.startupBucket(was), -1L, Long::sum);
            buckets.merge(QoeRules.startupBucket(is), 1L, Long::sum);
            times.set(i, is);
        }
        List<Long> sorted = times.stream().sorted().toList();
        for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
            long exact = sorted.get((int) Math.floor(q * (sorted.size() - 1)));
            double read = QoeRules.startupQuantile(buckets, q);
            assertTrue(Math.abs(read - exact) <= QoeRules.STARTUP_RELATIVE_ACCURACY * exact, "p" + q + ": " + read + " vs " + exact);
        }
        assertNull(QoeRules.startupQuantile(Map.of(), 0.5));
        assertNull(QoeRules.startupQuantile(Map.of(345, 0L), 0.5));
    }

    @Test
    void aCountsChangesSumFieldByFieldAndTakeBackToZero() {
        QoeDimensions live = new QoeDimensions("match-9", "live", null, null, null, null, null, null, null, null);
        QoeCount one = new QoeCount("acc", QoeCount.MINUTE_MS, 0, live, 1, 1, 0, 30_000, 2_000, 1, 90_000_000, 30_000, 0, 0,
                0, 1, 1_200, Map.of(QoeRules.startupBucket(1_200), 1L), 0, 0, 0, 0, 0, 0, 0);
        QoeCount two = one.plus(one);
        assertEquals(2, two.views());
        assertEquals(Map.of(QoeRules.startupBucket(1_200), 2L), two.startupBuckets());
        assertEquals(100.0 * 4_000 / 64_000, two.rebufferPercent(), 1e-9);
        assertEquals(3_000.0, two.averageBitrateKbps(), 1e-9);
        assertTrue(two.minus(one).minus(one).isZero());
        assertEquals(Map.of(), two.plus(two.negated()).startupBuckets());
        assertEquals("acc|60000|0|match-9|live|Others|~|~|~|~|~|~|~", one.key());
    }
}
