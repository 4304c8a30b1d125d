package liveccu.collector;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import liveccu.collector.beacon.BeaconParser;
import liveccu.collector.beacon.BeaconSecret;
import liveccu.collector.beacon.ParseResult;
import liveccu.collector.publish.BeaconPublisher;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import liveccu.model.Side;
import liveccu.ops.http.ErrorResponses;
import liveccu.ops.http.OpsRoutes;

/**
 * One HTTP server instance of the collector (one per event loop). The hot path is small on purpose:
 * check the secret, parse, hand to Kafka, and answer when Kafka has acknowledged.
 */
final class CollectorVerticle extends VerticleBase {

    private static final String BEACON_PATH = "/:guid/:jobid/:sessionid/:accountid/:time/";
    private static final String RETRY_AFTER_SECONDS = "5";

    private final int port;
    private final BeaconParser parser;
    private final BeaconSecret secret;
    private final BeaconPublisher publisher;
    private final CollectorMetrics metrics;
    private final OpsRoutes ops;
    private final AtomicInteger boundPort;

    CollectorVerticle(int port, BeaconParser parser, BeaconSecret secret, BeaconPublisher publisher,
                      CollectorMetrics metrics, OpsRoutes ops, AtomicInteger boundPort) {
        this.port = port;
        this.parser = parser;
        this.secret = secret;
        this.publisher = publisher;
        this.metrics = metrics;
        this.ops = ops;
        this.boundPort = boundPort;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        ops.mount(router);
        for (Side side : Side.values()) {
            router.get(BEACON_PATH + side.pathSuffix()).handler(ctx -> onBeacon(ctx, side));
        }
        ErrorResponses.install(router);
        return vertx.createHttpServer()
                .requestHandler(router)
                // port 0 means "any free port"; -1 makes every instance share that one random port
                .listen(port == 0 ? -1 : port)
                .onSuccess(server -> boundPort.set(server.actualPort()));
    }

    private void onBeacon(RoutingContext ctx, Side side) {
        long receivedAt = System.currentTimeMillis();
        HttpServerRequest request = ctx.request();
        if (!secret.accepts(request.getHeader("x-api-key"), request.getParam("key"))) {
            reject(ctx, new ParseResult.Rejected(RejectReason.BAD_KEY,
                    "missing or wrong beacon key (header x-api-key or query parameter key)"), receivedAt);
            return;
        }
        ParseResult result = parser.parse(side, ctx.pathParam("guid"), ctx.pathParam("jobid"),
                ctx.pathParam("sessionid"), ctx.pathParam("accountid"), ctx.pathParam("time"), receivedAt);
        if (result instanceof ParseResult.Rejected rejected) {
            reject(ctx, rejected, receivedAt);
            return;
        }
        var beacon = ((ParseResult.Accepted) result).beacon();
        Context context = vertx.getOrCreateContext();
        publisher.publish(beacon).whenComplete((ok, error) -> context.runOnContext(v -> {
            if (error == null) {
                metrics.accepted(side);
                ctx.response()
                        .putHeader("cache-control", "no-store")
                        .putHeader("access-control-allow-origin", "*")
                        .end();
            } else {
                metrics.unavailable();
                ctx.response().putHeader("retry-after", RETRY_AFTER_SECONDS);
                ErrorResponses.send(ctx, 503, error instanceof BeaconPublisher.KafkaUnavailable
                        ? error.getMessage() : "Kafka unavailable");
            }
        }));
    }

    private void reject(RoutingContext ctx, ParseResult.Rejected rejected, long receivedAt) {
        metrics.rejected(rejected.reason());
        // The path only: the query string may carry the beacon key.
        var record = new RejectedBeacon(rejected.reason().code(), rejected.message(), ctx.request().path(),
                receivedAt, "collector", null);
        if (!publisher.recordRejection(record)) {
            metrics.rejectionNotRecorded();
        }
        ctx.response().putHeader("access-control-allow-origin", "*");
        ErrorResponses.send(ctx, rejected.httpStatus(), rejected.message());
    }
}
