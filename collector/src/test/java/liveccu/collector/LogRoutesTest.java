package liveccu.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import liveccu.collector.ccu.BeaconMetrics;
import liveccu.collector.ccu.BeaconParser;
import liveccu.collector.ccu.BeaconRoutes;
import liveccu.collector.ccu.BeaconSecret;
import liveccu.collector.intake.IpHasher;
import liveccu.collector.limit.ClientRateLimit;
import liveccu.collector.cdn.LogFormat;
import liveccu.collector.cdn.LogRoutes;
import liveccu.collector.cdn.LogSettings;
import liveccu.collector.cdn.LogSource;
import liveccu.collector.publish.IntakePublisher;
import liveccu.collector.publish.BeaconSink;
import liveccu.collector.publish.CdnRequestSink;
import liveccu.collector.viewers.TokenMode;
import liveccu.collector.viewers.ViewerPolicy;
import liveccu.model.Beacon;
import liveccu.model.CdnRequest;
import liveccu.model.CountingRules;
import liveccu.model.RejectedBeacon;
import liveccu.ops.http.HealthCheck;
import liveccu.ops.http.OpsRoutes;
import liveccu.ops.metrics.Metrics;
import liveccu.testsupport.Http;
import liveccu.tokens.TokenSettings;
import liveccu.tokens.ViewerTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CDN log route on the real collector verticle, with Kafka replaced by an in-memory sink that may refuse. */
class LogRoutesTest {

    private static final String TOKEN = "cf-token-0123456789";
    private static final String PATH = "/v1/logs/cf-main";

    /** Kafka as the route sees it: takes and acknowledges, or is unavailable. */
    static final class Sinks implements BeaconSink, CdnRequestSink {
        final List<CdnRequest> requests = new CopyOnWriteArrayList<>();
        final List<RejectedBeacon> rejected = new CopyOnWriteArrayList<>();
        volatile boolean unavailable;

        @Override
        public CompletionStage<Void> publish(CdnRequest request) {
            if (unavailable) {
                return CompletableFuture.failedFuture(new IntakePublisher.KafkaUnavailable("Kafka is down in this test", null));
            }
            requests.add(request);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> publish(Beacon beacon) {
            throw new AssertionError("no beacons here");
        }

        @Override
        public boolean recordRejection(RejectedBeacon record) {
            rejected.add(record);
            return true;
        }
    }

    static final Sinks SINKS = new Sinks();
    static Vertx vertx;
    static Vertx unconfiguredVertx;
    static PrometheusMeterRegistry registry;
    static int port;
    static int unconfiguredPort;

    @BeforeAll
    static void deploy() throws Exception {
        vertx = Vertx.vertx();
        registry = Metrics.newRegistry("collector");
        LogSource source = new LogSource("cf-main", LogFormat.CLOUDFLARE, "123456789", "cf-main", TOKEN);
        port = deploy(new LogSettings(Map.of("cf-main", source, "fastly-1", new LogSource("fastly-1", LogFormat.FASTLY, "1", "z",
                TOKEN)), 2048, 4096, 3, 2, List.of("svc-1")));
        unconfiguredPort = deploy(LogSettings.defaults());
    }

    private static int deploy(LogSettings settings) throws Exception {
        OpsRoutes ops = new OpsRoutes(HealthCheck.ALWAYS, Optional::empty, registry);
        ViewerPolicy viewers = new ViewerPolicy(new ViewerTokens(new TokenSettings(Optional.empty(), List.of(), Duration.ofSeconds(30))),
                TokenMode.OPEN, Map.of());
        LogRoutes logs = new LogRoutes(settings, CountingRules.defaults(),
                new IpHasher("route-test-secret-of-16+ bytes".getBytes(StandardCharsets.UTF_8)), SINKS, SINKS, () -> { }, registry);
        AtomicInteger bound = new AtomicInteger();
        // each on a Vert.x of its own: servers of one Vert.x on port 0 share a port
        Vertx own = vertx;
        if (settings.sources().isEmpty()) {
            unconfiguredVertx = Vertx.vertx();
            own = unconfiguredVertx;
        }
        own.deployVerticle(new CollectorVerticle(0, new BeaconRoutes(new BeaconParser(CountingRules.defaults()),
                new BeaconSecret(Optional.empty()), ClientRateLimit.off(), viewers, SINKS, new BeaconMetrics(registry)), ops, bound,
                List.of(logs)))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return bound.get();
    }

    @AfterAll
    static void close() {
        vertx.close();
        unconfiguredVertx.close();
    }

    @AfterEach
    void kafkaBack() {
        SINKS.unavailable = false;
    }

    private static String line(String ip, int status) {
        return "{\"EdgeStartTimestamp\":" + System.currentTimeMillis() / 1000 + ",\"ClientIP\":\"" + ip + "\",\"ClientRequestMethod\":\"GET\","
                + "\"ClientRequestURI\":\"/a\",\"EdgeResponseStatus\":" + status + ",\"EdgeResponseBytes\":10}";
    }

    @Test
    void aGzippedBatchIsAnswered204OnceEveryLineIsAcknowledged() throws IOException {
        String body = line("203.0.113.9", 200) + "\n" + line("203.0.113.10", 206) + "\n";
        Http.Reply reply = Http.post(port, PATH, gzip(body), "x-ccu-log-token", TOKEN, "content-encoding", "gzip",
                "x-ccu-log-batch", "b-1");
        assertEquals(204, reply.status(), reply.body());
        List<CdnRequest> mine = SINKS.requests.stream().filter(r -> r.batchId().equals("cf-main/b-1")).toList();
        assertEquals(List.of(0, 1), mine.stream().map(CdnRequest::line).toList());
        assertFalse(mine.toString().contains("203.0.113"), "no raw IP in a record");
        assertEquals(2.0, registry.counter("ccu.logs.lines.accepted", "source", "cf-main").count(), 0.0);
    }

    @Test
    void badLinesAreListedAndRecordedAndTheOthersKept() {
        String body = line("203.0.113.9", 200) + "\nnot json\n" + line("198.51.100.1", 999);
        Http.Reply reply = Http.post(port, PATH, body, "x-ccu-log-token", TOKEN, "x-ccu-log-batch", "b-2");
        assertEquals(200, reply.status(), reply.body());
        JsonObject answer = new JsonObject(reply.body());
        assertEquals(1, answer.getInteger("accepted"));
        assertEquals(2, answer.getInteger("rejected_count"));
        assertEquals(List.of(1, 2), answer.getJsonArray("rejected").stream().map(o -> ((JsonObject) o).getInteger("index")).toList());
        assertEquals("bad-log-line", answer.getJsonArray("rejected").getJsonObject(0).getString("reason"));
        List<RejectedBeacon> recorded = SINKS.rejected.stream().filter(r -> r.message().contains("batch cf-main/b-2,")).toList();
        assertEquals(2, recorded.size(), recorded.toString());
        assertFalse(recorded.toString().contains("198.51.100.1"), "a rejection never quotes the line");
        assertEquals(2.0, registry.counter("ccu.logs.lines.rejected", "source", "cf-main", "reason", "bad-log-line").count(), 0.0);
    }

    @Test
    void aNamedBatchNumbersItsLinesFromItsFirstLine() {
        String body = line("203.0.113.9", 200) + "\nnot json\n" + line("203.0.113.10", 206);
        Http.Reply reply = Http.post(port, PATH, body, "x-ccu-log-token", TOKEN, "x-ccu-log-batch", "file-1",
                "x-ccu-log-first-line", "5000");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(List.of(5001), new JsonObject(reply.body()).getJsonArray("rejected").stream()
                .map(o -> ((JsonObject) o).getInteger("index")).toList(), "a bad line by its number");
        assertEquals(List.of(5000, 5002), SINKS.requests.stream().filter(r -> r.batchId().equals("cf-main/file-1"))
                .map(CdnRequest::line).toList());
        assertEquals(1, SINKS.rejected.stream().filter(r -> r.message().contains("batch cf-main/file-1, line 5001:")).count());
    }

    @Test
    void aBadFirstLineIsRefused() {
        String body = line("203.0.113.9", 200);
        int before = SINKS.requests.size();
        for (String bad : List.of("-1", "1e3", "", "2147483645", "99999999999")) {
            Http.Reply reply = Http.post(port, PATH, body, "x-ccu-log-token", TOKEN, "x-ccu-log-batch", "file-2",
                    "x-ccu-log-first-line", bad);
            assertEquals(400, reply.status(), bad);
            assertTrue(reply.body().contains("X-CCU-Log-First-Line must be a whole number from 0 to 2147483644"), reply.body());
        }
        Http.Reply unnamed = Http.post(port, PATH, body, "x-ccu-log-token", TOKEN, "x-ccu-log-first-line", "10");
        assertEquals(400, unnamed.status());
        assertTrue(unnamed.body().contains("X-CCU-Log-First-Line numbers the lines of a named batch: give X-CCU-Log-Batch too"),
                unnamed.body());
        assertEquals(before, SINKS.requests.size(), "nothing published");
        assertEquals(204, Http.post(port, PATH, body, "x-ccu-log-token", TOKEN, "x-ccu-log-batch", "file-2",
                "x-ccu-log-first-line", "2147483644").status(), "the largest first line");
    }

    @Test
    void refusalsOfWholeBatches() throws IOException {
        String body = line("203.0.113.9", 200);
        assertEquals(401, Http.post(port, PATH, body).status());
        assertEquals(401, Http.post(port, PATH, body, "x-ccu-log-token", TOKEN + "x").status());
        assertEquals(404, Http.post(port, "/v1/logs/nope", body, "x-ccu-log-token", TOKEN).status());
        assertEquals(415, Http.post(port, PATH, body, "x-ccu-log-token", TOKEN, "content-encoding", "br").status());
        assertEquals(400, Http.post(port, PATH, body, "x-ccu-log-token", TOKEN, "x-ccu-log-batch", "a b").status());
        assertEquals(413, Http.post(port, PATH, "x".repeat(3000), "x-ccu-log-token", TOKEN).status(), "over the body limit as sent");
        assertEquals(413, Http.post(port, PATH, gzip(" ".repeat(5000)), "x-ccu-log-token", TOKEN, "content-encoding", "gzip").status(),
                "over the limit once decompressed");
        Http.Reply lines = Http.post(port, PATH, (body + "\n").repeat(4), "x-ccu-log-token", TOKEN);
        assertEquals(413, lines.status(), lines.body());
        assertTrue(lines.body().contains("more than 3 lines"), lines.body());
        Http.Reply none = Http.post(unconfiguredPort, PATH, body, "x-ccu-log-token", TOKEN);
        assertEquals(404, none.status());
        assertTrue(none.body().contains("set CCU_LOG_SOURCES"), none.body());
    }

    @Test
    void kafkaUnavailableIs503WithRetryAfter() {
        SINKS.unavailable = true;
        Http.Reply reply = Http.post(port, PATH, line("203.0.113.9", 200), "x-ccu-log-token", TOKEN);
        assertEquals(503, reply.status(), reply.body());
        assertEquals("5", reply.header("retry-after"));
    }

    @Test
    void cloudflaresTestUploadIsAccepted() throws IOException {
        int before = SINKS.requests.size();
        Http.Reply reply = Http.post(port, PATH, gzip("{\"content\":\"tests\"}"), "x-ccu-log-token", TOKEN, "content-encoding", "gzip");
        assertEquals(204, reply.status(), reply.body());
        assertEquals(before, SINKS.requests.size());
    }

    @Test
    void fastlysChallengeNamesTheServiceIdsHash() throws Exception {
        Http.Reply reply = Http.get(port, "/.well-known/fastly/logging/challenge");
        assertEquals(200, reply.status());
        assertEquals(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest("svc-1".getBytes(StandardCharsets.UTF_8))) + "\n", reply.body());
        assertEquals(404, Http.get(unconfiguredPort, "/.well-known/fastly/logging/challenge").status(), "no Fastly source, no challenge");
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
