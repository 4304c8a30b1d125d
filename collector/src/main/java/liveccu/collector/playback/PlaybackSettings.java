package liveccu.collector.playback;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import liveccu.collector.intake.GeoIpSettings;
import liveccu.collector.intake.IpHasher;
import liveccu.collector.intake.TrustedProxies;
import liveccu.ops.config.Env;

/**
 * The playback intake's settings (player events and CMCD reports), from environment variables
 * (defaults in brackets):
 *
 * <ul>
 *   <li>{@code CCU_PLAYBACK_MAX_BODY_KB} [256] — largest body as sent (compressed or not); over → 413</li>
 *   <li>{@code CCU_PLAYBACK_MAX_INFLATED_KB} [2048] — largest body once decompressed (gzip bombs); over → 413</li>
 *   <li>{@code CCU_PLAYBACK_MAX_EVENTS} [1000] — most events (or CMCD reports) per request; over → 413</li>
 *   <li>{@code CCU_TRUSTED_PROXIES} [unset] — addresses or CIDR ranges whose {@code X-Forwarded-For} names the client</li>
 *   <li>{@code CCU_IP_HASH_SECRET} [random per process, with a warning] — the secret of the IP hashes (≥ 16 bytes);
 *       every collector of a deployment must share it</li>
 *   <li>{@code CCU_CMCD_DISABLED_ACCOUNTS} [unset] — accounts whose CMCD targets answer 410 (players stop sending)</li>
 *   <li>plus {@link GeoIpSettings} ({@code CCU_GEOIP_COUNTRY_DB}, {@code CCU_GEOIP_ASN_DB}): the client IP's country
 *       and autonomous system on every player event and CMCD report</li>
 * </ul>
 */
public record PlaybackSettings(
        int maxBodyBytes,
        int maxInflatedBytes,
        int maxEvents,
        TrustedProxies trustedProxies,
        Optional<String> ipHashSecret,
        Set<String> cmcdDisabledAccounts,
        GeoIpSettings geoIp) {

    public static PlaybackSettings defaults() {
        return new PlaybackSettings(256 * 1024, 2048 * 1024, 1000, TrustedProxies.NONE, Optional.empty(), Set.of(),
                GeoIpSettings.NONE);
    }

    /** @param proxies the collector's trusted proxies ({@code CCU_TRUSTED_PROXIES}, read once by its config) */
    public static PlaybackSettings read(Env env, TrustedProxies proxies) {
        Optional<String> secret = env.optional("CCU_IP_HASH_SECRET").filter(s -> !s.isEmpty());
        if (secret.isPresent() && secret.get().getBytes(StandardCharsets.UTF_8).length < 16) {
            env.error("CCU_IP_HASH_SECRET must have at least 16 bytes");
        }
        Set<String> disabled = new HashSet<>();
        for (String account : env.string("CCU_CMCD_DISABLED_ACCOUNTS", "").split(",")) {
            if (!account.isBlank()) {
                disabled.add(account.trim());
            }
        }
        return new PlaybackSettings(
                env.integer("CCU_PLAYBACK_MAX_BODY_KB", 256, 1, 64 * 1024) * 1024,
                env.integer("CCU_PLAYBACK_MAX_INFLATED_KB", 2048, 1, 256 * 1024) * 1024,
                env.integer("CCU_PLAYBACK_MAX_EVENTS", 1000, 1, 100_000),
                proxies, secret, Set.copyOf(disabled), GeoIpSettings.read(env));
    }

    /** The hasher for these settings: keyed by the configured secret, else a random one. */
    public IpHasher ipHasher() {
        return ipHashSecret.map(s -> new IpHasher(s.getBytes(StandardCharsets.UTF_8))).orElseGet(IpHasher::random);
    }

    /** Never print the secret. */
    @Override
    public String toString() {
        return "PlaybackSettings[maxBodyBytes=" + maxBodyBytes + ", maxInflatedBytes=" + maxInflatedBytes
                + ", maxEvents=" + maxEvents + ", trustedProxies=" + (trustedProxies.isEmpty() ? "none" : "set")
                + ", ipHashSecret=" + (ipHashSecret.isPresent() ? "<set>" : "<random>")
                + ", cmcdDisabledAccounts=" + cmcdDisabledAccounts + ", geoIp=" + geoIp + "]";
    }
}
