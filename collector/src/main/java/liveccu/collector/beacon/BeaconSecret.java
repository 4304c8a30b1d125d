package liveccu.collector.beacon;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The optional shared secret beacons must carry, as header {@code x-api-key} or, for players using
 * {@code navigator.sendBeacon} (which cannot set headers), as query parameter {@code key}.
 */
public final class BeaconSecret {

    private final byte[] secret;

    /** @param secret the configured secret; empty means beacons need none */
    public BeaconSecret(Optional<String> secret) {
        this.secret = secret.map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    public boolean required() {
        return secret != null;
    }

    /** True when no secret is configured, or one of the presented values matches it. */
    public boolean accepts(String header, String queryParameter) {
        return secret == null || matches(header) || matches(queryParameter);
    }

    private boolean matches(String presented) {
        // Constant time, so the secret cannot be guessed byte by byte from response times.
        return presented != null && MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8));
    }
}
