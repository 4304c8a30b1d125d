package liveccu.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import liveccu.api.erasure.KafkaErasureSink;
import liveccu.api.erasure.ViewerErasureRoutes;
import liveccu.api.http.ApiKeyCheck;
import liveccu.api.http.BlockingQueries;
import liveccu.api.query.CcuRoutes;
import liveccu.api.query.MinuteCountsView;
import liveccu.ops.kafka.TopicReader;
import liveccu.api.viewers.ViewerReportRoutes;
import liveccu.api.viewers.ViewerSessionsView;
import liveccu.ops.http.OpsRoutes;
import liveccu.ops.http.HealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running query API: the results views and the HTTP server in front of them. */
public final class Api {

    private static final Logger LOG = LoggerFactory.getLogger(Api.class);

    private final Vertx vertx;
    private final List<TopicReader<?>> readers;
    private final MinuteCountsView counts;
    private final KafkaErasureSink erasures;
    private final OpsRoutes ops;
    private final ApiVerticle verticle;
    private final String deploymentId;

    private Api(Vertx vertx, List<TopicReader<?>> readers, MinuteCountsView counts, KafkaErasureSink erasures, OpsRoutes ops,
                ApiVerticle verticle, String deploymentId) {
        this.vertx = vertx;
        this.readers = readers;
        this.counts = counts;
        this.erasures = erasures;
        this.ops = ops;
        this.verticle = verticle;
        this.deploymentId = deploymentId;
    }

    /** How long start-up waits for the results to load before serving anyway (not ready until then). */
    private static final Duration RESULTS_WAIT = Duration.ofSeconds(60);
    /** Store queries at once on the worker pool (Vert.x's default: 20 threads); more are answered 503. */
    private static final int QUERIES_IN_FLIGHT = 16;

    public static Future<Api> start(Vertx vertx, ApiConfig config, PrometheusMeterRegistry registry) {
        Clock clock = Clock.systemUTC();
        MinuteCountsView counts = new MinuteCountsView(config.pipeline().bootstrapServers(),
                config.stateDir().resolve("minute-counts"), config.history(), config.recentJobs(), clock);
        counts.bindTo(registry);
        ViewerSessionsView sessions = new ViewerSessionsView(config.pipeline().bootstrapServers(), config.viewerReportHistory(), clock);
        List<TopicReader<?>> readers = List.of(counts.reader(), sessions.reader());
        readers.forEach(reader -> {
            reader.bindTo(registry);
            reader.start();
        });
        // A reader stopped for good freezes what the API serves: liveness fails so that it is restarted.
        OpsRoutes ops = new OpsRoutes(TopicReader.allReading(readers), TopicReader.allCaughtUp(readers), registry);
        if (config.apiKey().isEmpty()) {
            LOG.warn("CCU_API_KEY is not set: the query API answers anyone");
        }
        BlockingQueries queries = new BlockingQueries(QUERIES_IN_FLIGHT);
        KafkaErasureSink erasures = new KafkaErasureSink(config.pipeline().bootstrapServers());
        ApiVerticle verticle = new ApiVerticle(config.port(),
                new CcuRoutes(counts, queries, clock, config.maxRange(), config.recentJobs()),
                new ViewerReportRoutes(sessions, queries, clock, config.maxRange()),
                new ViewerErasureRoutes(sessions, sessions.reader()::notReadyReason, erasures, clock),
                new ApiKeyCheck(config.apiKey()), ops);
        return vertx.deployVerticle(verticle)
                .compose(id -> HealthCheck.awaitFirst(vertx, CompletableFuture.allOf(readers.stream()
                                .map(reader -> reader.caughtUp().toCompletableFuture()).toArray(CompletableFuture[]::new)), RESULTS_WAIT,
                                "results not loaded yet; serving, not ready until they are")
                        .map(v -> {
                            LOG.info("query API listening on port {}", verticle.actualPort());
                            return new Api(vertx, readers, counts, erasures, ops, verticle, id);
                        }))
                .onFailure(e -> {
                    readers.forEach(TopicReader::close);
                    counts.close();
                    erasures.close();
                });
    }

    public int port() {
        return verticle.actualPort();
    }

    /** Readiness first, then the HTTP server, then the results views and the erasures' producer. */
    public Future<Void> stop() {
        ops.startDraining();
        return vertx.undeploy(deploymentId).transform(ar -> vertx.executeBlocking(() -> {
            readers.forEach(TopicReader::close);
            counts.close();
            erasures.close();
            return null;
        }));
    }
}
