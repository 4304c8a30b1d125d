package liveccu.simulator.traffic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import liveccu.model.Side;

/**
 * Turns a {@link TrafficPlan} into the beacons real encoders and players would send, in the order
 * they would arrive.
 *
 * <ul>
 *   <li>Viewers join during a ramp-up, leave after an exponential watch time (churn), and all leave
 *       when a stream ends (the last job ends before the window does).</li>
 *   <li>The SSAI service fires one server-side heartbeat per segment request, with a decimal
 *       fraction in the time, queued and delivered in batches: seconds late usually, minutes late
 *       now and then (a long tail).</li>
 *   <li>Players fire a client-side heartbeat every interval from a clock that is a few seconds off;
 *       some players never do, some beacons are lost, some are retried.</li>
 *   <li>A few stragglers arrive almost a whole grace period late, and a few arrive too late.</li>
 * </ul>
 */
public final class TrafficModel {

    private static final String STRAGGLER_NOTE = "arrive 26-28 minutes late: within a 30-minute grace";
    private final TrafficPlan plan;
    private final Random random;

    public TrafficModel(TrafficPlan plan) {
        this.plan = plan;
        this.random = new Random(plan.seed());
    }

    /** The beacons of a window that ends at {@code endMs}, in arrival order. */
    public List<PlannedBeacon> beacons(long endMs) {
        long startMs = endMs - plan.window().toMillis();
        List<PlannedBeacon> beacons = new ArrayList<>();
        for (int job = 0; job < plan.jobs(); job++) {
            String jobId = hex32();
            int viewers = plan.viewersPerJob() * (job == 0 ? plan.hotJobFactor() : 1);
            // the last job's stream ends at three quarters of the window: everyone leaves at once
            long streamEndMs = job == plan.jobs() - 1 && plan.jobs() > 1
                    ? startMs + plan.window().toMillis() * 3 / 4 : endMs;
            for (int viewer = 0; viewer < viewers; viewer++) {
                addViewer(beacons, jobId, startMs, streamEndMs);
            }
            if (job == 0) {
                addStragglersAndTooLate(beacons, jobId, endMs);
            }
        }
        beacons.sort(Comparator.comparingLong(PlannedBeacon::arrivalMs));
        return beacons;
    }

    private void addViewer(List<PlannedBeacon> beacons, String jobId, long startMs, long streamEndMs) {
        String sessionId = hex32();
        long windowMs = streamEndMs - startMs;
        long joinMs = startMs + (long) Math.min(windowMs - 1, exponential(windowMs / 6.0));   // ramp-up
        long leaveMs = Math.min(streamEndMs, joinMs + 1 + (long) exponential(windowMs * 0.6)); // churn
        for (long t = joinMs; t < leaveMs; t += plan.segment().toMillis()) {
            long beaconTimeMs = t + random.nextInt(1000);
            String text = String.format("%d.%03d", beaconTimeMs / 1000, beaconTimeMs % 1000);
            emit(beacons, jobId, sessionId, Side.SS, text, beaconTimeMs, beaconTimeMs + ssaiDelayMs());
        }
        if (random.nextDouble() < plan.playerMissingShare()) {
            return;
        }
        long skewMs = plan.clientSkew().toMillis() == 0 ? 0
                : random.nextLong(-plan.clientSkew().toMillis(), plan.clientSkew().toMillis() + 1);
        long firstMs = joinMs + random.nextLong(plan.playerInterval().toMillis());
        for (long t = firstMs; t < leaveMs; t += plan.playerInterval().toMillis()) {
            if (random.nextDouble() < plan.playerLossShare()) {
                continue;
            }
            long claimedMs = t + skewMs;
            boolean millis = random.nextBoolean();
            long beaconTimeMs = millis ? claimedMs : claimedMs / 1000 * 1000;
            String text = millis ? Long.toString(claimedMs) : Long.toString(claimedMs / 1000);
            emit(beacons, jobId, sessionId, Side.CS, text, beaconTimeMs, t + 50 + random.nextInt(500));
        }
    }

    /** Stragglers: {@value #STRAGGLER_NOTE}. Too late: 33-40 minutes, past any 30-minute grace. */
    private void addStragglersAndTooLate(List<PlannedBeacon> beacons, String jobId, long endMs) {
        for (int i = 0; i < plan.stragglers(); i++) {
            long beaconTimeMs = endMs - 26 * 60_000L - random.nextLong(2 * 60_000L);
            emit(beacons, jobId, hex32(), Side.SS, Long.toString(beaconTimeMs / 1000), beaconTimeMs / 1000 * 1000, endMs);
        }
        for (int i = 0; i < plan.tooLate(); i++) {
            long beaconTimeMs = endMs - 33 * 60_000L - random.nextLong(7 * 60_000L);
            emit(beacons, jobId, hex32(), Side.SS, Long.toString(beaconTimeMs / 1000), beaconTimeMs / 1000 * 1000, endMs);
        }
    }

    private void emit(List<PlannedBeacon> beacons, String jobId, String sessionId, Side side, String text,
                      long beaconTimeMs, long arrivalMs) {
        PlannedBeacon beacon = new PlannedBeacon(jobId, sessionId, side, hex32(), text, beaconTimeMs, arrivalMs);
        beacons.add(beacon);
        if (random.nextDouble() < plan.retryShare()) {
            beacons.add(new PlannedBeacon(jobId, sessionId, side, beacon.guid(), text, beaconTimeMs,
                    arrivalMs + 1_000 + random.nextInt(5_000)));
        }
    }

    /** SSAI queues: usually 1-5 s, one beacon in fifty up to 20 minutes. */
    private long ssaiDelayMs() {
        return random.nextDouble() < 0.02 ? random.nextLong(20 * 60_000L) : 1_000 + random.nextInt(4_000);
    }

    private double exponential(double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    private String hex32() {
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }
}
