package liveccu.ops.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a service turns failures into HTTP answers: a status and a short JSON reason.
 * Handlers fail with {@link HttpFailure}; anything else is a bug, logged and answered 500.
 */
public final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    public static void install(Router router) {
        router.route().failureHandler(ErrorResponses::onFailure);
        router.errorHandler(404, ctx -> send(ctx, 404, "no such resource: " + ctx.request().path()));
        router.errorHandler(405, ctx -> send(ctx, 405, "method " + ctx.request().method() + " not allowed here"));
    }

    private static void onFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof HttpFailure http) {
            send(ctx, http.status(), http.getMessage());
        } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            // Vert.x's own handlers fail with a status alone (BodyHandler: 413 past its limit): name the status.
            send(ctx, ctx.statusCode(), HttpResponseStatus.valueOf(ctx.statusCode()).reasonPhrase().toLowerCase(Locale.ROOT));
        } else {
            LOG.error("unexpected failure serving {} {}", ctx.request().method(), ctx.request().path(), failure);
            send(ctx, 500, "internal error");
        }
    }

    /** Answers with {@code {"error": reason}}. */
    public static void send(RoutingContext ctx, int status, String reason) {
        send(ctx.response(), status, reason);
    }

    /** The same, for a request served without the router (the collector's beacons). */
    public static void send(HttpServerResponse response, int status, String reason) {
        if (response.ended()) {
            return;
        }
        response
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(new JsonObject().put("error", reason).encode());
    }
}
