package liveccu.simulator.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import liveccu.model.Side;
import org.junit.jupiter.api.Test;

class TrafficModelTest {

    private static final long END = 1_795_430_000_000L;
    private final TrafficPlan plan = TrafficPlan.small(42);
    private final List<PlannedBeacon> beacons = new TrafficModel(plan).beacons(END);

    @Test
    void theSameSeedPlaysTheSameBeacons() {
        assertEquals(beacons, new TrafficModel(TrafficPlan.small(42)).beacons(END));
    }

    @Test
    void beaconsComeInArrivalOrder() {
        assertEquals(beacons.stream().sorted(Comparator.comparingLong(PlannedBeacon::arrivalMs)).toList(), beacons);
    }

    @Test
    void theHotJobHasManyMoreViewersThanTheOthers() {
        Map<String, Set<String>> sessionsByJob = beacons.stream().collect(Collectors.groupingBy(PlannedBeacon::jobId,
                Collectors.mapping(PlannedBeacon::sessionId, Collectors.toSet())));
        assertEquals(plan.jobs(), sessionsByJob.size());
        int hot = sessionsByJob.values().stream().mapToInt(Set::size).max().orElseThrow();
        int ordinary = sessionsByJob.values().stream().mapToInt(Set::size).min().orElseThrow();
        assertTrue(hot >= 3 * ordinary, "hot " + hot + " vs ordinary " + ordinary);
    }

    @Test
    void serverSideTimesHaveFractionsAndClientSideTimesComeInSecondsAndMilliseconds() {
        assertTrue(beacons.stream().filter(b -> b.side() == Side.SS).anyMatch(b -> b.timeText().contains(".")));
        assertTrue(beacons.stream().filter(b -> b.side() == Side.CS).anyMatch(b -> b.timeText().length() == 13));
        assertTrue(beacons.stream().filter(b -> b.side() == Side.CS).anyMatch(b -> b.timeText().length() == 10));
    }

    @Test
    void somePlayersNeverReportAndSomeBeaconsAreRetried() {
        Set<String> withServerSide = sessions(Side.SS);
        Set<String> withClientSide = sessions(Side.CS);
        assertTrue(withClientSide.size() < withServerSide.size(), "players without the plug-in");
        long retried = beacons.size() - beacons.stream().map(PlannedBeacon::guid).distinct().count();
        assertTrue(retried > 0, "retries reuse the guid");
    }

    @Test
    void someBeaconsArriveMinutesLateAndSomeAfterAnyGrace() {
        assertTrue(beacons.stream().anyMatch(b -> b.arrivalMs() - b.beaconTimeMs() > 60_000), "long-tail delays");
        long stragglers = beacons.stream().filter(b -> END - b.beaconTimeMs() >= 26 * 60_000L
                && END - b.beaconTimeMs() <= 28 * 60_000L).count();
        long tooLate = beacons.stream().filter(b -> END - b.beaconTimeMs() > 33 * 60_000L).count();
        assertTrue(stragglers >= plan.stragglers(), "stragglers");
        assertTrue(tooLate >= plan.tooLate(), "too late");
    }

    @Test
    void everyoneLeavesWhenTheLastStreamEnds() {
        // two jobs: the hot first one runs to the end, the second (smaller) one ends at 3/4 of the window
        TrafficPlan twoJobs = new TrafficPlan(7, 2, 30, 4, plan.window(), plan.segment(), plan.playerInterval(),
                0, 0, 0, plan.clientSkew(), 0, 0);
        List<PlannedBeacon> twoJobBeacons = new TrafficModel(twoJobs).beacons(END);
        Map<String, Long> beaconsPerJob = twoJobBeacons.stream()
                .collect(Collectors.groupingBy(PlannedBeacon::jobId, Collectors.counting()));
        String endingJob = beaconsPerJob.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
        long streamEnd = END - twoJobs.window().toMillis() / 4;

        long lastServerBeacon = twoJobBeacons.stream().filter(b -> b.jobId().equals(endingJob) && b.side() == Side.SS)
                .mapToLong(PlannedBeacon::beaconTimeMs).max().orElseThrow();
        long lastHotBeacon = twoJobBeacons.stream().filter(b -> !b.jobId().equals(endingJob))
                .mapToLong(PlannedBeacon::beaconTimeMs).max().orElseThrow();
        assertTrue(lastServerBeacon < streamEnd + 1_000, "no heartbeat after the stream ended");
        assertTrue(lastHotBeacon > streamEnd + 1_000, "the other stream goes on");
    }

    private Set<String> sessions(Side side) {
        return beacons.stream().filter(b -> b.side() == side && END - b.beaconTimeMs() < plan.window().toMillis())
                .map(PlannedBeacon::sessionId).collect(Collectors.toSet());
    }
}
