package liveccu.aggregator;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import liveccu.aggregator.playback.PlaybackTopology;
import liveccu.model.Topics;
import liveccu.ops.PortInUse;
import liveccu.ops.http.ErrorResponses;
import liveccu.ops.http.OpsRoutes;
import liveccu.streams.BoundedRocksDbMemory;
import liveccu.streams.StreamsApp;
import liveccu.streams.StreamsSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running aggregator: the Kafka Streams application and its health and metrics endpoint. */
public final class Aggregator {

    private static final Logger LOG = LoggerFactory.getLogger(Aggregator.class);
    /** This application in logs and health answers. */
    private static final String STREAMS = "Kafka Streams";
    private static final Duration WINDOW_CHANGELOG_EXTRA_RETENTION = Duration.ofMinutes(10);

    private final StreamsApp streams;
    private final OpsRoutes ops;
    private final HttpServer server;
    private final Router router;

    private Aggregator(StreamsApp streams, OpsRoutes ops, HttpServer server, Router router) {
        this.streams = streams;
        this.ops = ops;
        this.server = server;
        this.router = router;
    }

    public static Future<Aggregator> start(Vertx vertx, AggregatorConfig config, PrometheusMeterRegistry registry) {
        StreamsApp streams = StreamsApp.create(STREAMS,
                AggregatorTopology.build(config.pipeline().rules(), config.flushInterval(), config.playback(), config.cdn(),
                        config.audio()),
                streamsConfig(config), config.streamStall(), registry);
        OpsRoutes ops = new OpsRoutes(streams::failedReason, streams::notReadyReason, registry);
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
                    return new Aggregator(streams, ops, server, router);
                })
                // Off the event loop; the caller sees the failure once Streams has stopped.
                .recover(e -> vertx.executeBlocking(() -> {
                    streams.close();
                    return null;
                }).transform(closed -> Future.failedFuture(e)));
    }

    /** The settings every Streams application of ours shares ({@link StreamsSettings}), and the aggregator's own. */
    static Properties streamsConfig(AggregatorConfig config) {
        Properties props = new StreamsSettings(config.applicationId(), config.pipeline().bootstrapServers(), config.stateDir(),
                config.pipeline().topics().replication(), config.commitInterval(), config.cacheBytes(), Topics.DEAD_LETTERS)
                .properties();
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        // Failover (docs/operations-failover.md): a dead instance's tasks move after the session
        // timeout; with standby replicas the instance taking them over has their state already.
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) config.sessionTimeout().toMillis());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                (int) Math.min(3000, config.sessionTimeout().toMillis() / 3));
        // Window changelogs need to outlive their windows only briefly; Streams' default adds a whole
        // day, which made the session-minutes changelog the broker's biggest cost (docs/benchmarks.md).
        props.put(StreamsConfig.WINDOW_STORE_CHANGE_LOG_ADDITIONAL_RETENTION_MS_CONFIG, WINDOW_CHANGELOG_EXTRA_RETENTION.toMillis());
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        props.put(BoundedRocksDbMemory.MEMORY_BYTES, config.rocksDbMemoryBytes());
        return props;
    }

    /** Why it is not live (what {@code /health/live} answers), or empty. */
    public Optional<String> failedReason() {
        return ops.failedReason();
    }

    public int port() {
        return server.actualPort();
    }

    /** Its HTTP routes (health and metrics), as its router holds them. */
    public List<Route> routes() {
        return router.getRoutes();
    }

    /** True once Streams processes beacons (used by the all-in-one launcher and tests). */
    public boolean isRunning() {
        return streams.isRunning();
    }

    /** Readiness first, then Streams commits and closes (bounded), then the HTTP server. */
    public Future<Void> stop(Vertx vertx) {
        ops.startDraining();
        return vertx.executeBlocking(() -> {
            streams.close();
            return null;
        }).transform(ar -> server.close());
    }
}
