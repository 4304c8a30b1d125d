package liveccu.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;

/** Waiting for exact JSON answers of the query API, as the CDN and audio ITs assert them. */
final class ApiAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private ApiAnswers() {
    }

    /**
     * Waits until the API answers the query (with the tests' key) exactly this JSON, compared as trees:
     * a count still on its way is waited for, a wrong one fails with the last answer after a minute.
     */
    static void await(int apiPort, String query, String expected) {
        JsonNode wanted = tree(expected);
        Eventually.await(WAIT, query + " = " + wanted, () -> {
            Http.Reply reply = Http.get(apiPort, query, "x-api-key", Viewers.API_KEY);
            return reply.status() == 200 ? tree(reply.body()) : JSON.getNodeFactory().textNode(reply.status() + " " + reply.body());
        }, wanted::equals);
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String iso(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }
}
