package liveccu.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Plain HTTP to a service on this machine, as curl, a player or a dashboard would send it. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The status, the body as text and the headers of an answer. */
    public record Reply(int status, String body, HttpHeaders headers) {

        /** The header's first value, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private Http() {
    }

    /** @param headers name, value, name, value, … */
    public static Reply get(int port, String pathAndQuery, String... headers) {
        return send("GET", port, pathAndQuery, headers);
    }

    /** A POST with a text body, as curl or a player sends a batch. */
    public static Reply post(int port, String pathAndQuery, String body, String... headers) {
        return send(request("POST", port, pathAndQuery, body, headers));
    }

    /** A POST with a binary body (e.g. gzipped). */
    public static Reply post(int port, String pathAndQuery, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /** A request without a body. */
    public static Reply send(String method, int port, String pathAndQuery, String... headers) {
        return send(request(method, port, pathAndQuery, null, headers));
    }

    /**
     * A request to {@code http://127.0.0.1:port}, to send now or later, once or many times at once.
     *
     * @param body    the body as text; null for none
     * @param headers name, value, name, value, …
     */
    public static HttpRequest request(String method, int port, String pathAndQuery, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.build();
    }

    public static Reply send(HttpRequest request) {
        try {
            return reply(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends without waiting: many requests in flight at once, as many players starting together. */
    public static CompletableFuture<Reply> sendAsync(HttpRequest request) {
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(Http::reply);
    }

    private static Reply reply(HttpResponse<String> response) {
        return new Reply(response.statusCode(), response.body(), response.headers());
    }
}
