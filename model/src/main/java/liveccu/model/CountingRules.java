package liveccu.model;

import java.time.Duration;

/**
 * What a count is: the one place that defines the minute, the grace period for late beacons and
 * the clock skew tolerated for beacons from the future.
 *
 * <p>CCU of a job for a minute = distinct sessions with at least one beacon whose own time falls in
 * that UTC-aligned minute, counted separately per side. Lateness is judged from the beacon's own
 * two timestamps (beacon time and collector receive time), never from when the aggregator happens to
 * process it, so the same input always gives the same counts.
 *
 * @param grace          how long after its minute has ended a beacon is still counted
 * @param maxFutureSkew  how far ahead of the collector's clock a beacon time may be
 */
public record CountingRules(Duration grace, Duration maxFutureSkew) {

    public static final long MINUTE_MS = 60_000;
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    public CountingRules {
        if (grace.isNegative() || maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("grace and maxFutureSkew must not be negative");
        }
    }

    public static CountingRules defaults() {
        return new CountingRules(DEFAULT_GRACE, DEFAULT_MAX_FUTURE_SKEW);
    }

    /** Start of the UTC minute that contains the given instant. */
    public static long minuteStart(long epochMs) {
        return Math.floorDiv(epochMs, MINUTE_MS) * MINUTE_MS;
    }

    /** Received more than {@link #grace} after the end of the minute it belongs to. */
    public boolean isTooLate(Beacon beacon) {
        return isTooLate(beacon.beaconTimeMs(), beacon.receivedAtMs());
    }

    /** The same rule for any event (player events too): received more than {@link #grace} after its minute ended. */
    public boolean isTooLate(long eventTimeMs, long receivedAtMs) {
        return receivedAtMs > minuteStart(eventTimeMs) + MINUTE_MS + grace.toMillis();
    }

    /** Claims a time further ahead of the receiver's clock than the tolerated skew. */
    public boolean isTooFarInFuture(long beaconTimeMs, long receivedAtMs) {
        return beaconTimeMs - receivedAtMs > maxFutureSkew.toMillis();
    }

    /**
     * How long per-minute state must be kept: a minute can still change until grace after its end;
     * the skew and one more minute cover beacons that reach a partition slightly out of order.
     */
    public Duration stateRetention() {
        return Duration.ofMillis(MINUTE_MS).plus(grace).plus(maxFutureSkew).plusMinutes(1);
    }
}
