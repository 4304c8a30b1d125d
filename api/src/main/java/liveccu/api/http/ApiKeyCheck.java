package liveccu.api.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import liveccu.ops.http.HttpFailure;

/** Lets a request through only with the configured key in header {@code x-api-key}. */
public final class ApiKeyCheck implements Handler<RoutingContext> {

    private final byte[] key;

    /** @param key the configured key; empty lets every request through */
    public ApiKeyCheck(Optional<String> key) {
        this.key = key.map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String presented = ctx.request().getHeader("x-api-key");
        // Constant time, so the key cannot be guessed byte by byte from response times.
        if (key == null || (presented != null && MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8)))) {
            ctx.next();
        } else {
            ctx.fail(new HttpFailure(401, presented == null ? "missing x-api-key header" : "wrong API key"));
        }
    }
}
