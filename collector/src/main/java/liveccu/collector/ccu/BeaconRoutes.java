package liveccu.collector.ccu;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.time.Instant;
import liveccu.collector.intake.IntakeRoutes;
import liveccu.collector.limit.ClientRateLimit;
import liveccu.collector.limit.RateLimitGate;
import liveccu.collector.publish.BeaconSink;
import liveccu.collector.publish.IntakePublisher;
import liveccu.collector.viewers.ViewerCheck;
import liveccu.collector.viewers.ViewerPolicy;
import liveccu.model.Beacon;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import liveccu.model.Side;
import liveccu.ops.http.ErrorResponses;

/**
 * The beacon intake's route, {@code GET /{guid}/{jobid}/{sessionid}/{accountid}/{time}/{side}}. The hot
 * path is small on purpose: check the client's rate limit and the secret, parse, hand to Kafka, and
 * answer when Kafka has acknowledged. Beacons are nearly every request, so {@link #handled} takes them
 * before the router; what it leaves (e.g. a percent-encoded segment) reaches the same handler through
 * the routes {@link #mount} adds.
 */
public final class BeaconRoutes implements IntakeRoutes {

    private static final String BEACON_PATH = "/:guid/:jobid/:sessionid/:accountid/:time/";
    private static final String RETRY_AFTER_SECONDS = "5";

    private final BeaconParser parser;
    private final BeaconSecret secret;
    private final RateLimitGate limit;
    private final ViewerPolicy viewers;
    private final BeaconSink publisher;
    private final BeaconMetrics metrics;

    public BeaconRoutes(BeaconParser parser, BeaconSecret secret, ClientRateLimit limit, ViewerPolicy viewers,
                        BeaconSink publisher, BeaconMetrics metrics) {
        this.parser = parser;
        this.secret = secret;
        this.limit = new RateLimitGate(limit, publisher, "beacons", metrics::rateLimited, metrics::rejectionNotRecorded);
        this.viewers = viewers;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @Override
    public void mount(Router router) {
        for (Side side : Side.values()) {
            router.get(BEACON_PATH + side.pathSuffix()).handler(ctx -> onBeacon(ctx.request(), new BeaconPath(
                    ctx.pathParam("guid"), ctx.pathParam("jobid"), ctx.pathParam("sessionid"), ctx.pathParam("accountid"),
                    ctx.pathParam("time"), side)));
        }
    }

    /** The fast path: true when the request is a beacon, now handled; false leaves it to the router. */
    public boolean handled(HttpServerRequest request) {
        BeaconPath beacon = request.method() == HttpMethod.GET ? BeaconPath.match(request.path()) : null;
        if (beacon == null) {
            return false;
        }
        onBeacon(request, beacon);
        return true;
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
        Context context = Vertx.currentContext();
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
