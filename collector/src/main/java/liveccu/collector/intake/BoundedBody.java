package liveccu.collector.intake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * Reads a request's body, at most a limit of it, on the event loop without blocking — as bytes,
 * whatever its content type (Vert.x's BodyHandler would try to decode a body labelled as a form, which
 * {@code curl --data-binary} sends by default). Shared by the intakes that take bodies (player events,
 * CMCD reports, CDN logs).
 */
public final class BoundedBody {

    private BoundedBody() {
    }

    /**
     * Exactly one of the three is called: {@code complete} with the whole body; {@code tooLarge} as soon
     * as the body is known to exceed {@code maxBytes} (its {@code Content-Length}, or what has arrived),
     * after which the rest is read and dropped so the connection can answer; or {@code broken} when the
     * request fails before its end (the client went away).
     */
    public static void read(HttpServerRequest request, long maxBytes, Consumer<Buffer> complete, Runnable tooLarge, Runnable broken) {
        String length = request.getHeader("content-length");
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
                && Long.parseLong(length) > maxBytes) {
            tooLarge.run();
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        request.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxBytes) {
                over[0] = true;
                tooLarge.run();
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(error -> {
            if (!over[0]) {
                over[0] = true;
                broken.run();
            }
        });
        request.endHandler(v -> {
            if (!over[0]) {
                complete.accept(body);
            }
        });
        request.resume();
    }
}
