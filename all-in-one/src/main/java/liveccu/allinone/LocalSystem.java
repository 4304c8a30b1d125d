package liveccu.allinone;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.Optional;
import liveccu.aggregator.Aggregator;
import liveccu.aggregator.AggregatorConfig;
import liveccu.api.Api;
import liveccu.api.ApiConfig;
import liveccu.collector.Collector;
import liveccu.collector.CollectorConfig;
import liveccu.kafka.EmbeddedKafkaBroker;
import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import liveccu.ops.config.PipelineSettings;
import liveccu.ops.metrics.Metrics;

/**
 * The whole system in one JVM: an embedded Kafka broker (unless KAFKA_BOOTSTRAP_SERVERS names a
 * cluster), the aggregator, the collector and the query API, each started exactly as its own main
 * would start it.
 *
 * <p>Settings besides the services' own (defaults in brackets): {@code CCU_DATA_DIR} [data] — the
 * embedded broker's log and the Streams state, so a restart keeps the counts; {@code CCU_KAFKA_PORT}
 * [9092] — the embedded broker's port.
 */
public final class LocalSystem implements AutoCloseable {

    private final Vertx vertx;
    private final Optional<EmbeddedKafkaBroker> broker;
    private final AggregatorConfig aggregatorConfig;
    private Aggregator aggregator;
    private final Collector collector;
    private final Api api;

    private LocalSystem(Vertx vertx, Optional<EmbeddedKafkaBroker> broker, AggregatorConfig aggregatorConfig,
                        Aggregator aggregator, Collector collector, Api api) {
        this.vertx = vertx;
        this.broker = broker;
        this.aggregatorConfig = aggregatorConfig;
        this.aggregator = aggregator;
        this.collector = collector;
        this.api = api;
    }

    /** Starts everything; returns once every service serves. Reports all configuration errors at once. */
    public static LocalSystem start(Env givenEnv) throws Exception {
        Path dataDir = Path.of(givenEnv.string("CCU_DATA_DIR", "data")).toAbsolutePath();
        int kafkaPort = givenEnv.integer("CCU_KAFKA_PORT", 9092, 0, 65535);
        Env env = givenEnv.withDefault("CCU_STATE_DIR", dataDir.resolve("streams").toString());
        boolean embedded = env.optional(PipelineSettings.BOOTSTRAP_SERVERS).isEmpty();
        // Validate everything before starting anything; the embedded address is filled in below.
        String placeholder = "127.0.0.1:" + kafkaPort;
        CollectorConfig.read(env, placeholder);
        AggregatorConfig.read(env, placeholder);
        ApiConfig.read(env, placeholder);
        env.failIfInvalid();

        Optional<EmbeddedKafkaBroker> broker = Optional.empty();
        if (embedded) {
            broker = Optional.of(new EmbeddedKafkaBroker(dataDir.resolve("kafka"), kafkaPort).start());
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
        return new LocalSystem(vertx, broker, aggregatorConfig, aggregator, collector, api);
    }

    public int collectorPort() {
        return collector.port();
    }

    public int apiPort() {
        return api.port();
    }

    public int aggregatorPort() {
        return aggregator.port();
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
            try (Stream<Path> files = Files.walk(aggregatorConfig.stateDir())) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        aggregator = ServiceMain.await(Aggregator.start(vertx, aggregatorConfig, Metrics.newRegistry("aggregator")));
    }

    /** Stops in dependency order: beacons stop coming in first, Kafka goes last. */
    @Override
    public void close() {
        ServiceMain.await(collector.stop());
        ServiceMain.await(api.stop());
        ServiceMain.await(aggregator.stop(vertx));
        ServiceMain.await(vertx.close());
        broker.ifPresent(EmbeddedKafkaBroker::stop);
    }
}
