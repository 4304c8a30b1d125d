package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import liveccu.collector.intake.IpHasher;
import liveccu.model.CdnRequest;
import liveccu.model.Topics;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDN log intake over the real path: batches POSTed as Cloudflare Logpush and Fastly send them, and
 * files imported with {@code ./liveccu logs import}, through the collector into a real broker's
 * {@code ccu.cdn-requests}: each line once per identity, retries and resumes included, no raw IP anywhere.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogIntakeIT {

    private static final String IP_SECRET = "log-intake-it-secret-of-enough-bytes";
    private static final String CF_TOKEN = "cf-token-0123456789abcdef";
    private static final String FASTLY_TOKEN = "fastly-token-0123456789abcdef";
    private static final String FILES_TOKEN = "files-token-0123456789abcdef";
    private static final String CLOUDFRONT_TOKEN = "cloudfront-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    @TempDir
    static Path logs;
    static LocalSystem system;

    @BeforeAll
    static void startSystem() throws Exception {
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_IP_HASH_SECRET", IP_SECRET);
        env.put("CCU_KAFKA_DELIVERY_TIMEOUT_MS", "3000");
        env.put("CCU_LOG_SOURCES", "cf-main:cloudflare:123456789,fastly-main:fastly:123456789,"
                + "files:combined:123456789:zone-eu,cf-files:cloudfront:123456789");
        env.put("CCU_LOG_SOURCE_TOKENS", "cf-main=" + CF_TOKEN + ",fastly-main=" + FASTLY_TOKEN + ",files=" + FILES_TOKEN
                + ",cf-files=" + CLOUDFRONT_TOKEN);
        system = LocalSystem.start(new Env(env));
        Eventually.await(Duration.ofSeconds(30), "collector ready",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 200);
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    private static String bootstrap() {
        return system.broker().orElseThrow().bootstrapServers();
    }

    private static List<CdnRequest> requestsOf(String batchIdPrefix) {
        return TopicContents.read(bootstrap(), Topics.CDN_REQUESTS).stream().map(ConsumerRecord::value)
                .filter(r -> r.batchId().startsWith(batchIdPrefix)).toList();
    }

    private static String cloudflare(String ip, String uri, int status, String cache) {
        return "{\"EdgeStartTimestamp\":\"2026-11-30T10:15:00Z\",\"EdgeEndTimestamp\":\"2026-11-30T10:15:00.040Z\",\"ClientIP\":\"" + ip
                + "\",\"ClientRequestMethod\":\"GET\",\"ClientRequestHost\":\"cdn.example.com\",\"ClientRequestURI\":\"" + uri
                + "\",\"EdgeResponseStatus\":" + status + ",\"EdgeResponseBytes\":70500,\"ClientRequestUserAgent\":\"AppleCoreMedia/1.0\","
                + "\"EdgeColoCode\":\"CDG\",\"CacheCacheStatus\":\"" + cache + "\",\"RayID\":\"7f1a2b3c4d5e6f70\","
                + "\"RequestHeaders\":{\"range\":\"bytes=0-70499\"}}";
    }

    @Test
    @Order(1)
    void pushedBatchesLandOnceEachLineWithTheIpOnlyHashedAndARetriedBatchKeepsItsIdentities() throws Exception {
        int port = system.collectorPort();
        String body = cloudflare("203.0.113.77", "/ep/1.mp3?t=1", 206, "hit") + "\n"
                + cloudflare("2001:db8:77::1", "/ep/2.mp3", 200, "miss") + "\n"
                + "{\"EdgeStartTimestamp\":\"2026-11-30T10:15:00Z\",\"ClientIP\":\"203.0.113.78\"}\n"
                + cloudflare("203.0.113.79", "/ep/3.mp3", 200, "dynamic") + "\n";
        for (int attempt = 0; attempt < 2; attempt++) {  // Cloudflare retrying the same batch
            Http.Reply reply = Http.post(port, "/v1/logs/cf-main", CdnLogs.gzip(body), "x-ccu-log-token", CF_TOKEN,
                    "content-encoding", "gzip", "content-type", "application/json");
            assertEquals(200, reply.status(), reply.body());
            assertEquals(3, JSON.readTree(reply.body()).get("accepted").asInt());
            assertEquals(2, JSON.readTree(reply.body()).get("rejected").get(0).get("index").asInt());
        }
        String batch = "cf-main/sha256:" + CdnLogs.sha256(body.getBytes(StandardCharsets.UTF_8));
        List<CdnRequest> pushed = Eventually.await(Duration.ofSeconds(20), "both deliveries' 6 lines", () -> requestsOf(batch),
                list -> list.size() == 6);
        Map<Integer, List<CdnRequest>> byLine = pushed.stream().collect(Collectors.groupingBy(CdnRequest::line));
        assertEquals(Set.of(0, 1, 3), byLine.keySet(), "the bad line has no record; the others keep their index");
        for (List<CdnRequest> deliveries : byLine.values()) {
            assertEquals(2, deliveries.size());
            assertEquals(deliveries.get(0).path(), deliveries.get(1).path(), "a redelivered line is the same line");
        }
        CdnRequest first = byLine.get(0).get(0);
        long t = java.time.Instant.parse("2026-11-30T10:15:00Z").toEpochMilli();
        assertEquals(List.of("123456789", "cf-main", "cloudflare", "cf-main", "GET", "cdn.example.com", "/ep/1.mp3", "CDG", "HIT"),
                List.of(first.accountId(), first.source(), first.format(), first.zone(), first.method(), first.host(), first.path(),
                        first.pop(), first.cacheStatus()));
        assertEquals(List.of(t, 206L, 70500L, 0L, 70499L, 40L), List.of(first.timeMs(), (long) first.status(), first.bytes(),
                first.rangeStart(), first.rangeEnd(), first.durationMs()));
        IpHasher hasher = new IpHasher(IP_SECRET.getBytes(StandardCharsets.UTF_8));
        assertEquals(hasher.hash("203.0.113.77", t), first.ipHash());
        assertEquals(List.of("MISS", "OTHER"), List.of(byLine.get(1).get(0).cacheStatus(), byLine.get(3).get(0).cacheStatus()));

        String fastly = """
                {"timestamp":"2026-11-30T11:15:00+0100","client_ip":"198.51.100.77","method":"GET","host":"cdn.example.com","path":"/live/a.ts","status":200,"bytes":1000,"range":"(null)","user_agent":"Roku/DVP-12.0","referer":"(null)","pop":"FRA","cache_state":"HIT-CLUSTER","duration_ms":3}
                {"timestamp":"2026-11-30T11:15:01+0100","client_ip":"198.51.100.77","method":"HEAD","host":"cdn.example.com","path":"/live/b.ts","status":304,"bytes":0,"range":"bytes=0-1","user_agent":"Roku/DVP-12.0","referer":"(null)","pop":"FRA","cache_state":"MISS","duration_ms":1}
                """;
        Http.Reply fastlyReply = Http.post(port, "/v1/logs/fastly-main", fastly, "x-ccu-log-token", FASTLY_TOKEN, "x-ccu-log-batch", "f-1");
        assertEquals(204, fastlyReply.status(), fastlyReply.body());
        List<CdnRequest> fromFastly = Eventually.await(Duration.ofSeconds(20), "Fastly's 2 lines", () -> requestsOf("fastly-main/f-1"),
                list -> list.size() == 2);
        assertEquals(List.of("/live/a.ts", "/live/b.ts"), fromFastly.stream().sorted(java.util.Comparator.comparing(CdnRequest::line))
                .map(CdnRequest::path).toList());

        assertEquals(401, Http.post(port, "/v1/logs/cf-main", body, "x-ccu-log-token", FASTLY_TOKEN).status(), "another source's token");
        assertEquals(404, Http.post(port, "/v1/logs/nope", body, "x-ccu-log-token", CF_TOKEN).status());
        Http.Reply probe = Http.post(port, "/v1/logs/cf-main", CdnLogs.gzip("{\"content\":\"tests\"}"), "x-ccu-log-token", CF_TOKEN,
                "content-encoding", "gzip");
        assertEquals(204, probe.status(), "Cloudflare's test upload: " + probe.body());

        try (RejectedBeacons rejected = new RejectedBeacons(bootstrap())) {
            Eventually.await(Duration.ofSeconds(20), "the bad line and the refusals on the rejected topic", rejected::all,
                    all -> all.stream().filter(r -> r.reason().equals("bad-log-line") && r.message().contains(batch)).count() == 2
                            && all.stream().anyMatch(r -> r.reason().equals("bad-key"))
                            && all.stream().anyMatch(r -> r.reason().equals("unknown-log-source")));
        }
        assertNoRawIpOnAnyTopic(List.of("203.0.113.77", "203.0.113.78", "203.0.113.79", "2001:db8:77::1", "198.51.100.77"));
    }

    private static void assertNoRawIpOnAnyTopic(List<String> ips) throws Exception {
        int records = CdnLogs.assertNoRawIpOnAnyTopic(bootstrap(), ips);
        assertTrue(records >= 8, "read " + records + " records");
    }

    /** The importer in this JVM, in chunks of 10 lines; its exit status and what it printed. */
    private static Map.Entry<Integer, String> importLogs(String source, String token, Path state, String... args) {
        List<String> all = new ArrayList<>(List.of("--chunk-lines", "10"));
        all.addAll(List.of(args));
        return CdnLogs.importLogs(system.collectorPort(), source, token, state, all.toArray(String[]::new));
    }

    /** Each request line of the file by its identity: the file, and its number among the file's request lines. */
    private static Map<String, String> identities(String fingerprint, List<String> fileLines) {
        Map<String, String> expected = new LinkedHashMap<>();
        int number = 0;
        for (String line : fileLines) {
            if (!line.startsWith("#")) {
                expected.put(fingerprint + "#" + number++, line);
            }
        }
        return expected;
    }

    private static Map<String, String> identitiesOnTopic(String source, String fingerprint, java.util.function.Function<CdnRequest, String> what,
                                                         int records) {
        List<CdnRequest> onTopic = Eventually.await(Duration.ofSeconds(20), records + " records of " + fingerprint,
                () -> requestsOf(source + "/" + fingerprint), list -> list.size() == records);
        Map<String, String> byIdentity = new LinkedHashMap<>();
        for (CdnRequest request : onTopic) {
            String identity = request.batchId().substring(source.length() + 1) + "#" + request.line();
            String earlier = byIdentity.put(identity, what.apply(request));
            assertTrue(earlier == null || earlier.equals(what.apply(request)), "a resent line is the same line: " + identity);
        }
        return byIdentity;
    }

    @Test
    @Order(2)
    void importedFilesInterruptedAndResumedGiveEachLineOnce() throws Exception {
        Path state = logs.resolve("state.json");
        List<String> combined = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            combined.add("203.0.113." + (100 + i) + " - - [30/Nov/2026:10:" + (10 + i) + ":00 +0000] \"GET /ep/" + i
                    + ".mp3 HTTP/1.1\" 206 70000 \"-\" \"Podcasts/1.0\" \"HIT\" \"bytes=0-69999\" 0.012 cdn.example.com");
        }
        Path access = Files.write(logs.resolve("access.log"), combined);
        Map.Entry<Integer, String> interrupted = importLogs("files", FILES_TOKEN, state, "--format", "combined", "--max-chunks", "1",
                access.toString());
        assertEquals(1, interrupted.getKey(), interrupted.getValue());
        Map.Entry<Integer, String> resumed = importLogs("files", FILES_TOKEN, state, access.toString());
        assertEquals(0, resumed.getKey(), resumed.getValue());
        assertTrue(resumed.getValue().contains("1 chunks of 10 lines were acknowledged before, skipping them"), resumed.getValue());
        Map.Entry<Integer, String> again = importLogs("files", FILES_TOKEN, state, access.toString());
        assertTrue(again.getValue().contains("already imported (3 chunks), skipped"), again.getValue());
        String accessPrint = CdnLogs.fingerprint(access);
        Map<String, String> expected = identities(accessPrint, combined);
        Map<String, String> imported = identitiesOnTopic("files", accessPrint, CdnRequest::path, 25);
        assertEquals(expected.keySet(), imported.keySet());
        expected.forEach((identity, line) -> assertTrue(line.contains("GET " + imported.get(identity) + " "), identity + ": " + line));

        // CloudFront: gzip, the #Fields: line only at the top; the state loses an acknowledged chunk, which is sent again
        List<String> cloudfront = new ArrayList<>(List.of("#Version: 1.0",
                "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent)"
                        + " cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken"
                        + " sc-range-start sc-range-end"));
        for (int i = 0; i < 23; i++) {
            cloudfront.add(String.join("\t", "2026-11-30", "10:15:" + (10 + i), "CDG50-C1", "70512", "2001:db8:5::" + (i + 1), "GET",
                    "d111111abcdef8.cloudfront.net", "/cf/" + i + ".mp3", "206", "-", "AppleCoreMedia/1.0%20(iPhone)", "-", "-",
                    i % 2 == 0 ? "Hit" : "Miss", "id" + i, "audio.example.com", "https", "180", "0.004", "0", "69999"));
        }
        Path log = logs.resolve("E2ABCDEF.2026-11-30-10.1a2b3c4d.gz");
        try (var out = new GZIPOutputStream(Files.newOutputStream(log))) {
            out.write((String.join("\n", cloudfront) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Map.Entry<Integer, String> partly = importLogs("cf-files", CLOUDFRONT_TOKEN, state, "--format", "cloudfront", "--max-chunks", "2",
                log.toString());
        assertEquals(1, partly.getKey(), partly.getValue());
        String logPrint = CdnLogs.fingerprint(log);
        ObjectNode document = (ObjectNode) JSON.readTree(state.toFile());
        ArrayNode acknowledged = (ArrayNode) document.get("files").get(logPrint).get("acknowledged");
        assertEquals("[0,1]", acknowledged.toString());
        acknowledged.remove(1);  // as if the importer died after the collector acknowledged chunk 1, before it wrote so
        JSON.writeValue(state.toFile(), document);
        Map.Entry<Integer, String> finished = importLogs("cf-files", CLOUDFRONT_TOKEN, state, log.toString());
        assertEquals(0, finished.getKey(), finished.getValue());
        assertTrue(finished.getValue().contains("2 chunks sent: 15 lines accepted, 0 rejected"), finished.getValue());
        // chunk 1's 10 lines are on the topic twice, with the same identities
        Map<String, String> fromCloudFront = identitiesOnTopic("cf-files", logPrint, CdnRequest::path, 23 + 10);
        Map<String, String> expectedCloudFront = identities(logPrint, cloudfront);
        assertEquals(expectedCloudFront.keySet(), fromCloudFront.keySet());
        expectedCloudFront.forEach((identity, line) -> assertTrue(line.contains("\t" + fromCloudFront.get(identity) + "\t"), identity));
    }

    @Test
    @Order(3)
    void kafkaDownIsA503AndTheImporterStopsThenResumesOnceItIsBack() throws Exception {
        Path state = logs.resolve("outage-state.json");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("198.51.100." + (10 + i) + " - - [30/Nov/2026:11:00:00 +0000] \"GET /o/" + i + " HTTP/1.1\" 200 5 \"-\" \"curl/8\"");
        }
        Path file = Files.write(logs.resolve("outage.log"), lines);

        system.broker().orElseThrow().stop();
        Http.Reply refused = Eventually.await(Duration.ofSeconds(30), "a 503 while Kafka is down",
                () -> Http.post(system.collectorPort(), "/v1/logs/files", lines.get(0), "x-ccu-log-token", FILES_TOKEN),
                reply -> reply.status() == 503);
        assertNotNull(refused.header("retry-after"), "503 says when to retry");
        Map.Entry<Integer, String> stopped = importLogs("files", FILES_TOKEN, state, "--retries", "1", file.toString());
        assertEquals(1, stopped.getKey(), stopped.getValue());
        assertTrue(stopped.getValue().contains("503") && stopped.getValue().contains("rerun the same command to resume"),
                stopped.getValue());

        system.broker().orElseThrow().start();
        Eventually.await(Duration.ofSeconds(30), "collector ready again",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 200);
        Map.Entry<Integer, String> resumed = importLogs("files", FILES_TOKEN, state, file.toString());
        assertEquals(0, resumed.getKey(), resumed.getValue());
        String print = CdnLogs.fingerprint(file);
        Map<String, String> onTopic = identitiesOnTopic("files", print, CdnRequest::path, 12);
        assertEquals(identities(print, lines).keySet(), onTopic.keySet());
    }

}
