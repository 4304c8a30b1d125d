package liveccu.simulator.truth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeMap;
import liveccu.simulator.truth.GroundTruth.Counts;

/** Reads a job's counts through the public query API, as a dashboard would. */
public final class CountsReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI api;
    private final String apiKey;

    /** @param api the query API's base URL, e.g. http://localhost:8081 */
    public CountsReader(URI api, String apiKey) {
        this.api = api;
        this.apiKey = apiKey;
    }

    /** Minutes with {@code fromMs <= minute < toMs}, keyed by minute start. */
    public TreeMap<Long, Counts> counts(String jobId, long fromMs, long toMs) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve("/ccu?jobid=" + jobId + "&in=" + fromMs / 1000
                + "&out=" + (toMs + 999) / 1000)).timeout(Duration.ofSeconds(30));
        if (apiKey != null) {
            request.header("x-api-key", apiKey);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("query API answered " + response.statusCode() + ": " + response.body());
        }
        TreeMap<Long, Counts> counts = new TreeMap<>();
        for (JsonNode minute : JSON.readTree(response.body())) {
            counts.put(Instant.parse(minute.get("time").asText()).toEpochMilli(),
                    new Counts(minute.get("ssccu").asLong(), minute.get("csccu").asLong()));
        }
        return counts;
    }
}
