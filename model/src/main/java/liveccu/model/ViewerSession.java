package liveccu.model;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * One viewer session as viewer reports show it: who (from its viewer token or unsigned values),
 * when (first and last beacon time), which minutes it was seen in, and on which sides.
 *
 * <p>The minutes are a bitmap from the session's first minute: a three-hour session is 23 bytes,
 * and a late beacon earlier than everything seen so far simply moves the origin.
 *
 * <p>Everything here is what a report shows, and nothing finer: {@code lastSeenMs} is kept to the
 * minute, so a heartbeat in a minute the session was already seen in, on a side already seen, with
 * no new viewer data, gives an equal session ({@link #equals}), which need not be stored or
 * published again.
 *
 * @param firstSeenMs    the earliest beacon time, to the millisecond
 * @param lastSeenMs     the start of the UTC minute of the latest beacon (minute precision)
 * @param firstMinuteMs  the minute bit 0 stands for
 * @param minuteBits     {@link BitSet#toLongArray()} of the minutes seen, relative to {@code firstMinuteMs}
 */
public record ViewerSession(
        String sessionId,
        String jobId,
        String accountId,
        String trackingId,
        String customViewerData,
        String userId,
        boolean trusted,
        long firstSeenMs,
        long lastSeenMs,
        long firstMinuteMs,
        long[] minuteBits,
        boolean serverSide,
        boolean clientSide) {

    public static ViewerSession of(Beacon beacon) {
        long minute = CountingRules.minuteStart(beacon.beaconTimeMs());
        BitSet bits = new BitSet();
        bits.set(0);
        Viewer viewer = beacon.viewer();
        return new ViewerSession(beacon.sessionId(), beacon.jobId(), beacon.accountId(),
                viewer == null ? null : viewer.trackingId(), viewer == null ? null : viewer.customViewerData(),
                viewer == null ? null : viewer.userId(), viewer != null && viewer.trusted(),
                beacon.beaconTimeMs(), minute, minute, bits.toLongArray(),
                beacon.side() == Side.SS, beacon.side() == Side.CS);
    }

    /** This session after one more of its beacons; duplicates and retries change nothing. */
    public ViewerSession plus(Beacon beacon) {
        long minute = CountingRules.minuteStart(beacon.beaconTimeMs());
        long origin = Math.min(firstMinuteMs, minute);
        BitSet bits = minutes(origin);
        bits.set(index(minute, origin));
        Viewer viewer = beacon.viewer();
        // A signed identity beats an unsigned one; otherwise the first identity seen stays.
        boolean adopt = viewer != null && (viewer.trackingId() != null || viewer.customViewerData() != null)
                && ((trackingId == null && customViewerData == null) || (viewer.trusted() && !trusted));
        return new ViewerSession(sessionId, jobId, accountId,
                adopt ? viewer.trackingId() : trackingId,
                adopt ? viewer.customViewerData() : customViewerData,
                adopt ? viewer.userId() : userId,
                adopt ? viewer.trusted() : trusted,
                Math.min(firstSeenMs, beacon.beaconTimeMs()), Math.max(lastSeenMs, minute),
                origin, bits.toLongArray(),
                serverSide || beacon.side() == Side.SS, clientSide || beacon.side() == Side.CS);
    }

    /** Distinct minutes with a beacon among those starting in {@code fromMs <= minute < toMs}. */
    public int minutesWithin(long fromMs, long toMs) {
        BitSet bits = BitSet.valueOf(minuteBits);
        int count = 0;
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            long minute = firstMinuteMs + i * CountingRules.MINUTE_MS;
            if (minute >= fromMs && minute < toMs) {
                count++;
            }
        }
        return count;
    }

    /** Equal when a report would show the same: the same fields, the minutes compared by content. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ViewerSession that
                && trusted == that.trusted && firstSeenMs == that.firstSeenMs && lastSeenMs == that.lastSeenMs
                && firstMinuteMs == that.firstMinuteMs && serverSide == that.serverSide && clientSide == that.clientSide
                && Objects.equals(sessionId, that.sessionId) && Objects.equals(jobId, that.jobId)
                && Objects.equals(accountId, that.accountId) && Objects.equals(trackingId, that.trackingId)
                && Objects.equals(customViewerData, that.customViewerData) && Objects.equals(userId, that.userId)
                && Arrays.equals(minuteBits, that.minuteBits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, firstSeenMs, lastSeenMs, firstMinuteMs) * 31 + Arrays.hashCode(minuteBits);
    }

    /** Never the viewer's personal data (user id, custom data): a log line or an assertion message must not leak it. */
    @Override
    public String toString() {
        return "ViewerSession[" + sessionId + " job " + jobId + " account " + accountId + " tracking " + trackingId
                + (customViewerData == null ? "" : " data <set>") + (userId == null ? "" : " user <set>")
                + (trusted ? " trusted" : " untrusted")
                + " seen " + firstSeenMs + ".." + lastSeenMs + " minutes from " + firstMinuteMs + " "
                + BitSet.valueOf(minuteBits) + (serverSide ? " ss" : "") + (clientSide ? " cs" : "") + "]";
    }

    /** The bitmap re-based to {@code origin}, which is at or before {@code firstMinuteMs}. */
    private BitSet minutes(long origin) {
        BitSet current = BitSet.valueOf(minuteBits);
        if (origin == firstMinuteMs) {
            return current;
        }
        int shift = index(firstMinuteMs, origin);
        BitSet shifted = new BitSet();
        current.stream().forEach(i -> shifted.set(i + shift));
        return shifted;
    }

    private static int index(long minute, long origin) {
        return (int) ((minute - origin) / CountingRules.MINUTE_MS);
    }
}
