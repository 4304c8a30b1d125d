package liveccu.ops.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Liveness, readiness and the Prometheus scrape endpoint, the same on every service.
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 unless the service is stuck for good (e.g. Kafka Streams in
 *       ERROR), so an orchestrator restarts it; 503 with the reason then.</li>
 *   <li>{@code GET /health/ready}: 200 when the service can do its work (Kafka reachable, Streams
 *       running, …), 503 with the reason otherwise, and 503 as soon as shutdown begins so that load
 *       balancers stop sending traffic before the service drains.</li>
 *   <li>{@code GET /metrics}: Prometheus text format.</li>
 * </ul>
 */
public final class OpsRoutes {

    private final HealthCheck liveness;
    private final HealthCheck readiness;
    private final PrometheusMeterRegistry registry;
    private final AtomicBoolean draining = new AtomicBoolean();

    public OpsRoutes(HealthCheck liveness, HealthCheck readiness, PrometheusMeterRegistry registry) {
        this.liveness = liveness;
        this.readiness = readiness;
        this.registry = registry;
    }

    public void mount(Router router) {
        router.get("/health/live").handler(ctx -> answer(ctx, liveness.problem()));
        router.get("/health/ready").handler(ctx -> answer(ctx, notReadyReason()));
        router.get("/metrics").handler(ctx -> ctx.vertx()
                // Scraping walks every meter: keep it off the event loop.
                .executeBlocking(registry::scrape)
                .onSuccess(text -> ctx.response()
                        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(text))
                .onFailure(ctx::fail));
    }

    /** From now on readiness answers 503: the first step of a graceful shutdown. */
    public void startDraining() {
        draining.set(true);
    }

    /** The current reason for not being live (what {@code /health/live} answers). */
    public Optional<String> failedReason() {
        return liveness.problem();
    }

    /** The current reason for not being ready, including draining. */
    public Optional<String> notReadyReason() {
        return draining.get() ? Optional.of("shutting down") : readiness.problem();
    }

    /** 200 {"status":"UP"}, or 503 {"status":"DOWN","reason":…}. */
    private static void answer(RoutingContext ctx, Optional<String> problem) {
        JsonObject body = new JsonObject().put("status", problem.isPresent() ? "DOWN" : "UP");
        problem.ifPresent(reason -> body.put("reason", reason));
        ctx.response().setStatusCode(problem.isPresent() ? 503 : 200)
                .putHeader("content-type", "application/json").end(body.encode());
    }
}
