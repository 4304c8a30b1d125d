package liveccu.collector;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import liveccu.collector.intake.TrustedProxies;
import liveccu.collector.playback.PlaybackSettings;
import liveccu.collector.cdn.LogSettings;
import liveccu.collector.viewers.TokenMode;
import liveccu.ops.config.Env;
import liveccu.ops.config.PipelineSettings;
import liveccu.tokens.TokenSettings;

/**
 * The collector's settings, from environment variables (defaults in brackets):
 *
 * <ul>
 *   <li>{@code CCU_COLLECTOR_PORT} [8080] — HTTP port for beacons, health and metrics</li>
 *   <li>{@code CCU_COLLECTOR_EVENT_LOOPS} [number of cores] — HTTP server instances</li>
 *   <li>{@code CCU_BEACON_SECRET} [unset] — when set, beacons must carry it (x-api-key or ?key=)</li>
 *   <li>{@code CCU_BEACON_SECRETS_BY_ACCOUNT} [unset] — accounts' own secrets, {@code acc1=secret1,acc2=secret2};
 *       an account's beacons must carry its own, other accounts' CCU_BEACON_SECRET (if set)</li>
 *   <li>{@code CCU_RATE_LIMIT_PER_CLIENT} [0: off] — beacons per second each client (address) may send; more → 429</li>
 *   <li>{@code CCU_RATE_LIMIT_BURST} [5 × the rate] — beacons a client may send at once</li>
 *   <li>{@code CCU_RATE_LIMIT_CLIENTS} [100000] — clients whose bucket is remembered at most</li>
 *   <li>{@code CCU_TRUSTED_PROXIES} [unset] — IPs and CIDR ranges of proxies whose X-Forwarded-For names the client</li>
 *   <li>{@code CCU_COLLECTOR_BUFFER_MB} [32] — beacons awaiting Kafka's acknowledgement; full → 503</li>
 *   <li>{@code CCU_KAFKA_DELIVERY_TIMEOUT_MS} [10000] — how long a beacon may wait for Kafka before 503</li>
 *   <li>{@code CCU_KAFKA_LINGER_MS} [5] — producer batching delay; the 200 of each beacon written waits for it
 *       (about 1 in 15 with facts forwarded: fewer, larger produce requests cost the broker far less)</li>
 *   <li>{@code CCU_KAFKA_COMPRESSION} [lz4] — producer compression: none, gzip, snappy, lz4 or zstd</li>
 *   <li>{@code CCU_WRITE_EVERY_BEACON} [false] — true: every beacon is written to Kafka (for an audit of
 *       raw beacons); false: a beacon repeating what its session already had acknowledged in the minute
 *       is answered without a write</li>
 *   <li>{@code CCU_LAST_SEEN_REFRESH_SECONDS} [20] — without every beacon written, how much older than
 *       the newest beacon a minute's {@code last_rx_at} may be</li>
 *   <li>{@code CCU_REMEMBERED_SESSIONS} [250000] — sessions (per side) whose last written beacon is
 *       remembered for that, about 300 bytes each</li>
 *   <li>{@code CCU_TOKEN_MODE} [open] — open: beacons without a viewer token are counted; required:
 *       refused (401)</li>
 *   <li>{@code CCU_TOKEN_MODE_BY_ACCOUNT} [unset] — per-account exceptions, e.g. {@code acc1=required,acc2=open}</li>
 *   <li>plus {@link TokenSettings} (CCU_TOKEN_SECRET, CCU_TOKEN_PUBLIC_KEYS, CCU_TOKEN_CLOCK_SKEW_S)</li>
 *   <li>plus {@link PlaybackSettings} (player events and CMCD reports: body and batch limits,
 *       CCU_TRUSTED_PROXIES, CCU_IP_HASH_SECRET, CCU_CMCD_DISABLED_ACCOUNTS)</li>
 *   <li>plus {@link LogSettings} (CDN log sources and their tokens, batch limits)</li>
 *   <li>plus the shared {@link PipelineSettings} (KAFKA_BOOTSTRAP_SERVERS, topics, counting rules)</li>
 * </ul>
 */
public record CollectorConfig(
        int port,
        int eventLoops,
        Optional<String> beaconSecret,
        Map<String, String> beaconSecretsByAccount,
        int rateLimitPerClient,
        int rateLimitBurst,
        long rateLimitClients,
        TrustedProxies trustedProxies,
        long bufferBytes,
        Duration deliveryTimeout,
        Duration linger,
        String compression,
        boolean writeEveryBeacon,
        Duration lastSeenRefresh,
        long rememberedSessions,
        TokenSettings tokens,
        TokenMode tokenMode,
        Map<String, TokenMode> tokenModeByAccount,
        PipelineSettings pipeline,
        PlaybackSettings playback,
        LogSettings logs) {

    public static CollectorConfig read(Env env, String defaultBootstrap) {
        int rate = env.integer("CCU_RATE_LIMIT_PER_CLIENT", 0, 0, 1_000_000);
        TrustedProxies proxies = trustedProxies(env);
        return new CollectorConfig(
                env.integer("CCU_COLLECTOR_PORT", 8080, 0, 65535),
                env.integer("CCU_COLLECTOR_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 256),
                env.optional("CCU_BEACON_SECRET"),
                secretsByAccount(env),
                rate,
                env.integer("CCU_RATE_LIMIT_BURST", Math.max(1, 5 * rate), 1, 10_000_000),
                env.longValue("CCU_RATE_LIMIT_CLIENTS", 100_000, 1, 100_000_000),
                proxies,
                env.longValue("CCU_COLLECTOR_BUFFER_MB", 32, 1, 4096) * 1024 * 1024,
                env.duration("CCU_KAFKA_DELIVERY_TIMEOUT_MS", Duration.ofSeconds(10), ChronoUnit.MILLIS, Duration.ofMinutes(10)),
                env.duration("CCU_KAFKA_LINGER_MS", Duration.ofMillis(5), ChronoUnit.MILLIS, Duration.ofSeconds(1)),
                compression(env),
                bool(env, "CCU_WRITE_EVERY_BEACON", false),
                env.duration("CCU_LAST_SEEN_REFRESH_SECONDS", Duration.ofSeconds(20), ChronoUnit.SECONDS, Duration.ofMinutes(10)),
                env.longValue("CCU_REMEMBERED_SESSIONS", 250_000, 1, 100_000_000),
                TokenSettings.read(env),
                tokenMode(env, "CCU_TOKEN_MODE", env.string("CCU_TOKEN_MODE", "open")),
                tokenModeByAccount(env),
                PipelineSettings.read(env, defaultBootstrap),
                PlaybackSettings.read(env, proxies),
                LogSettings.read(env)).checked(env);
    }

    private CollectorConfig checked(Env env) {
        boolean anyRequired = tokenMode == TokenMode.REQUIRED || tokenModeByAccount.containsValue(TokenMode.REQUIRED);
        if (anyRequired && !tokens.hasKeys()) {
            env.error("required viewer tokens need keys to verify them: set CCU_TOKEN_SECRET or CCU_TOKEN_PUBLIC_KEYS");
        }
        return this;
    }

    private static TokenMode tokenMode(Env env, String variable, String value) {
        try {
            return TokenMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            env.error(variable + " must be open or required, not '" + value + "'");
            return TokenMode.OPEN;
        }
    }

    private static Map<String, TokenMode> tokenModeByAccount(Env env) {
        Map<String, TokenMode> modes = new HashMap<>();
        for (String entry : env.string("CCU_TOKEN_MODE_BY_ACCOUNT", "").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                env.error("CCU_TOKEN_MODE_BY_ACCOUNT entries are account=open|required, not '" + entry.trim() + "'");
                continue;
            }
            modes.put(entry.substring(0, equals).trim(), tokenMode(env, "CCU_TOKEN_MODE_BY_ACCOUNT", entry.substring(equals + 1)));
        }
        return Map.copyOf(modes);
    }

    /** Account ids as the beacon path allows them; a secret is everything after the first '='. */
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Errors name the entry's position, never its text: a malformed entry may be (part of) a secret. */
    private static Map<String, String> secretsByAccount(Env env) {
        Map<String, String> secrets = new HashMap<>();
        String[] entries = env.string("CCU_BEACON_SECRETS_BY_ACCOUNT", "").split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            if (entry.isEmpty()) {
                continue;
            }
            int equals = entry.indexOf('=');
            String account = equals < 0 ? "" : entry.substring(0, equals).trim();
            String secret = equals < 0 ? "" : entry.substring(equals + 1).trim();
            if (!ACCOUNT.matcher(account).matches() || secret.isEmpty()) {
                env.error("CCU_BEACON_SECRETS_BY_ACCOUNT entry " + (i + 1) + " is not account=secret (an account id is 1-64 of"
                        + " [A-Za-z0-9._-]; a secret is not empty and has no comma)");
            } else if (secrets.put(account, secret) != null) {
                env.error("CCU_BEACON_SECRETS_BY_ACCOUNT names account " + account + " twice");
            }
        }
        return Map.copyOf(secrets);
    }

    private static TrustedProxies trustedProxies(Env env) {
        List<String> errors = new ArrayList<>();
        TrustedProxies proxies = TrustedProxies.parse(env.string("CCU_TRUSTED_PROXIES", ""), errors);
        errors.forEach(error -> env.error("CCU_TRUSTED_PROXIES: " + error));
        return proxies;
    }

    private static boolean bool(Env env, String variable, boolean defaultValue) {
        String value = env.string(variable, Boolean.toString(defaultValue)).toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            env.error(variable + " must be true or false, not '" + value + "'");
            return defaultValue;
        }
        return Boolean.parseBoolean(value);
    }

    private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    private static String compression(Env env) {
        String compression = env.string("CCU_KAFKA_COMPRESSION", "lz4");
        if (!COMPRESSIONS.contains(compression)) {
            env.error("CCU_KAFKA_COMPRESSION must be one of " + new TreeSet<>(COMPRESSIONS) + ", not '" + compression + "'");
        }
        return compression;
    }

    /** Never print the secret, not even in a debug dump of the configuration. */
    @Override
    public String toString() {
        return "CollectorConfig[port=" + port + ", eventLoops=" + eventLoops + ", beaconSecret="
                + (beaconSecret.isPresent() ? "<set>" : "<unset>") + ", beaconSecretsByAccount=<set for "
                + new TreeSet<>(beaconSecretsByAccount.keySet()) + ">, rateLimitPerClient=" + rateLimitPerClient
                + ", rateLimitBurst=" + rateLimitBurst + ", rateLimitClients=" + rateLimitClients
                + ", trustedProxies=" + trustedProxies + ", bufferBytes=" + bufferBytes
                + ", deliveryTimeout=" + deliveryTimeout + ", linger=" + linger + ", compression=" + compression + ", writeEveryBeacon=" + writeEveryBeacon
                + ", lastSeenRefresh=" + lastSeenRefresh + ", rememberedSessions=" + rememberedSessions + ", tokens=" + tokens
                + ", tokenMode=" + tokenMode + ", tokenModeByAccount=" + tokenModeByAccount + ", pipeline=" + pipeline
                + ", playback=" + playback + ", logs=" + logs + "]";
    }
}
