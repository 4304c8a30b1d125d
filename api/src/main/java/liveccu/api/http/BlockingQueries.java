package liveccu.api.http;

import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import liveccu.ops.http.HttpFailure;

/**
 * Runs store queries (disk reads) on Vert.x's worker pool, never on an event loop, at most
 * {@code maxInFlight} at once: beyond that a query is answered 503 with Retry-After at once rather
 * than queued without bound.
 */
public final class BlockingQueries {

    private final Semaphore inFlight;

    public BlockingQueries(int maxInFlight) {
        this.inFlight = new Semaphore(maxInFlight);
    }

    /**
     * Runs a report on a worker — its body written as CSV when {@code csv}, else as JSON — and answers it, never
     * cached; a CSV as a download named {@code filename}. How {@code /playback}, {@code /cdn} and {@code /viewers}
     * answer.
     */
    public void report(RoutingContext ctx, boolean csv, String filename, Callable<String> body) {
        run(ctx, body, (context, text) -> {
            if (csv) {
                context.response().putHeader("content-type", "text/csv; charset=utf-8")
                        .putHeader("content-disposition", "attachment; filename=\"" + filename + "\"");
            } else {
                context.response().putHeader("content-type", "application/json");
            }
            context.response().putHeader("cache-control", "no-store").end(text);
        });
    }

    /** Runs {@code query} on a worker; then {@code answer} on the event loop, or fails the request with its error. */
    public <T> void run(RoutingContext ctx, Callable<T> query, BiConsumer<RoutingContext, T> answer) {
        if (!inFlight.tryAcquire()) {
            ctx.response().putHeader("retry-after", "1");
            ctx.fail(new HttpFailure(503, "too many queries in flight; retry shortly"));
            return;
        }
        ctx.vertx().executeBlocking(query, false).onComplete(result -> {
            inFlight.release();
            if (result.succeeded()) {
                answer.accept(ctx, result.result());
            } else {
                ctx.fail(result.cause());
            }
        });
    }
}
