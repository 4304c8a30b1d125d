package liveccu.sessions;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import liveccu.access.Access;
import liveccu.access.AccessRecords;
import liveccu.access.keys.KeyRing;
import liveccu.model.TopicProvisioner;
import liveccu.ops.PortInUse;
import liveccu.ops.http.ErrorResponses;
import liveccu.ops.http.HealthCheck;
import liveccu.ops.http.OpsRoutes;
import liveccu.sessions.http.Replies;
import liveccu.sessions.http.SessionRoutes;
import liveccu.sessions.http.StreamSessionsView;
import liveccu.sessions.limit.SessionMetrics;
import liveccu.sessions.limit.SessionsTopology;
import liveccu.streams.StreamsApp;
import liveccu.streams.StreamsSettings;
import liveccu.tokens.ViewerTokens;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running sessions service: the limiter (a Kafka Streams application whose instances share the
 * viewers), the view of live sessions, and the HTTP API in front of them. Any instance answers any
 * viewer: its request travels to the limiter task that owns the viewer and the decision comes back.
 */
public final class SessionsService {

    private static final Logger LOG = LoggerFactory.getLogger(SessionsService.class);
    /** The limiter in logs and health answers. */
    private static final String LIMITER = "the limiter (Kafka Streams)";
    private static final Duration TOPICS_TIMEOUT = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final Parts parts;
    private final OpsRoutes ops;
    private final HttpServer server;
    private final Router router;

    private SessionsService(Vertx vertx, Parts parts, OpsRoutes ops, HttpServer server, Router router) {
        this.vertx = vertx;
        this.parts = parts;
        this.ops = ops;
        this.server = server;
        this.router = router;
    }

    /** Creates the service's own topics when missing (blocking: call before {@link #start}). */
    public static void provisionTopics(SessionsConfig config) throws Exception {
        try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.pipeline().bootstrapServers()))) {
            TopicProvisioner topics = new TopicProvisioner(admin, config.pipeline().topics());
            topics.ensure(List.of(topics.shortLived(SessionsTopology.COMMANDS), topics.shortLived(SessionsTopology.DECISIONS),
                    topics.compacted(SessionsTopology.STREAM_SESSIONS), topics.shortLived(SessionsTopology.DEAD_LETTERS)),
                    TOPICS_TIMEOUT);
        }
    }

    public static Future<SessionsService> start(Vertx vertx, SessionsConfig config, PrometheusMeterRegistry registry) {
        return vertx.executeBlocking(() -> {
            StreamsApp limiter = StreamsApp.create(LIMITER, SessionsTopology.build(config.rules(), new SessionMetrics(registry)),
                    streamsConfig(config), config.streamStall(), registry);
            limiter.start();
            StreamSessionsView view = new StreamSessionsView(config.pipeline().bootstrapServers());
            view.reader().bindTo(registry);
            view.reader().start();
            Gauge.builder("ccu_stream_sessions_active", view, StreamSessionsView::active)
                    .description("playing sessions, all accounts").register(registry);
            KeyRing keys = new KeyRing(config.pipeline().bootstrapServers(), "ccu-sessions");
            keys.reader().bindTo(registry);
            keys.reader().start();
            Replies replies = new Replies(vertx, config.pipeline().bootstrapServers(), config.instanceId(), config.replyTimeout()).start();
            return new Parts(limiter, view, replies, keys,
                    new AccessRecords(config.pipeline().bootstrapServers(), "ccu-sessions-access"));
        }).compose(parts -> {
            OpsRoutes ops = new OpsRoutes(() -> parts.limiter().failedReason()
                    .or(() -> parts.replies().failedReason()).or(() -> parts.view().reader().failedReason())
                    .or(() -> parts.keys().reader().failedReason()),
                    () -> notReadyReason(parts), registry);
            SessionRoutes routes = new SessionRoutes(new ViewerTokens(config.tokens()), parts.replies(), parts.view(),
                    access(config, parts, registry), config.rules(), Clock.systemUTC());
            Router router = Router.router(vertx);
            ops.mount(router);
            routes.mount(router);
            ErrorResponses.install(router);
            return PortInUse.explain(vertx.createHttpServer().requestHandler(router).listen(config.port()), config.port(),
                            "sessions service", "CCU_SESSIONS_PORT")
                    .compose(server -> HealthCheck.awaitFirst(vertx, CompletableFuture.allOf(
                                            parts.view().reader().caughtUp().toCompletableFuture(),
                                            parts.keys().reader().caughtUp().toCompletableFuture()), Duration.ofSeconds(60),
                                    "live sessions not loaded yet; serving, not ready until they are")
                            .map(v -> {
                                LOG.info("sessions service listening on port {} (heartbeat every {} s, expiry after {} missed)",
                                        server.actualPort(), config.rules().heartbeatInterval().toSeconds(),
                                        config.rules().missedHeartbeats());
                                return new SessionsService(vertx, parts, ops, server, router);
                            }))
                    // a busy port: nothing of it may keep running (the limiter would hold its tasks and state lock)
                    .recover(e -> vertx.executeBlocking(() -> {
                        parts.close();
                        return null;
                    }).transform(closed -> Future.failedFuture(e)));
        });
    }

    private record Parts(StreamsApp limiter, StreamSessionsView view, Replies replies, KeyRing keys, AccessRecords accessRecords) {

        /** Blocking: the reply reader, the view, the keys, the audit and then the limiter. */
        void close() {
            replies.close();
            view.reader().close();
            keys.reader().close();
            accessRecords.close();
            limiter.close();
        }
    }

    /** The operator key and per-account keys with scope sessions-admin; their uses audited (the views show viewer ids). */
    private static Access access(SessionsConfig config, Parts parts, PrometheusMeterRegistry registry) {
        return Access.audited(config.operatorKey(), parts.keys(), parts.accessRecords(), registry, Clock.systemUTC());
    }

    private static Optional<String> notReadyReason(Parts parts) {
        return parts.limiter().notReadyReason().or(() -> parts.view().reader().notReadyReason())
                .or(() -> parts.keys().reader().notReadyReason());
    }

    /** The settings every Streams application of ours shares ({@link StreamsSettings}), the limiter's dead-letter topic its own. */
    static Properties streamsConfig(SessionsConfig config) {
        // Cache 0: decide on the latest state, forward at once.
        return new StreamsSettings(config.applicationId(), config.pipeline().bootstrapServers(), config.stateDir(),
                config.pipeline().topics().replication(), config.commitInterval(), 0, SessionsTopology.DEAD_LETTERS)
                .properties();
    }

    /** Why it is not live (what {@code /health/live} answers), or empty. */
    public Optional<String> failedReason() {
        return ops.failedReason();
    }

    public int port() {
        return server.actualPort();
    }

    /** The HTTP routes it serves, as its router holds them. */
    public List<Route> routes() {
        return router.getRoutes();
    }

    /** Readiness first, then the HTTP server, the reply reader, the view and the limiter. */
    public Future<Void> stop() {
        ops.startDraining();
        return server.close().transform(ar -> vertx.executeBlocking(() -> {
            parts.close();
            return null;
        }));
    }
}
