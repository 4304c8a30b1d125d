package liveccu.collector;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import liveccu.collector.ccu.BeaconMetrics;
import liveccu.collector.ccu.BeaconParser;
import liveccu.collector.ccu.BeaconPath;
import liveccu.collector.ccu.BeaconSecret;
import liveccu.collector.ccu.ParseResult;
import liveccu.collector.limit.ClientRateLimit;
import liveccu.collector.limit.RateLimitGate;
import liveccu.collector.intake.IntakeRoutes;
import liveccu.collector.publish.IntakePublisher;
import liveccu.collector.publish.BeaconSink;
import liveccu.collector.viewers.ViewerCheck;
import liveccu.collector.viewers.ViewerPolicy;
import liveccu.model.Beacon;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import liveccu.model.Side;
import liveccu.ops.PortInUse;
import liveccu.ops.http.ErrorResponses;
import liveccu.ops.http.OpsRoutes;

/**
 * One HTTP server instance of the collector (one per event loop). The hot path is small on purpose:
 * check the client's rate limit and the secret, parse, hand to Kafka, and answer when Kafka has
 * acknowledged.
 */
final class CollectorVerticle extends VerticleBase {

    private static final String BEACON_PATH = "/:guid/:jobid/:sessionid/:accountid/:time/";
    private static final String RETRY_AFTER_SECONDS = "5";

    private final int port;
    private final BeaconParser parser;
    private final BeaconSecret secret;
    private final RateLimitGate limit;
    private final ViewerPolicy viewers;
    private final BeaconSink publisher;
    private final BeaconMetrics metrics;
    private final OpsRoutes ops;
    private final AtomicInteger boundPort;
    private final List<IntakeRoutes> intakes;

    CollectorVerticle(int port, BeaconParser parser, BeaconSecret secret, ClientRateLimit limit, ViewerPolicy viewers,
                      BeaconSink publisher, BeaconMetrics metrics, OpsRoutes ops, AtomicInteger boundPort) {
        this(port, parser, secret, limit, viewers, publisher, metrics, ops, boundPort, List.of());
    }

    /** @param intakes the other intakes' routes served beside beacons (player events and CMCD reports, CDN logs) */
    CollectorVerticle(int port, BeaconParser parser, BeaconSecret secret, ClientRateLimit limit, ViewerPolicy viewers,
                      BeaconSink publisher, BeaconMetrics metrics, OpsRoutes ops, AtomicInteger boundPort,
                      List<IntakeRoutes> intakes) {
        this.intakes = intakes;
        this.port = port;
        this.parser = parser;
        this.secret = secret;
        this.limit = new RateLimitGate(limit, publisher, "beacons", metrics::rateLimited, metrics::rejectionNotRecorded);
        this.viewers = viewers;
        this.publisher = publisher;
        this.metrics = metrics;
        this.ops = ops;
        this.boundPort = boundPort;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        // Players fire beacons from web pages: a token in the Authorization header needs a preflight,
        // and so do CMCD reports and player events POSTed with their content type or gzip encoding.
        router.route().handler(CorsHandler.create()
                .addOrigin("*")
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("authorization", "x-api-key", "content-type", "content-encoding"))
                .maxAgeSeconds(3600));
        ops.mount(router);
        // What the fast path below leaves to the router (e.g. a percent-encoded segment) is a beacon all the same.
        for (Side side : Side.values()) {
            router.get(BEACON_PATH + side.pathSuffix()).handler(ctx -> onBeacon(ctx.request(), new BeaconPath(
                    ctx.pathParam("guid"), ctx.pathParam("jobid"), ctx.pathParam("sessionid"), ctx.pathParam("accountid"),
                    ctx.pathParam("time"), side)));
        }
        intakes.forEach(routes -> routes.mount(router));
        ErrorResponses.install(router);
        // Beacons, nearly every request, go straight to their handler; everything else through the router.
        Handler<HttpServerRequest> requests = request -> {
            BeaconPath beacon = request.method() == HttpMethod.GET ? BeaconPath.match(request.path()) : null;
            if (beacon == null) {
                router.handle(request);
            } else {
                onBeacon(request, beacon);
            }
        };
        // port 0 means "any free port"; -1 makes every instance share that one random port
        var listening = vertx.createHttpServer().requestHandler(requests).listen(port == 0 ? -1 : port);
        return PortInUse.explain(listening, port, "collector", "CCU_COLLECTOR_PORT")
                .onSuccess(server -> boundPort.set(server.actualPort()));
    }

    private void onBeacon(HttpServerRequest request, BeaconPath path) {
        long receivedAt = System.currentTimeMillis();
        // First, before any work: a limited beacon is never parsed, written or acknowledged.
        if (limit.refused(request, receivedAt)) {
            return;
        }
        BeaconSecret.Check key = secret.check(path.accountId(), request.getHeader("x-api-key"), request.getParam("key"));
        if (!key.accepted()) {
            reject(request, RejectReason.BAD_KEY, key.message(), null, receivedAt);
            return;
        }
        Side side = path.side();
        ParseResult result = parser.parse(side, path.guid(), path.jobId(), path.sessionId(), path.accountId(), path.time(),
                receivedAt);
        if (result instanceof ParseResult.Rejected rejected) {
            reject(request, rejected.reason(), rejected.message(), null, receivedAt);
            return;
        }
        var beacon = ((ParseResult.Accepted) result).beacon();
        ViewerCheck viewer = viewers.check(beacon.accountId(), token(request), request.getParam("trackingId"),
                request.getParam("customViewerData"), Instant.ofEpochMilli(receivedAt));
        if (viewer instanceof ViewerCheck.Refused refused) {
            reject(request, refused.reason(), refused.message(), beacon, receivedAt);
            return;
        }
        beacon = beacon.withViewer(((ViewerCheck.Identified) viewer).viewer());
        Context context = vertx.getOrCreateContext();
        publisher.publish(beacon).whenComplete((ok, error) -> {
            // A repeated fact's acknowledgement is often in already: answer here, without another hop.
            if (Vertx.currentContext() == context) {
                answer(request.response(), side, error);
            } else {
                context.runOnContext(v -> answer(request.response(), side, error));
            }
        });
    }

    private void answer(HttpServerResponse response, Side side, Throwable error) {
        if (error == null) {
            metrics.accepted(side);
            response
                    .putHeader("cache-control", "no-store")
                    .putHeader("access-control-allow-origin", "*")
                    .end();
        } else {
            metrics.unavailable();
            response.putHeader("retry-after", RETRY_AFTER_SECONDS).putHeader("access-control-allow-origin", "*");
            ErrorResponses.send(response, 503, error instanceof IntakePublisher.KafkaUnavailable
                    ? error.getMessage() : "Kafka unavailable");
        }
    }

    /** The viewer token: {@code Authorization: Bearer}, else the {@code token} parameter (sendBeacon cannot set headers). */
    private static String token(HttpServerRequest request) {
        String authorization = request.getHeader("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return request.getParam("token");
    }

    private void reject(HttpServerRequest request, RejectReason reason, String message, Beacon beacon, long receivedAt) {
        metrics.rejected(reason);
        // The path only: the query string may carry the beacon key or a viewer token.
        var record = new RejectedBeacon(reason.code(), message, request.path(), receivedAt, "collector", beacon);
        if (!publisher.recordRejection(record)) {
            metrics.rejectionNotRecorded();
        }
        request.response().putHeader("access-control-allow-origin", "*");
        ErrorResponses.send(request.response(), reason.httpStatus(), message);
    }
}
