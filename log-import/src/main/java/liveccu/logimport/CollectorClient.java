package liveccu.logimport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Sends chunks to the collector's log intake ({@code POST /v1/logs/{source}}, gzipped, with the source's
 * token, the file's batch id and the number of the chunk's first line in the file). A 503 or an unreachable
 * collector is retried with a growing wait (at least the collector's Retry-After, at most {@code maxWait});
 * any other refusal stops the import.
 */
final class CollectorClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** What sending a chunk came to. */
    sealed interface Outcome permits Acknowledged, Stop {
    }

    /** Every line is in Kafka or was rejected; {@code firstRejections} are the collector's messages for some of them. */
    record Acknowledged(int accepted, int rejected, List<String> firstRejections) implements Outcome {
    }

    /** The import cannot go on: why, for the operator. */
    record Stop(String message) implements Outcome {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;
    private final String token;
    private final int retries;
    private final Duration maxWait;

    CollectorClient(URI collector, String source, String token, int retries, Duration maxWait) {
        this.endpoint = collector.resolve("/v1/logs/" + source);
        this.token = token;
        this.retries = retries;
        this.maxWait = maxWait;
    }

    Outcome send(String batchId, long firstLine, String text, int requests) throws InterruptedException {
        byte[] body = gzip(text);
        String last = null;
        long retryAfterMs = 0;
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0) {
                // 1, 2, 4 … 32 s, at least what the collector asked for, at most maxWait
                Thread.sleep(Math.min(maxWait.toMillis(), Math.max(retryAfterMs, 1000L << Math.min(attempt - 1, 5))));
            }
            HttpResponse<String> response;
            try {
                response = http.send(HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                        .header("x-ccu-log-token", token).header("x-ccu-log-batch", batchId)
                        .header("x-ccu-log-first-line", String.valueOf(firstLine))
                        .header("content-type", "text/plain; charset=utf-8").header("content-encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = "nothing answered at " + endpoint + " (" + e.getClass().getSimpleName() + ")";
                retryAfterMs = 0;
                continue;
            }
            int status = response.statusCode();
            if (status == 204) {
                return new Acknowledged(requests, 0, List.of());
            }
            JsonNode answer = json(response.body());
            if (status == 200) {
                List<String> messages = new ArrayList<>();
                answer.path("rejected").forEach(line -> messages.add("line " + line.path("index").asInt() + ": "
                        + line.path("message").asText()));
                return new Acknowledged(answer.path("accepted").asInt(), answer.path("rejected_count").asInt(), messages);
            }
            String error = answer.path("error").asText(response.body());
            if (status == 503) {
                last = "the collector answered 503: " + error;
                retryAfterMs = response.headers().firstValue("retry-after").filter(v -> v.matches("\\d{1,6}"))
                        .map(v -> Long.parseLong(v) * 1000).orElse(0L);
                continue;
            }
            return new Stop("the collector answered " + status + ": " + error + switch (status) {
                case 401 -> " (give the source's token: --token or CCU_LOG_TOKEN)";
                case 404 -> " (give a source configured in the collector's CCU_LOG_SOURCES: --source)";
                case 413 -> " (send smaller chunks: --chunk-lines)";
                default -> "";
            });
        }
        return new Stop(last + "; gave up after " + retries + " retries");
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("gzip into memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
