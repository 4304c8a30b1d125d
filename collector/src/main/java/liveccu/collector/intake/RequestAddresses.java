package liveccu.collector.intake;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/** What a request says about where it came from, in the form {@link TrustedProxies#client} takes. */
public final class RequestAddresses {

    private RequestAddresses() {
    }

    /** The connection's peer address; {@code "unknown"} when the transport has none (never trusted). */
    public static String peer(HttpServerRequest request) {
        var address = request.remoteAddress();
        return address == null || address.hostAddress() == null ? "unknown" : address.hostAddress();
    }

    /** Every {@code X-Forwarded-For} header, comma-joined in order; null when there is none. */
    public static String forwardedFor(HttpServerRequest request) {
        List<String> headers = request.headers().getAll("x-forwarded-for");
        return headers.isEmpty() ? null : String.join(",", headers);
    }
}
