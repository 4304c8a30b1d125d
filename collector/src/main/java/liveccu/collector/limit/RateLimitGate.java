package liveccu.collector.limit;

import io.vertx.core.http.HttpServerRequest;
import liveccu.collector.intake.RequestAddresses;
import liveccu.collector.publish.BeaconSink;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import liveccu.ops.http.ErrorResponses;

/**
 * The rate limit at the door of an intake route: a client over its limit is answered {@code 429}
 * with {@code Retry-After} before anything else is done, so what it sent is never parsed, written or
 * acknowledged. Every refusal is counted; it is recorded on the rejected topic only as the limit
 * samples it (once per client every {@link ClientRateLimit#RECORD_INTERVAL}), so a flood does not
 * flood that topic too. Beacons, player events and CMCD reports share one bucket per client.
 */
public final class RateLimitGate {

    private final ClientRateLimit limit;
    private final BeaconSink rejections;
    private final String what;
    private final Runnable countRefusal;
    private final Runnable countUnrecorded;

    /**
     * @param what            what the client sends too many of, for the answer ("beacons", "requests")
     * @param countRefusal    counts one refusal
     * @param countUnrecorded counts a refusal that could not even be handed to the rejected topic's producer
     */
    public RateLimitGate(ClientRateLimit limit, BeaconSink rejections, String what, Runnable countRefusal,
                         Runnable countUnrecorded) {
        this.limit = limit;
        this.rejections = rejections;
        this.what = what;
        this.countRefusal = countRefusal;
        this.countUnrecorded = countUnrecorded;
    }

    /** True when the request's client is over its limit: it has then been answered 429. */
    public boolean refused(HttpServerRequest request, long receivedAtMs) {
        if (!limit.enabled() || !(limit.check(RequestAddresses.peer(request), RequestAddresses.forwardedFor(request))
                instanceof ClientRateLimit.Limited limited)) {
            return false;
        }
        countRefusal.run();
        String message = "too many " + what + " from this client: over its rate limit, retry after "
                + limited.retryAfterSeconds() + " s";
        if (limited.record()) {
            var record = new RejectedBeacon(RejectReason.RATE_LIMITED.code(), message + " (client " + limited.client()
                    + "; at most one such record per client every " + ClientRateLimit.RECORD_INTERVAL.toSeconds() + " s)",
                    request.path(), receivedAtMs, "collector", null);
            if (!rejections.recordRejection(record)) {
                countUnrecorded.run();
            }
        }
        request.response()
                .putHeader("retry-after", Long.toString(limited.retryAfterSeconds()))
                .putHeader("access-control-allow-origin", "*");
        ErrorResponses.send(request.response(), RejectReason.RATE_LIMITED.httpStatus(), message);
        return true;
    }
}
