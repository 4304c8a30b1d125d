package liveccu.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import liveccu.access.Access;
import liveccu.access.AccessRecords;
import liveccu.access.admin.KeyAdminRoutes;
import liveccu.access.keys.KeyRing;
import liveccu.api.cdn.CdnRoutes;
import liveccu.api.cdn.CdnTrafficView;
import liveccu.api.erasure.ErasureSink;
import liveccu.api.erasure.ViewerErasureRoutes;
import liveccu.api.http.BlockingQueries;
import liveccu.api.playback.PlaybackCountsView;
import liveccu.api.playback.PlaybackRoutes;
import liveccu.api.playback.RetentionView;
import liveccu.api.qoe.QoeRoutes;
import liveccu.api.qoe.QoeView;
import liveccu.api.ccu.CcuRoutes;
import liveccu.api.ccu.JobAccounts;
import liveccu.api.ccu.MinuteCountsView;
import liveccu.api.viewers.ViewerReportRoutes;
import liveccu.api.viewers.ViewerSessionsView;
import liveccu.model.Topics;
import liveccu.ops.http.HealthCheck;
import liveccu.ops.http.OpsRoutes;
import liveccu.ops.kafka.TopicReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running query API: the results views and the HTTP server in front of them. */
public final class Api {

    private static final Logger LOG = LoggerFactory.getLogger(Api.class);

    private final Vertx vertx;
    private final List<TopicReader<?>> readers;
    private final MinuteCountsView counts;
    private final AccessRecords accessRecords;
    private final OpsRoutes ops;
    private final ApiVerticle verticle;
    private final String deploymentId;

    private Api(Vertx vertx, List<TopicReader<?>> readers, MinuteCountsView counts, AccessRecords accessRecords, OpsRoutes ops,
                ApiVerticle verticle, String deploymentId) {
        this.vertx = vertx;
        this.readers = readers;
        this.counts = counts;
        this.accessRecords = accessRecords;
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
        KeyRing keys = new KeyRing(config.pipeline().bootstrapServers(), "ccu-api");
        PlaybackCountsView playback = new PlaybackCountsView(config.pipeline().bootstrapServers(), config.playbackHistory(), clock);
        RetentionView retention = new RetentionView(config.pipeline().bootstrapServers(), config.playbackHistory(), clock);
        CdnTrafficView cdn = new CdnTrafficView(config.pipeline().bootstrapServers(), config.cdnHistory(), clock);
        // QoE is a playback feature: its hours are served as far back as the playback metrics'.
        QoeView qoe = new QoeView(config.pipeline().bootstrapServers(), config.playbackHistory(), clock);
        List<TopicReader<?>> readers = List.of(counts.reader(), sessions.reader(), keys.reader(), playback.reader(),
                retention.reader(), cdn.minuteReader(), cdn.hourReader(), qoe.minuteReader(), qoe.hourReader());
        readers.forEach(reader -> {
            reader.bindTo(registry);
            reader.start();
        });
        // A reader stopped for good freezes what the API serves: liveness fails so that it is restarted.
        OpsRoutes ops = new OpsRoutes(TopicReader.allReading(readers), TopicReader.allCaughtUp(readers), registry);
        if (config.apiKey().isEmpty()) {
            LOG.warn("CCU_API_KEY is not set: the query API answers anyone, and per-account keys cannot be created");
        }
        AccessRecords accessRecords = new AccessRecords(config.pipeline().bootstrapServers(), "ccu-api-access");
        Access access = Access.audited(config.apiKey(), keys, accessRecords, registry, clock);
        BlockingQueries queries = new BlockingQueries(QUERIES_IN_FLIGHT);
        // Erasures keyed by session with the default partitioner, exactly as the collector keys beacons:
        // each lands on the partition whose aggregator task holds its session.
        ErasureSink erasures = list -> CompletableFuture.allOf(list.stream()
                .map(erasure -> accessRecords.write(Topics.VIEWER_ERASURES, erasure.partitionKey(), erasure).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
        ApiVerticle verticle = new ApiVerticle(config.port(),
                new CcuRoutes(counts, queries, clock, config.maxRange(), config.maxDayRange(), config.recentJobs()),
                new ViewerReportRoutes(sessions, new JobAccounts(counts), queries, clock, config.maxRange()),
                new ViewerErasureRoutes(sessions, sessions.reader()::notReadyReason, erasures, clock),
                access, new KeyAdminRoutes(keys, accessRecords, clock), ops, new PlaybackRoutes(playback, retention, queries),
                new CdnRoutes(cdn, queries), new QoeRoutes(qoe, queries));
        return vertx.deployVerticle(verticle)
                .compose(id -> HealthCheck.awaitFirst(vertx, CompletableFuture.allOf(readers.stream()
                                .map(reader -> reader.caughtUp().toCompletableFuture()).toArray(CompletableFuture[]::new)), RESULTS_WAIT,
                                "results not loaded yet; serving, not ready until they are")
                        .map(v -> {
                            LOG.info("query API listening on port {}", verticle.actualPort());
                            return new Api(vertx, readers, counts, accessRecords, ops, verticle, id);
                        }))
                .onFailure(e -> {
                    readers.forEach(TopicReader::close);
                    accessRecords.close();
                    counts.close();
                });
    }

    public int port() {
        return verticle.actualPort();
    }

    /** The HTTP routes it serves, as its router holds them (ApiDescriptionIT compares them with docs/openapi.yaml). */
    public List<Route> routes() {
        return verticle.routes();
    }

    /** Readiness first, then the HTTP server, then the results views and the producer of access records and erasures. */
    public Future<Void> stop() {
        ops.startDraining();
        return vertx.undeploy(deploymentId).transform(ar -> vertx.executeBlocking(() -> {
            readers.forEach(TopicReader::close);
            accessRecords.close();
            counts.close();
            return null;
        }));
    }
}
