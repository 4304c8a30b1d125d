package liveccu.collector;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import liveccu.ops.config.Env;
import liveccu.ops.config.PipelineSettings;

/**
 * The collector's settings, from environment variables (defaults in brackets):
 *
 * <ul>
 *   <li>{@code CCU_COLLECTOR_PORT} [8080] — HTTP port for beacons, health and metrics</li>
 *   <li>{@code CCU_COLLECTOR_EVENT_LOOPS} [number of cores] — HTTP server instances</li>
 *   <li>{@code CCU_BEACON_SECRET} [unset] — when set, beacons must carry it (x-api-key or ?key=)</li>
 *   <li>{@code CCU_COLLECTOR_BUFFER_MB} [32] — beacons awaiting Kafka's acknowledgement; full → 503</li>
 *   <li>{@code CCU_KAFKA_DELIVERY_TIMEOUT_MS} [10000] — how long a beacon may wait for Kafka before 503</li>
 *   <li>{@code CCU_KAFKA_LINGER_MS} [1] — producer batching delay; each beacon's 200 waits for it</li>
 *   <li>{@code CCU_KAFKA_COMPRESSION} [zstd] — producer compression: none, gzip, snappy, lz4 or zstd</li>
 *   <li>plus the shared {@link PipelineSettings} (KAFKA_BOOTSTRAP_SERVERS, topics, counting rules)</li>
 * </ul>
 */
public record CollectorConfig(
        int port,
        int eventLoops,
        Optional<String> beaconSecret,
        long bufferBytes,
        Duration deliveryTimeout,
        Duration linger,
        String compression,
        PipelineSettings pipeline) {

    public static CollectorConfig read(Env env, String defaultBootstrap) {
        return new CollectorConfig(
                env.integer("CCU_COLLECTOR_PORT", 8080, 0, 65535),
                env.integer("CCU_COLLECTOR_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 256),
                env.optional("CCU_BEACON_SECRET"),
                env.longValue("CCU_COLLECTOR_BUFFER_MB", 32, 1, 4096) * 1024 * 1024,
                env.duration("CCU_KAFKA_DELIVERY_TIMEOUT_MS", Duration.ofSeconds(10), ChronoUnit.MILLIS, Duration.ofMinutes(10)),
                env.duration("CCU_KAFKA_LINGER_MS", Duration.ofMillis(1), ChronoUnit.MILLIS, Duration.ofSeconds(1)),
                compression(env),
                PipelineSettings.read(env, defaultBootstrap));
    }

    private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    private static String compression(Env env) {
        String compression = env.string("CCU_KAFKA_COMPRESSION", "zstd");
        if (!COMPRESSIONS.contains(compression)) {
            env.error("CCU_KAFKA_COMPRESSION must be one of " + new TreeSet<>(COMPRESSIONS) + ", not '" + compression + "'");
        }
        return compression;
    }

    /** Never print the secret, not even in a debug dump of the configuration. */
    @Override
    public String toString() {
        return "CollectorConfig[port=" + port + ", eventLoops=" + eventLoops + ", beaconSecret="
                + (beaconSecret.isPresent() ? "<set>" : "<unset>") + ", bufferBytes=" + bufferBytes
                + ", deliveryTimeout=" + deliveryTimeout + ", linger=" + linger + ", compression=" + compression + ", pipeline=" + pipeline + "]";
    }
}
