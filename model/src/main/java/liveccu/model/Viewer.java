package liveccu.model;

/**
 * Who is behind a beacon, when the beacon says so: from a signed viewer token (trusted) or from
 * values the player supplied unsigned (untrusted: anyone can forge them). Any field may be null.
 *
 * @param trackingId       groups viewers for billing and breakdowns (at most 128 characters)
 * @param customViewerData the operator's own per-viewer data, passed through to viewer reports
 * @param userId           the token's {@code uid}
 * @param trusted          true only when the values come from a token whose signature was verified
 */
public record Viewer(String trackingId, String customViewerData, String userId, boolean trusted) {
}
