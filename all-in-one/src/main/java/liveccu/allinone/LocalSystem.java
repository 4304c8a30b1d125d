package liveccu.allinone;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import liveccu.aggregator.Aggregator;
import liveccu.aggregator.AggregatorConfig;
import liveccu.api.Api;
import liveccu.api.ApiConfig;
import liveccu.collector.Collector;
import liveccu.collector.CollectorConfig;
import liveccu.kafka.EmbeddedKafkaBroker;
import liveccu.ops.PortInUse;
import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import liveccu.ops.config.PipelineSettings;
import liveccu.ops.metrics.Metrics;
import liveccu.sessions.SessionsConfig;
import liveccu.sessions.SessionsService;
import liveccu.tokens.TokenSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one JVM: an embedded Kafka broker (unless KAFKA_BOOTSTRAP_SERVERS names a
 * cluster), the aggregator, the collector, the query API and, when viewer-token keys are configured,
 * the sessions service, each started exactly as its own main would start it.
 *
 * <p>Settings besides the services' own (defaults in brackets): {@code CCU_DATA_DIR} [data] — the
 * embedded broker's log and the Streams state, so a restart keeps the counts; {@code CCU_KAFKA_PORT}
 * [9092] — the embedded broker's port; {@code CCU_KAFKA_CONTROLLER_PORT} [0: any free port] — its
 * KRaft controller's port.
 */
public final class LocalSystem implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSystem.class);

    private final Vertx vertx;
    private final Optional<EmbeddedKafkaBroker> broker;
    private final AggregatorConfig aggregatorConfig;
    private Aggregator aggregator;
    private final Collector collector;
    private final ApiConfig apiConfig;
    private Api api;
    private final Optional<SessionsService> sessions;

    private LocalSystem(Vertx vertx, Optional<EmbeddedKafkaBroker> broker, AggregatorConfig aggregatorConfig,
                        Aggregator aggregator, Collector collector, ApiConfig apiConfig, Api api,
                        Optional<SessionsService> sessions) {
        this.vertx = vertx;
        this.apiConfig = apiConfig;
        this.broker = broker;
        this.aggregatorConfig = aggregatorConfig;
        this.aggregator = aggregator;
        this.collector = collector;
        this.api = api;
        this.sessions = sessions;
    }

    /** Starts everything; returns once every service serves. Reports all configuration errors at once. */
    public static LocalSystem start(Env givenEnv) throws Exception {
        Path dataDir = Path.of(givenEnv.string("CCU_DATA_DIR", "data")).toAbsolutePath();
        int kafkaPort = givenEnv.integer("CCU_KAFKA_PORT", 9092, 0, 65535);
        int controllerPort = givenEnv.integer("CCU_KAFKA_CONTROLLER_PORT", 0, 0, 65535);
        if (controllerPort != 0 && controllerPort == kafkaPort) {
            givenEnv.error("CCU_KAFKA_CONTROLLER_PORT=" + controllerPort + ": must differ from CCU_KAFKA_PORT");
        }
        Env env = givenEnv.withDefault("CCU_STATE_DIR", dataDir.resolve("streams").toString())
                .withDefault("CCU_SESSIONS_STATE_DIR", dataDir.resolve("sessions").toString())
                .withDefault("CCU_API_STATE_DIR", dataDir.resolve("api").toString());
        // Concurrency limits need viewer tokens to know the viewer: without keys, no sessions service.
        boolean withSessions = TokenSettings.read(env).hasKeys();
        boolean embedded = env.optional(PipelineSettings.BOOTSTRAP_SERVERS).isEmpty();
        // Validate everything before starting anything; the embedded address is filled in below.
        String placeholder = "127.0.0.1:" + kafkaPort;
        int collectorPort = CollectorConfig.read(env, placeholder).port();
        int aggregatorPort = AggregatorConfig.read(env, placeholder).port();
        int apiPort = ApiConfig.read(env, placeholder).port();
        int sessionsPort = withSessions ? SessionsConfig.read(env, placeholder).port() : 0;
        env.failIfInvalid();
        // A busy port is one clear line before anything starts, not a half-started system.
        if (embedded) {
            PortInUse.check(kafkaPort, "embedded Kafka broker", "CCU_KAFKA_PORT");
            PortInUse.check(controllerPort, "embedded Kafka broker's controller", "CCU_KAFKA_CONTROLLER_PORT");
        }
        PortInUse.check(collectorPort, "collector", "CCU_COLLECTOR_PORT");
        PortInUse.check(aggregatorPort, "aggregator's health and metrics server", "CCU_AGGREGATOR_PORT");
        PortInUse.check(apiPort, "query API", "CCU_API_PORT");
        PortInUse.check(sessionsPort, "sessions service", "CCU_SESSIONS_PORT");

        Optional<EmbeddedKafkaBroker> broker = Optional.empty();
        if (embedded) {
            broker = Optional.of(new EmbeddedKafkaBroker(dataDir.resolve("kafka"), kafkaPort, controllerPort).start());
            env = env.withDefault(PipelineSettings.BOOTSTRAP_SERVERS, broker.get().bootstrapServers());
        }
        CollectorConfig collectorConfig = CollectorConfig.read(env, null);
        AggregatorConfig aggregatorConfig = AggregatorConfig.read(env, null);
        ApiConfig apiConfig = ApiConfig.read(env, null);
        ServiceMain.provisionTopics(collectorConfig.pipeline());

        Vertx vertx = Vertx.vertx();
        Aggregator aggregator = ServiceMain.await(
                Aggregator.start(vertx, aggregatorConfig, Metrics.newRegistry("aggregator")));
        Api api = ServiceMain.await(Api.start(vertx, apiConfig, Metrics.newRegistry("api")));
        Collector collector = ServiceMain.await(
                Collector.start(vertx, collectorConfig, Metrics.newRegistry("collector")));
        Optional<SessionsService> sessions = Optional.empty();
        if (withSessions) {
            SessionsConfig sessionsConfig = SessionsConfig.read(env, null);
            SessionsService.provisionTopics(sessionsConfig);
            sessions = Optional.of(ServiceMain.await(SessionsService.start(vertx, sessionsConfig, Metrics.newRegistry("sessions"))));
        } else {
            LOG.info("sessions service (stream concurrency limits) off: set CCU_TOKEN_SECRET or CCU_TOKEN_PUBLIC_KEYS to run it");
        }
        return new LocalSystem(vertx, broker, aggregatorConfig, aggregator, collector, apiConfig, api, sessions);
    }

    public int collectorPort() {
        return collector.port();
    }

    public int apiPort() {
        return api.port();
    }

    /** The sessions service's port, when it runs (viewer-token keys configured). */
    public Optional<Integer> sessionsPort() {
        return sessions.map(SessionsService::port);
    }

    public int aggregatorPort() {
        return aggregator.port();
    }

    /**
     * The HTTP routes each running service serves, as its router holds them, by the service's name in
     * docs/openapi.yaml's tags: collector, query API, aggregator, sessions service.
     */
    public Map<String, List<Route>> routes() {
        Map<String, List<Route>> routes = new LinkedHashMap<>();
        routes.put("collector", collector.routes());
        routes.put("query API", api.routes());
        routes.put("aggregator", aggregator.routes());
        sessions.ifPresent(service -> routes.put("sessions service", service.routes()));
        return routes;
    }

    public Optional<EmbeddedKafkaBroker> broker() {
        return broker;
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * Stops the aggregator and starts it again, as an operator's restart would. With
     * {@code discardLocalState} its state directory is deleted in between, as when a machine is
     * replaced: the state is then rebuilt from Kafka's changelogs.
     */
    public void restartAggregator(boolean discardLocalState) throws IOException {
        ServiceMain.await(aggregator.stop(vertx));
        if (discardLocalState) {
            deleteRecursively(aggregatorConfig.stateDir());
        }
        aggregator = ServiceMain.await(Aggregator.start(vertx, aggregatorConfig, Metrics.newRegistry("aggregator")));
    }

    /**
     * Stops the query API and starts it again on the same state directory, as an operator's restart
     * would; returns once it serves (ready or not: see its readiness). Its port may change when 0 was asked for.
     */
    public void restartApi() throws IOException {
        restartApi(false);
    }

    /**
     * The same; with {@code discardLocalState} its state directory is deleted in between, as for a new
     * instance: everything it serves is then read from Kafka again.
     */
    public void restartApi(boolean discardLocalState) throws IOException {
        ServiceMain.await(api.stop());
        if (discardLocalState) {
            deleteRecursively(apiConfig.stateDir());
        }
        api = ServiceMain.await(Api.start(vertx, apiConfig, Metrics.newRegistry("api")));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** Stops in dependency order: beacons stop coming in first, Kafka goes last. */
    @Override
    public void close() {
        sessions.ifPresent(service -> ServiceMain.await(service.stop()));
        ServiceMain.await(collector.stop());
        ServiceMain.await(api.stop());
        ServiceMain.await(aggregator.stop(vertx));
        ServiceMain.await(vertx.close());
        broker.ifPresent(EmbeddedKafkaBroker::stop);
    }
}
