package liveccu.simulator.traffic;

import liveccu.model.Side;

/**
 * One beacon as a sender will fire it.
 *
 * @param jobId        the stream
 * @param sessionId    the viewer session
 * @param side         server side (encoder) or client side (player)
 * @param guid         the beacon's own random id; a retry reuses it
 * @param timeText     the time as it appears in the URL (seconds with a fraction, whole seconds, or ms)
 * @param beaconTimeMs the same time in epoch milliseconds
 * @param arrivalMs    when it would reach the collector in a live event: sends happen in this order
 */
public record PlannedBeacon(
        String jobId,
        String sessionId,
        Side side,
        String guid,
        String timeText,
        long beaconTimeMs,
        long arrivalMs) {

    public String path(String accountId) {
        return "/" + guid + "/" + jobId + "/" + sessionId + "/" + accountId + "/" + timeText + "/" + side.pathSuffix();
    }
}
