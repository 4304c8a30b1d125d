package liveccu.api.erasure;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import liveccu.api.viewers.ViewerSessionsView;
import liveccu.model.ViewerErasure;
import liveccu.model.ViewerSession;
import liveccu.ops.http.HealthCheck;
import liveccu.ops.http.HttpFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/viewers/erasures} with {@code {"user_id": "…"}} or {@code {"sessionid": "…"}}:
 * erases a viewer's data. The sessions to erase come from this instance's view, which holds every
 * session within the viewer-data retention (a session id given is erased whether or not it is
 * there); one erasure per session goes to the erasures topic, and the aggregator removes each from
 * its state and tombstones it on the viewer-sessions topic, from which every API instance drops it.
 *
 * <p>Answers 202 with the session ids once Kafka has acknowledged every erasure, 503 (retry) when
 * it could not. Never logs the user id: it is the personal data being erased.
 */
public final class ViewerErasureRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ViewerErasureRoutes.class);

    private record Pending(List<String> sessionIds, CompletionStage<Void> acknowledged) {
    }

    private final ViewerSessionsView view;
    private final HealthCheck viewLoaded;
    private final ErasureSink sink;
    private final Clock clock;

    /** @param viewLoaded healthy once the view has read the viewer-sessions topic up to its end at start-up */
    public ViewerErasureRoutes(ViewerSessionsView view, HealthCheck viewLoaded, ErasureSink sink, Clock clock) {
        this.view = view;
        this.viewLoaded = viewLoaded;
        this.sink = sink;
        this.clock = clock;
    }

    public void erase(RoutingContext ctx) {
        ErasureRequest request = ErasureRequest.parse(ctx.body().asString());
        // A view still loading would miss sessions, and a 202 would claim them erased.
        if (request instanceof ErasureRequest.ByUser && viewLoaded.problem().isPresent()) {
            ctx.response().putHeader("retry-after", "5");
            throw new HttpFailure(503, "viewer sessions not loaded yet; retry shortly");
        }
        // Off the event loop: the scan of the view, and the producer may wait for metadata.
        ctx.vertx().executeBlocking(() -> {
            List<String> sessionIds = sessionIds(request);
            long now = clock.millis();
            return new Pending(sessionIds, sink.publish(sessionIds.stream().map(id -> new ViewerErasure(id, now)).toList()));
        }, false).compose(pending -> Future.fromCompletionStage(pending.acknowledged(), ctx.vertx().getOrCreateContext())
                .map(acknowledged -> pending.sessionIds())).onComplete(result -> {
            if (result.succeeded()) {
                List<String> erased = result.result();
                LOG.info("erasure of {} viewer session(s) by {} acknowledged by Kafka", erased.size(), request.by());
                ctx.response().setStatusCode(202).putHeader("content-type", "application/json")
                        .putHeader("cache-control", "no-store")
                        .end(new JsonObject().put("count", erased.size()).put("sessionids", new JsonArray(erased)).encode());
            } else {
                LOG.warn("erasure by {} not acknowledged by Kafka: {}", request.by(), result.cause().toString());
                ctx.response().putHeader("retry-after", "5");
                ctx.fail(new HttpFailure(503, "Kafka did not take the erasure; nothing is confirmed erased, retry"));
            }
        });
    }

    private List<String> sessionIds(ErasureRequest request) {
        if (request instanceof ErasureRequest.BySession bySession) {
            // Erased even when this instance does not hold it: a tombstone for an unknown key costs nothing.
            return List.of(bySession.sessionId());
        }
        return view.matching(request::matches).stream().map(ViewerSession::sessionId).sorted().toList();
    }
}
