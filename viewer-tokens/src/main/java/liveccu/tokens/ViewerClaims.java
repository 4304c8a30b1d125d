package liveccu.tokens;

import java.time.Instant;

/**
 * What a viewer token says about its viewer. Every field but {@code expiresAt} may be null.
 *
 * @param trackingId       {@code tracking.trackingId}: groups viewers (customer, reseller, ticket tier…)
 * @param customViewerData {@code tracking.customViewerData}: the operator's own per-viewer data
 * @param accountId        {@code accid}: the account the token was minted for
 * @param userId           {@code uid}: the viewer
 * @param correlator       {@code sid}: the viewer's streaming location (device)
 * @param concurrencyLimit {@code climit}: how many streams the viewer may play at once
 * @param expiresAt        {@code exp}, required
 * @param notBefore        {@code nbf}
 * @param issuedAt         {@code iat}
 */
public record ViewerClaims(
        String trackingId,
        String customViewerData,
        String accountId,
        String userId,
        String correlator,
        Integer concurrencyLimit,
        Instant expiresAt,
        Instant notBefore,
        Instant issuedAt) {
}
