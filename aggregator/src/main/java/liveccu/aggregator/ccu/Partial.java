package liveccu.aggregator.ccu;

import liveccu.model.Side;

/**
 * What one input partition knows of one audience's minute: its distinct sessions per side and the
 * latest receive time. Partitions never share a session (beacons are keyed by session), so the
 * audience's count is the sum of the partials.
 */
record Partial(long ssccu, long csccu, long lastRxAtMs) {

    static final Partial EMPTY = new Partial(0, 0, 0);

    /** This partial after one more beacon, which may or may not be a new session in the minute. */
    Partial plusBeacon(Side side, boolean newSession, long receivedAtMs) {
        long added = newSession ? 1 : 0;
        return new Partial(
                side == Side.SS ? ssccu + added : ssccu,
                side == Side.CS ? csccu + added : csccu,
                Math.max(lastRxAtMs, receivedAtMs));
    }

    Partial plus(Partial other) {
        return new Partial(ssccu + other.ssccu, csccu + other.csccu, Math.max(lastRxAtMs, other.lastRxAtMs));
    }
}
