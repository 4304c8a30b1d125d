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
 *   <li>{@code GET /health/live}: 200 while the process serves HTTP at all.</li>
 *   <li>{@code GET /health/ready}: 200 when the service can do its work (Kafka reachable, Streams
 *       running, …), 503 with the reason otherwise, and 503 as soon as shutdown begins so that load
 *       balancers stop sending traffic before the service drains.</li>
 *   <li>{@code GET /metrics}: Prometheus text format.</li>
 * </ul>
 */
public final class OpsRoutes {

    private final Readiness readiness;
    private final PrometheusMeterRegistry registry;
    private final AtomicBoolean draining = new AtomicBoolean();

    public OpsRoutes(Readiness readiness, PrometheusMeterRegistry registry) {
        this.readiness = readiness;
        this.registry = registry;
    }

    public void mount(Router router) {
        router.get("/health/live").handler(ctx -> status(ctx, 200, "UP", null));
        router.get("/health/ready").handler(this::ready);
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

    /** The current reason for not being ready, including draining. */
    public Optional<String> notReadyReason() {
        return draining.get() ? Optional.of("shutting down") : readiness.notReadyReason();
    }

    private void ready(RoutingContext ctx) {
        Optional<String> reason = notReadyReason();
        if (reason.isPresent()) {
            status(ctx, 503, "DOWN", reason.get());
        } else {
            status(ctx, 200, "UP", null);
        }
    }

    private static void status(RoutingContext ctx, int code, String status, String reason) {
        JsonObject body = new JsonObject().put("status", status);
        if (reason != null) {
            body.put("reason", reason);
        }
        ctx.response().setStatusCode(code).putHeader("content-type", "application/json").end(body.encode());
    }
}
