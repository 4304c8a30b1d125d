package liveccu.collector;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import liveccu.collector.ccu.BeaconMetrics;
import liveccu.collector.ccu.BeaconParser;
import liveccu.collector.ccu.BeaconRoutes;
import liveccu.collector.ccu.BeaconSecret;
import liveccu.collector.cdn.LogRoutes;
import liveccu.collector.intake.GeoIp;
import liveccu.collector.intake.GeoIpSettings;
import liveccu.collector.intake.IpHasher;
import liveccu.collector.limit.ClientRateLimit;
import liveccu.collector.limit.RateLimitGate;
import liveccu.collector.playback.PlaybackRoutes;
import liveccu.collector.publish.AcknowledgedFacts;
import liveccu.collector.publish.BeaconSink;
import liveccu.collector.publish.IntakePublisher;
import liveccu.collector.viewers.ViewerPolicy;
import liveccu.ops.http.HealthCheck;
import liveccu.ops.http.OpsRoutes;
import liveccu.tokens.ViewerTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running collector: its HTTP servers serving the intakes' routes (beacons, player events and CMCD
 * reports, CDN logs) and the Kafka publisher they share, started and stopped together.
 */
public final class Collector {

    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

    private final Vertx vertx;
    private final IntakePublisher publisher;
    private final GeoIp geoIp;
    private final OpsRoutes ops;
    private final AtomicInteger boundPort;
    private final String deploymentId;
    private final long sweeps;
    private final List<CollectorVerticle> verticles;

    private Collector(Vertx vertx, IntakePublisher publisher, GeoIp geoIp, OpsRoutes ops, AtomicInteger boundPort,
                      String deploymentId, long sweeps, List<CollectorVerticle> verticles) {
        this.vertx = vertx;
        this.publisher = publisher;
        this.geoIp = geoIp;
        this.ops = ops;
        this.boundPort = boundPort;
        this.deploymentId = deploymentId;
        this.sweeps = sweeps;
        this.verticles = verticles;
    }

    /** How long start-up waits for Kafka before serving anyway (answering 503 until Kafka is there). */
    private static final Duration KAFKA_WAIT = Duration.ofSeconds(30);
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(10);
    private static final long NO_TIMER = -1;

    /**
     * Starts the collector; the future completes once every HTTP server instance listens and Kafka
     * takes beacons, or after {@link #KAFKA_WAIT} without Kafka (beacons get 503 until it comes).
     */
    public static Future<Collector> start(Vertx vertx, CollectorConfig config, PrometheusMeterRegistry registry) {
        GeoIp geoIp;
        try {
            geoIp = openGeoIp(config.playback().geoIp(), registry);
        } catch (IOException e) {
            return Future.failedFuture(new UncheckedIOException("GeoIP database: " + e.getMessage(), e));
        }
        BeaconMetrics metrics = new BeaconMetrics(registry);
        IntakePublisher publisher = new IntakePublisher(new IntakePublisher.Settings(
                config.pipeline().bootstrapServers(), config.bufferBytes(), config.deliveryTimeout(), config.linger(),
                config.compression()),
                metrics::sendLatencyNanos);
        publisher.bindTo(registry);
        Optional<AcknowledgedFacts> facts = facts(config, publisher, metrics);
        BeaconSink sink = facts.isPresent() ? facts.get() : publisher;
        long sweeps = facts.map(remembered -> sweepEveryFewSeconds(vertx, remembered)).orElse(NO_TIMER);
        BeaconParser parser = new BeaconParser(config.pipeline().rules());
        BeaconSecret secret = new BeaconSecret(config.beaconSecret(), config.beaconSecretsByAccount());
        ClientRateLimit limit = new ClientRateLimit(config.rateLimitPerClient(), config.rateLimitBurst(),
                config.rateLimitClients(), config.trustedProxies(), System::nanoTime);
        metrics.countRateLimitClients(limit);
        ViewerPolicy viewers = new ViewerPolicy(new ViewerTokens(config.tokens()), config.tokenMode(), config.tokenModeByAccount());
        OpsRoutes ops = new OpsRoutes(HealthCheck.ALWAYS, publisher::unavailableReason, registry);
        AtomicInteger boundPort = new AtomicInteger();
        if (config.playback().ipHashSecret().isEmpty()) {
            LOG.warn("CCU_IP_HASH_SECRET is not set: IP hashes use a random secret of this process, so they differ "
                    + "between collectors and across restarts (devices are over-counted); set the same secret on every collector");
        }
        RateLimitGate playbackLimit = new RateLimitGate(limit, publisher, "requests", metrics::rateLimited,
                metrics::rejectionNotRecorded);
        IpHasher ipHasher = config.playback().ipHasher();
        PlaybackRoutes playback = new PlaybackRoutes(config.playback(), config.pipeline().rules(), secret, playbackLimit, sink,
                publisher, ipHasher, geoIp, registry);
        LogRoutes logs = new LogRoutes(config.logs(), config.pipeline().rules(), ipHasher, publisher, publisher,
                metrics::rejectionNotRecorded, registry);
        if (!config.logs().sources().isEmpty()) {
            LOG.info("CDN log sources: {}", config.logs().sources().values());
        }
        if (!secret.required()) {
            LOG.warn(secret.accountsWithOwnSecret() == 0
                    ? "CCU_BEACON_SECRET is not set: beacons are accepted without a key"
                    : "CCU_BEACON_SECRET is not set: beacons of accounts without their own secret are accepted without a key");
        }
        if (limit.enabled()) {
            LOG.info("rate limit: {} beacons/s per client, bursts of {}; X-Forwarded-For believed from {}",
                    config.rateLimitPerClient(), config.rateLimitBurst(),
                    config.trustedProxies().isEmpty() ? "no proxy" : config.trustedProxies());
        }
        BeaconRoutes beacons = new BeaconRoutes(parser, secret, limit, viewers, sink, metrics);
        List<CollectorVerticle> verticles = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> {
                            CollectorVerticle verticle = new CollectorVerticle(config.port(), beacons, ops, boundPort, List.of(playback, logs));
                            verticles.add(verticle);
                            return verticle;
                        },
                        new DeploymentOptions().setInstances(config.eventLoops()))
                .compose(id -> HealthCheck.awaitFirst(vertx, publisher.firstAvailable(), KAFKA_WAIT,
                                "Kafka not reachable; serving, answering beacons with 503 until it is")
                        .map(v -> {
                            LOG.info("collector listening on port {} ({} event loops)", boundPort.get(), config.eventLoops());
                            return new Collector(vertx, publisher, geoIp, ops, boundPort, id, sweeps, verticles);
                        }))
                .onFailure(e -> {
                    vertx.cancelTimer(sweeps);
                    publisher.close();
                    closeQuietly(geoIp);
                });
    }

    /**
     * The GeoIP databases (checked already by the configuration), or none with one warning naming what is
     * unset: player events and CMCD reports then carry no country or ASN, and nothing else changes.
     */
    private static GeoIp openGeoIp(GeoIpSettings settings, PrometheusMeterRegistry registry) throws IOException {
        settings.unsetWarning().ifPresent(LOG::warn);
        GeoIp geoIp = GeoIp.open(settings);
        if (geoIp != GeoIp.NONE) {
            LOG.info("GeoIP databases: {}", geoIp.describe());
            FunctionCounter.builder("ccu.geoip.failures", geoIp, GeoIp::failures)
                    .description("GeoIP lookups that failed in a database (answered without country or ASN)")
                    .register(registry);
        }
        return geoIp;
    }

    private static void closeQuietly(GeoIp geoIp) {
        try {
            geoIp.close();
        } catch (IOException e) {
            LOG.warn("closing the GeoIP databases: {}", e.getMessage());
        }
    }

    /** Only what changes a result (the default), or every beacon (none): see {@link AcknowledgedFacts}. */
    private static Optional<AcknowledgedFacts> facts(CollectorConfig config, IntakePublisher publisher, BeaconMetrics metrics) {
        if (config.writeEveryBeacon()) {
            return Optional.empty();
        }
        AcknowledgedFacts facts = new AcknowledgedFacts(publisher, config.lastSeenRefresh(), config.rememberedSessions());
        metrics.countAnsweredWithoutWrite(facts);
        return Optional.of(facts);
    }

    /** Forgets the sessions that can no longer save a write, on a worker: a sweep walks every entry. */
    private static long sweepEveryFewSeconds(Vertx vertx, AcknowledgedFacts facts) {
        return vertx.setPeriodic(SWEEP_EVERY.toMillis(), timer -> vertx.executeBlocking(() -> {
            facts.forgetOlderThan(System.currentTimeMillis() - facts.remembered().toMillis());
            return null;
        }, false));
    }

    public int port() {
        return boundPort.get();
    }

    /** The HTTP routes it serves, as its routers hold them (every event loop's router holds the same). */
    public List<Route> routes() {
        return verticles.get(0).routes();
    }

    /**
     * Readiness turns 503 first, so load balancers stop sending beacons; then the servers close and
     * the beacons still in flight are acknowledged before the producer closes.
     */
    public Future<Void> stop() {
        ops.startDraining();
        vertx.cancelTimer(sweeps);
        return vertx.undeploy(deploymentId)
                .transform(ar -> vertx.executeBlocking(() -> {
                    publisher.close();
                    closeQuietly(geoIp);
                    return null;
                }));
    }
}
