package liveccu.aggregator;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import liveccu.aggregator.playback.PlaybackTopology;
import liveccu.aggregator.topology.CcuTopology;
import liveccu.model.Topics;
import liveccu.ops.PortInUse;
import liveccu.ops.http.ErrorResponses;
import liveccu.ops.http.OpsRoutes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running aggregator: the Kafka Streams application and its health and metrics endpoint. */
public final class Aggregator {

    private static final Logger LOG = LoggerFactory.getLogger(Aggregator.class);
    private static final Duration WINDOW_CHANGELOG_EXTRA_RETENTION = Duration.ofMinutes(10);

    private final KafkaStreams streams;
    private final OpsRoutes ops;
    private final HttpServer server;

    private Aggregator(KafkaStreams streams, OpsRoutes ops, HttpServer server) {
        this.streams = streams;
        this.ops = ops;
        this.server = server;
    }

    public static Future<Aggregator> start(Vertx vertx, AggregatorConfig config, PrometheusMeterRegistry registry) {
        KafkaStreams streams = new KafkaStreams(
                CcuTopology.build(config.pipeline().rules(), config.flushInterval(), config.playback(), config.cdn(), config.audio()), streamsConfig(config));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it (state is restored from Kafka)", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        new KafkaStreamsMetrics(streams).bindTo(registry);
        OpsRoutes ops = new OpsRoutes(() -> failedReason(streams), () -> notReadyReason(streams), registry);
        Router router = Router.router(vertx);
        ops.mount(router);
        ErrorResponses.install(router);
        PlaybackTopology.warmUp();
        streams.start();
        return PortInUse.explain(vertx.createHttpServer().requestHandler(router).listen(config.port()), config.port(),
                        "aggregator's health and metrics server", "CCU_AGGREGATOR_PORT")
                .map(server -> {
                    LOG.info("aggregator running ({} stream threads); health and metrics on port {}",
                            config.streamThreads(), server.actualPort());
                    return new Aggregator(streams, ops, server);
                })
                .onFailure(e -> streams.close(Duration.ofSeconds(10)));
    }

    @SuppressWarnings("deprecation") // the global-handler switch: deprecated because 5.0 makes it the default
    static Properties streamsConfig(AggregatorConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.pipeline().bootstrapServers());
        // A restart or a rebalance must never count a beacon twice.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // One produce request at a time, so a transaction's batches for a partition reach the broker in
        // order: with transactions v2 a later batch arriving first is refused (OutOfOrderSequence, logged
        // at ERROR by the broker) and retried. README, "Clean start".
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        // Failover (docs/operations-failover.md): a dead instance's tasks move after the session
        // timeout; with standby replicas the instance taking them over has their state already.
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) config.sessionTimeout().toMillis());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                (int) Math.min(3000, config.sessionTimeout().toMillis() / 3));
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, config.cacheBytes());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.pipeline().topics().replication());
        // Window changelogs need to outlive their windows only briefly; Streams' default adds a whole
        // day, which made the session-minutes changelog the broker's biggest cost (docs/benchmarks.md).
        props.put(StreamsConfig.WINDOW_STORE_CHANGE_LOG_ADDITIONAL_RETENTION_MS_CONFIG, WINDOW_CHANGELOG_EXTRA_RETENTION.toMillis());
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        props.put(BoundedRocksDbMemory.MEMORY_BYTES, config.rocksDbMemoryBytes());
        // A record nobody can decode goes to the dead-letter topic instead of stopping the count.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTERS);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return props;
    }

    /** ERROR is final: only a restart brings the application back, so liveness fails. */
    private static Optional<String> failedReason(KafkaStreams streams) {
        return streams.state() == KafkaStreams.State.ERROR
                ? Optional.of("Kafka Streams is in ERROR: every stream thread died")
                : Optional.empty();
    }

    private static Optional<String> notReadyReason(KafkaStreams streams) {
        KafkaStreams.State state = streams.state();
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING
                ? Optional.empty()
                : Optional.of("Kafka Streams is " + state);
    }

    public int port() {
        return server.actualPort();
    }

    /** True once Streams processes beacons (used by the all-in-one launcher and tests). */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Readiness first, then Streams commits and closes (bounded), then the HTTP server. */
    public Future<Void> stop(Vertx vertx) {
        ops.startDraining();
        // Leaving the group hands the tasks over at once; otherwise they wait for the session timeout.
        return vertx.executeBlocking(() -> streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)))
                .transform(ar -> server.close());
    }
}
