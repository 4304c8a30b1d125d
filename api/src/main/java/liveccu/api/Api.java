package liveccu.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import liveccu.api.http.ApiKeyCheck;
import liveccu.api.query.CcuRoutes;
import liveccu.api.query.MinuteCountsView;
import liveccu.ops.http.OpsRoutes;
import liveccu.ops.http.HealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running query API: the results view and the HTTP server in front of it. */
public final class Api {

    private static final Logger LOG = LoggerFactory.getLogger(Api.class);

    private final Vertx vertx;
    private final MinuteCountsView view;
    private final OpsRoutes ops;
    private final ApiVerticle verticle;
    private final String deploymentId;

    private Api(Vertx vertx, MinuteCountsView view, OpsRoutes ops, ApiVerticle verticle, String deploymentId) {
        this.vertx = vertx;
        this.view = view;
        this.ops = ops;
        this.verticle = verticle;
        this.deploymentId = deploymentId;
    }

    /** How long start-up waits for the results to load before serving anyway (not ready until then). */
    private static final Duration RESULTS_WAIT = Duration.ofSeconds(60);

    public static Future<Api> start(Vertx vertx, ApiConfig config, PrometheusMeterRegistry registry) {
        Clock clock = Clock.systemUTC();
        MinuteCountsView view = new MinuteCountsView(config.pipeline().bootstrapServers(), config.history(), clock);
        view.bindTo(registry);
        view.start();
        OpsRoutes ops = new OpsRoutes(HealthCheck.ALWAYS, view::notReadyReason, registry);
        if (config.apiKey().isEmpty()) {
            LOG.warn("CCU_API_KEY is not set: the query API answers anyone");
        }
        ApiVerticle verticle = new ApiVerticle(config.port(),
                new CcuRoutes(view, clock, config.maxRange(), config.recentJobs()),
                new ApiKeyCheck(config.apiKey()), ops);
        return vertx.deployVerticle(verticle)
                .compose(id -> HealthCheck.awaitFirst(vertx, view.caughtUp(), RESULTS_WAIT,
                                "results not loaded yet; serving, not ready until they are")
                        .map(v -> {
                            LOG.info("query API listening on port {}", verticle.actualPort());
                            return new Api(vertx, view, ops, verticle, id);
                        }))
                .onFailure(e -> view.close());
    }

    public int port() {
        return verticle.actualPort();
    }

    /** Readiness first, then the HTTP server, then the results view. */
    public Future<Void> stop() {
        ops.startDraining();
        return vertx.undeploy(deploymentId).transform(ar -> vertx.executeBlocking(() -> {
            view.close();
            return null;
        }));
    }
}
