package liveccu.simulator.truth;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import liveccu.model.Side;
import liveccu.simulator.traffic.PlannedBeacon;

/**
 * What the counts must be, computed from what the collector accepted with a 2xx, by a model
 * deliberately written apart from the system's own code: a session counts in a minute of a job
 * and side if one of its accepted beacons claims a time in that UTC minute and was sent no later
 * than the grace period after that minute ended.
 */
public final class GroundTruth {

    private static final long MINUTE = 60_000;

    private final long graceMs;
    private final Map<String, Map<Long, Set<String>>> serverSide = new HashMap<>();
    private final Map<String, Map<Long, Set<String>>> clientSide = new HashMap<>();
    private final Set<String> jobs = new HashSet<>();
    private long accepted;

    public GroundTruth(Duration grace) {
        this.graceMs = grace.toMillis();
    }

    /** Records a beacon the collector answered 2xx; {@code sentAtMs} is taken before sending. */
    public synchronized void accepted(PlannedBeacon beacon, long sentAtMs) {
        accepted++;
        jobs.add(beacon.jobId());
        long minute = beacon.beaconTimeMs() - Math.floorMod(beacon.beaconTimeMs(), MINUTE);
        if (sentAtMs > minute + MINUTE + graceMs) {
            return;
        }
        var bySide = beacon.side() == Side.SS ? serverSide : clientSide;
        bySide.computeIfAbsent(beacon.jobId(), j -> new HashMap<>())
                .computeIfAbsent(minute, m -> new HashSet<>())
                .add(beacon.sessionId());
    }

    public synchronized long acceptedCount() {
        return accepted;
    }

    public synchronized Set<String> jobs() {
        return Set.copyOf(jobs);
    }

    /** Expected counts of a job, by minute start; minutes not listed must not appear in the API. */
    public synchronized TreeMap<Long, Counts> expected(String jobId) {
        TreeMap<Long, Counts> counts = new TreeMap<>();
        serverSide.getOrDefault(jobId, Map.of())
                .forEach((minute, sessions) -> counts.merge(minute, new Counts(sessions.size(), 0), Counts::plus));
        clientSide.getOrDefault(jobId, Map.of())
                .forEach((minute, sessions) -> counts.merge(minute, new Counts(0, sessions.size()), Counts::plus));
        return counts;
    }

    /** Server-side and client-side distinct sessions of one minute. */
    public record Counts(long ssccu, long csccu) {
        Counts plus(Counts other) {
            return new Counts(ssccu + other.ssccu, csccu + other.csccu);
        }
    }
}
