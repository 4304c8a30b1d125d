package liveccu.simulator.truth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import liveccu.model.Side;
import liveccu.simulator.traffic.PlannedBeacon;
import liveccu.simulator.truth.GroundTruth.Counts;
import org.junit.jupiter.api.Test;

class GroundTruthTest {

    private static final long MINUTE = 1_795_430_040_000L;
    private final GroundTruth truth = new GroundTruth(Duration.ofMinutes(30));

    @Test
    void countsDistinctSessionsPerMinuteAndSide() {
        truth.accepted(beacon("s1", Side.SS, MINUTE + 1_000), MINUTE + 2_000);
        truth.accepted(beacon("s1", Side.SS, MINUTE + 9_000), MINUTE + 10_000);
        truth.accepted(beacon("s2", Side.SS, MINUTE + 59_999), MINUTE + 61_000);
        truth.accepted(beacon("s1", Side.CS, MINUTE + 60_000), MINUTE + 61_000);

        assertEquals(Map.of(MINUTE, new Counts(2, 0), MINUTE + 60_000, new Counts(0, 1)), truth.expected("job"));
    }

    @Test
    void leavesOutBeaconsSentAfterTheGrace() {
        truth.accepted(beacon("s1", Side.SS, MINUTE), MINUTE + 60_000 + 30 * 60_000);
        truth.accepted(beacon("s2", Side.SS, MINUTE), MINUTE + 60_000 + 30 * 60_000 + 1);

        assertEquals(Map.of(MINUTE, new Counts(1, 0)), truth.expected("job"));
    }

    @Test
    void aComparisonFindsMissingExtraAndWrongMinutes() {
        TreeMap<Long, Counts> expected = new TreeMap<>(Map.of(1L, new Counts(3, 2), 2L, new Counts(1, 0)));
        TreeMap<Long, Counts> actual = new TreeMap<>(Map.of(1L, new Counts(3, 1), 3L, new Counts(0, 4)));

        Comparison comparison = Comparison.of(Map.of("job", expected), Map.of("job", actual));

        assertFalse(comparison.exact());
        assertEquals(3, comparison.minutesChecked());
        assertEquals(0, comparison.minutesExact());
        assertEquals(4, comparison.worstDifference());
        assertTrue(Comparison.of(Map.of("job", expected), Map.of("job", expected)).exact());
    }

    private static PlannedBeacon beacon(String session, Side side, long timeMs) {
        return new PlannedBeacon("job", session, side, "guid", Long.toString(timeMs), timeMs, timeMs);
    }
}
