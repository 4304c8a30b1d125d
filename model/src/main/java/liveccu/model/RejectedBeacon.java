package liveccu.model;

/**
 * A beacon that was thrown away, with the reason, on the rejected-beacons topic so operators can
 * see what is being dropped and why.
 *
 * @param reason       machine-readable reason code (see {@link RejectReason#code()})
 * @param message      a short human explanation
 * @param path         the request path as received (never with query string: it may carry secrets)
 * @param receivedAtMs when the collector received it
 * @param rejectedBy   "collector" or "aggregator"
 * @param beacon       the parsed beacon when parsing got that far, else null
 */
public record RejectedBeacon(
        String reason,
        String message,
        String path,
        long receivedAtMs,
        String rejectedBy,
        Beacon beacon) {
}
