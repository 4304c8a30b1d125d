package liveccu.collector.intake;

import liveccu.model.CountingRules;

/** The same time rules as beacons: nothing before 2000, nothing too far ahead of the collector's clock. */
public final class EventTime {

    /** 2000-01-01T00:00:00Z. */
    public static final long EARLIEST_MS = 946_684_800_000L;
    /** Below this a number is Unix seconds, at or above it milliseconds (as for beacons). */
    public static final long SECONDS_BELOW = 100_000_000_000L;

    private EventTime() {
    }

    /** Why the time cannot be an event's, or null when it can. */
    public static String problem(long eventTimeMs, long receivedAtMs, CountingRules rules) {
        if (eventTimeMs < EARLIEST_MS) {
            return "time is before the year 2000";
        }
        if (rules.isTooFarInFuture(eventTimeMs, receivedAtMs)) {
            return "time is " + (eventTimeMs - receivedAtMs) / 1000 + " s ahead of the collector's clock (at most "
                    + rules.maxFutureSkew().toSeconds() + " s allowed)";
        }
        return null;
    }
}
