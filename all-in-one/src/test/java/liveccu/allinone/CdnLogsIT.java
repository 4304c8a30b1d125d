package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import liveccu.model.CdnRequest;
import liveccu.model.CdnTraffic;
import liveccu.model.Topics;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDN log feature end to end: Cloudflare and Fastly batches pushed over HTTP, combined and CloudFront files
 * imported with {@code ./liveccu logs import}, through the collector, a real broker and the real aggregator (with a
 * content catalogue) into {@code GET /cdn}: exact figures per minute and hour, per PoP, zone, host and content, as
 * JSON and CSV; a retried batch, a resumed import, a file imported again, once more with a fresh state file and once
 * more cut into other chunks each count once; no raw client IP on any topic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CdnLogsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long M = CdnTraffic.MINUTE_MS;
    private static final long H = CdnTraffic.HOUR_MS;
    private static final int PARTITIONS = 4;   // CCU_TOPIC_PARTITIONS of Viewers.testEnv
    private static final int CHUNK_LINES = 2;   // the combined file's chunks: 3 of its 5 lines
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "cdn-logs";
    private static final String MEDIA = "media.example.com";
    private static final String WWW = "www.example.com";
    private static final String LIVE = "live.example.com";
    private static final Map<String, String> TOKENS = Map.of("cf-push", "cf-push-token-0123456789",
            "fastly-push", "fastly-push-token-0123456789", "nginx-files", "nginx-files-token-0123456789",
            "cloudfront-files", "cloudfront-files-token-0123456789");
    private static final String CLOUDFRONT_FIELDS = "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host)"
            + " cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id"
            + " x-host-header cs-protocol cs-bytes time-taken sc-range-start sc-range-end";
    private static final DateTimeFormatter FASTLY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ")
            .withZone(ZoneOffset.ofHours(1));
    private static final DateTimeFormatter COMMON_LOG_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.ofHours(2));
    private static final DateTimeFormatter CLOUDFRONT_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOUDFRONT_TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    // The figures of the first deliveries, worked out by hand from the lines of startSystem
    private static final String MINUTE_0 = """
            "requests":12,"bytes":796350,"hits":5,"misses":3,"other":4,"hit_ratio":0.625,
            "errors":0,"status_1xx":1,"status_2xx":8,"status_3xx":1,"status_4xx":2,"status_5xx":0""";
    private static final String MINUTE_1 = """
            "requests":6,"bytes":166050,"hits":2,"misses":3,"other":1,"hit_ratio":0.4,
            "errors":3,"status_1xx":0,"status_2xx":3,"status_3xx":0,"status_4xx":0,"status_5xx":3""";

    @TempDir
    static Path dataDir;
    @TempDir
    static Path logs;
    static LocalSystem system;
    /** Two minutes of lines, then one of witnesses, in one UTC hour a few minutes ago. */
    static long m0;
    static long m1;
    static long mw;
    static long hour;
    static List<Request> cloudflare;
    static List<Request> fastly;
    static List<Request> combined;
    static List<Request> cloudFront;
    static String cloudflareBody;
    static Path combinedFile;

    /**
     * One request as a CDN served it; each format's method below writes it as that CDN logs it, the cache status in
     * the CDN's words.
     *
     * @param pop   null for nginx, whose log has none
     * @param range the requested bytes, {@code first-last}, or null
     */
    private record Request(String ip, long timeMs, String host, String pop, String path, int status, long bytes, String cache,
                           String range) {

        /** The same traffic (zone: its source; host, PoP, content: its path) at another time: 1 byte, 200, not cached. */
        Request witness(long atMs, String notCached) {
            return new Request(ip, atMs, host, pop, path, 200, 1, notCached, null);
        }
    }

    @BeforeAll
    static void startSystem() throws Exception {
        Path catalogue = Files.writeString(dataDir.resolve("catalogue.csv"), """
                content_id,path_pattern,bitrate_kbps,type
                ep42,/podcasts/ep42*.mp3,128,vod
                radio1,/live/radio1/*,96,live
                """);
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_IP_HASH_SECRET", "cdn-logs-it-secret-of-enough-bytes");
        env.put("CCU_CONTENT_CATALOGUE", catalogue.toString());
        // two zones, each pushed by one CDN and fed with files from another
        env.put("CCU_LOG_SOURCES", "cf-push:cloudflare:" + ACCOUNT + ":vod,fastly-push:fastly:" + ACCOUNT + ":live,"
                + "nginx-files:combined:" + ACCOUNT + ":vod,cloudfront-files:cloudfront:" + ACCOUNT + ":live");
        env.put("CCU_LOG_SOURCE_TOKENS", TOKENS.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",")));
        system = LocalSystem.start(new Env(env));
        Eventually.await(Duration.ofSeconds(30), "collector ready",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 200);

        long now = System.currentTimeMillis();
        long first = (now - 5 * M) / M * M;
        m0 = first - Math.max(0, first % H - (H - 3 * M));   // its two next minutes in the same hour
        m1 = m0 + M;
        mw = m0 + 2 * M;
        hour = m0 / H * H;
        cloudflare = List.of(
                new Request("203.0.113.10", m0 + 1_000, MEDIA, "CDG", "/podcasts/ep42.mp3?t=1", 206, 70_000, "hit", "0-69999"),
                new Request("2001:db8:10::1", m0 + 2_000, MEDIA, "CDG", "/podcasts/ep42.mp3", 200, 500_000, "miss", null),
                new Request("203.0.113.11", m0 + 3_000, MEDIA, "CDG", "/img/logo.png", 304, 0, "dynamic", null),
                new Request("203.0.113.12", m1 + 1_000, MEDIA, "CDG", "/podcasts/ep42.mp3", 503, 20, "miss", null));
        fastly = List.of(
                new Request("192.0.2.30", m0 + 20_000, LIVE, "FRA", "/live/radio1/seg1.aac", 200, 48_000, "HIT-CLUSTER", null),
                new Request("192.0.2.31", m0 + 21_000, LIVE, "FRA", "/live/radio1/seg2.aac", 200, 48_000, "MISS", null),
                new Request("192.0.2.32", m0 + 22_000, LIVE, "FRA", "/live/chat", 101, 0, "PASS", null),
                new Request("192.0.2.30", m1 + 4_000, LIVE, "FRA", "/live/radio1/seg3.aac", 200, 48_000, "HIT", null));
        combined = List.of(
                new Request("198.51.100.20", m0 + 10_000, MEDIA, null, "/podcasts/ep42.mp3", 206, 80_000, "HIT", "0-79999"),
                new Request("198.51.100.21", m0 + 11_000, MEDIA, null, "/podcasts/nope.mp3", 404, 150, "MISS", null),
                new Request("198.51.100.22", m0 + 12_000, WWW, null, "/index.html", 200, 1_000, "BYPASS", null),
                new Request("198.51.100.23", m1 + 2_000, MEDIA, null, "/podcasts/ep42.mp3", 500, 30, "EXPIRED", null),
                new Request("198.51.100.20", m1 + 3_000, MEDIA, null, "/podcasts/ep42.mp3", 206, 70_000, "STALE", "70000-139999"));
        cloudFront = List.of(
                new Request("2001:db8:40::1", m0 + 30_000, LIVE, "FRA56-P1", "/live/radio1/seg1.aac", 200, 48_000, "Hit", null),
                new Request("2001:db8:40::2", m0 + 31_000, LIVE, "FRA56-P1", "/live/radio1/index.m3u8", 200, 900, "RefreshHit", null),
                new Request("2001:db8:40::3", m0 + 32_000, LIVE, "FRA56-P1", "/live/other.aac", 403, 300, "Error", null),
                new Request("2001:db8:40::4", m1 + 5_000, LIVE, "FRA56-P1", "/live/radio1/seg2.aac", 502, 0, "Error", null),
                new Request("2001:db8:40::1", m1 + 6_000, LIVE, "FRA56-P1", "/live/radio1/seg3.aac", 206, 48_000, "Miss", "0-47999"));
        // line 2 lacks most fields: rejected, and the lines after it keep their index
        cloudflareBody = Stream.of(cloudflareLine(cloudflare.get(0)), cloudflareLine(cloudflare.get(1)),
                        "{\"EdgeStartTimestamp\":\"" + Instant.ofEpochMilli(m0 + 4_000) + "\",\"ClientIP\":\"203.0.113.13\"}",
                        cloudflareLine(cloudflare.get(2)), cloudflareLine(cloudflare.get(3)))
                .collect(Collectors.joining("\n", "", "\n"));
        combinedFile = Files.write(logs.resolve("access.log"), combined.stream().map(CdnLogsIT::combinedLine).toList());
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    @Test
    @Order(1)
    void pushedAndImportedLogsGiveExactFiguresPerMinuteHourPopZoneHostAndContent() throws Exception {
        pushCloudflareBatch();
        Http.Reply fastlyReply = Http.post(system.collectorPort(), "/v1/logs/fastly-push",
                fastly.stream().map(CdnLogsIT::fastlyLine).collect(Collectors.joining("\n")), "x-ccu-log-token", TOKENS.get("fastly-push"));
        assertEquals(204, fastlyReply.status(), fastlyReply.body());

        // the combined file: stopped after its first chunk, then resumed
        Path state = logs.resolve("state.json");
        Map.Entry<Integer, String> stopped = importLogs("nginx-files", state, "--format", "combined",
                "--chunk-lines", String.valueOf(CHUNK_LINES), "--max-chunks", "1", combinedFile.toString());
        assertEquals(1, stopped.getKey(), stopped.getValue());
        assertTrue(stopped.getValue().contains("stopped after 1 chunks (--max-chunks)"), stopped.getValue());
        Map.Entry<Integer, String> resumed = importLogs("nginx-files", state, combinedFile.toString());
        assertEquals(0, resumed.getKey(), resumed.getValue());
        assertTrue(resumed.getValue().contains("1 chunks of 2 lines were acknowledged before, skipping them")
                && resumed.getValue().contains("2 chunks sent: 3 lines accepted, 0 rejected"), resumed.getValue());

        // CloudFront: gzip, its #Fields: line only at the top of the file
        Path cloudFrontFile = logs.resolve("E2ABCDEF.2026-11-30-10.1a2b3c4d.gz");
        try (var out = new GZIPOutputStream(Files.newOutputStream(cloudFrontFile))) {
            out.write(Stream.concat(Stream.of("#Version: 1.0", CLOUDFRONT_FIELDS), cloudFront.stream().map(CdnLogsIT::cloudFrontLine))
                    .collect(Collectors.joining("\n", "", "\n")).getBytes(StandardCharsets.UTF_8));
        }
        Map.Entry<Integer, String> imported = importLogs("cloudfront-files", state, "--format", "cloudfront", "--chunk-lines", "3",
                cloudFrontFile.toString());
        assertEquals(0, imported.getKey(), imported.getValue());
        assertTrue(imported.getValue().contains("3 chunks sent: 5 lines accepted, 0 rejected"), imported.getValue());

        String theHour = range(hour, hour + H);
        ApiAnswers.await(system.apiPort(), theHour + "&interval=minute", "[{\"time\":\"%s\",%s},{\"time\":\"%s\",%s}]"
                .formatted(ApiAnswers.iso(m0), MINUTE_0, ApiAnswers.iso(m1), MINUTE_1));
        ApiAnswers.await(system.apiPort(), theHour + "&interval=hour", """
                [{"time":"%s","requests":18,"bytes":962400,"hits":7,"misses":6,"other":5,"hit_ratio":0.5385,
                  "errors":3,"status_1xx":1,"status_2xx":11,"status_3xx":1,"status_4xx":2,"status_5xx":3}]""".formatted(ApiAnswers.iso(hour)));
        // nginx logs no PoP; CloudFront's edge location is its own PoP
        ApiAnswers.await(system.apiPort(), theHour + "&interval=hour&group_by=pop", """
                [{"time":"%1$s","pop":null,"requests":5,"bytes":151180,"hits":2,"misses":2,"other":1,"hit_ratio":0.5,
                  "errors":1,"status_1xx":0,"status_2xx":3,"status_3xx":0,"status_4xx":1,"status_5xx":1},
                 {"time":"%1$s","pop":"CDG","requests":4,"bytes":570020,"hits":1,"misses":2,"other":1,"hit_ratio":0.3333,
                  "errors":1,"status_1xx":0,"status_2xx":2,"status_3xx":1,"status_4xx":0,"status_5xx":1},
                 {"time":"%1$s","pop":"FRA","requests":4,"bytes":144000,"hits":2,"misses":1,"other":1,"hit_ratio":0.6667,
                  "errors":0,"status_1xx":1,"status_2xx":3,"status_3xx":0,"status_4xx":0,"status_5xx":0},
                 {"time":"%1$s","pop":"FRA56-P1","requests":5,"bytes":97200,"hits":2,"misses":1,"other":2,"hit_ratio":0.6667,
                  "errors":1,"status_1xx":0,"status_2xx":3,"status_3xx":0,"status_4xx":1,"status_5xx":1}]""".formatted(ApiAnswers.iso(hour)));
        ApiAnswers.await(system.apiPort(), theHour + "&interval=minute&zone=live", """
                [{"time":"%s","requests":6,"bytes":145200,"hits":3,"misses":1,"other":2,"hit_ratio":0.75,
                  "errors":0,"status_1xx":1,"status_2xx":4,"status_3xx":0,"status_4xx":1,"status_5xx":0},
                 {"time":"%s","requests":3,"bytes":96000,"hits":1,"misses":1,"other":1,"hit_ratio":0.5,
                  "errors":1,"status_1xx":0,"status_2xx":2,"status_3xx":0,"status_4xx":0,"status_5xx":1}]""".formatted(ApiAnswers.iso(m0), ApiAnswers.iso(m1)));
        // the query string does not stop /podcasts/ep42.mp3?t=1 being ep42
        ApiAnswers.await(system.apiPort(), theHour + "&interval=hour&contentid=ep42", """
                [{"time":"%s","requests":6,"bytes":720050,"hits":3,"misses":3,"other":0,"hit_ratio":0.5,
                  "errors":2,"status_1xx":0,"status_2xx":4,"status_3xx":0,"status_4xx":0,"status_5xx":2}]""".formatted(ApiAnswers.iso(hour)));
        String csvQuery = theHour + "&interval=hour&group_by=host&format=csv";
        String csv = """
                time,host,requests,bytes,hits,misses,other,hit_ratio,errors,status_1xx,status_2xx,status_3xx,status_4xx,status_5xx
                %1$s,live.example.com,9,241200,4,2,3,0.6667,1,1,6,0,1,1
                %1$s,media.example.com,8,720200,3,4,1,0.4286,2,0,4,1,1,2
                %1$s,www.example.com,1,1000,0,0,1,,0,0,1,0,0,0
                """.formatted(ApiAnswers.iso(hour));
        Http.Reply reply = Eventually.await(WAIT, csvQuery + " = " + csv, () -> get(csvQuery), r -> r.body().equals(csv));
        assertEquals("text/csv; charset=utf-8", reply.header("content-type"));
    }

    @Test
    @Order(2)
    void aRetriedBatchAndAFileImportedAgainHoweverCutCountOnce() throws Exception {
        pushCloudflareBatch();   // the same body again, as Cloudflare retries a batch whose answer it did not get
        Path state = logs.resolve("state.json");
        Map.Entry<Integer, String> again = importLogs("nginx-files", state, combinedFile.toString());
        assertEquals(0, again.getKey(), again.getValue());
        assertTrue(again.getValue().contains("already imported (3 chunks), skipped"), again.getValue());
        Map.Entry<Integer, String> fresh = importLogs("nginx-files", logs.resolve("fresh-state.json"), "--chunk-lines",
                String.valueOf(CHUNK_LINES), combinedFile.toString());
        assertEquals(0, fresh.getKey(), fresh.getValue());
        assertTrue(fresh.getValue().contains("3 chunks sent: 5 lines accepted, 0 rejected"), fresh.getValue());
        // cut otherwise, the file's lines keep their identities (the file and their numbers in it)
        Map.Entry<Integer, String> recut = importLogs("nginx-files", logs.resolve("recut-state.json"), "--chunk-lines",
                String.valueOf(CHUNK_LINES + 1), combinedFile.toString());
        assertEquals(0, recut.getKey(), recut.getValue());
        assertTrue(recut.getValue().contains("2 chunks sent: 5 lines accepted, 0 rejected"), recut.getValue());

        // Each redelivered line is followed, on its partition (its Kafka key: batch id # block of 1,024 lines), by a
        // witness: a line of the same traffic (zone, host, PoP, content). The aggregator reads a partition in order and
        // sums a traffic on one partition of its own, so once the hour holds every witness it holds whatever the
        // redeliveries added.
        String cloudflareKey = "cf-push/sha256:" + CdnLogs.sha256(cloudflareBody.getBytes(StandardCharsets.UTF_8)) + "#0";
        String fileKey = "nginx-files/" + CdnLogs.fingerprint(combinedFile) + "#0";
        Map<String, String> witnessOf = new HashMap<>();
        List<Request> witnesses = new ArrayList<>();
        witnessOf.put(cloudflareKey, pushWitnesses("cf-push", cloudflareKey, cloudflare, "dynamic", CdnLogsIT::cloudflareLine,
                witnesses));
        witnessOf.put(fileKey, pushWitnesses("nginx-files", fileKey, combined, "-", CdnLogsIT::combinedLine, witnesses));
        Map<String, List<ConsumerRecord<String, CdnRequest>>> byKey = Eventually.await(WAIT,
                "both deliveries of the batch's 4 requests, the 3 imports of the file's 5 lines and the witnesses on the topic",
                () -> TopicContents.read(bootstrap(), Topics.CDN_REQUESTS).stream().collect(Collectors.groupingBy(ConsumerRecord::key)),
                all -> records(all, List.of(cloudflareKey)) == 8 && records(all, List.of(fileKey)) == 15
                        && records(all, witnessOf.values()) == witnesses.size());
        witnessOf.forEach((key, witness) -> assertEquals(partitions(byKey.get(key)), partitions(byKey.get(witness)),
                "the witnesses of " + key + " on its partition"));

        // the first deliveries' hour and the 9 witnesses (1 byte, 200, not cached): nothing more
        String theHour = range(hour, hour + H);
        ApiAnswers.await(system.apiPort(), theHour + "&interval=hour", """
                [{"time":"%s","requests":27,"bytes":962409,"hits":7,"misses":6,"other":14,"hit_ratio":0.5385,
                  "errors":3,"status_1xx":1,"status_2xx":20,"status_3xx":1,"status_4xx":2,"status_5xx":3}]""".formatted(ApiAnswers.iso(hour)));
        // the first two minutes as they were; the witnesses' minute
        ApiAnswers.await(system.apiPort(), theHour + "&interval=minute", """
                [{"time":"%s",%s},{"time":"%s",%s},
                 {"time":"%s","requests":9,"bytes":9,"hits":0,"misses":0,"other":9,"hit_ratio":null,
                  "errors":0,"status_1xx":0,"status_2xx":9,"status_3xx":0,"status_4xx":0,"status_5xx":0}]"""
                .formatted(ApiAnswers.iso(m0), MINUTE_0, ApiAnswers.iso(m1), MINUTE_1, ApiAnswers.iso(mw)));

        List<String> ips = Stream.of(cloudflare, fastly, combined, cloudFront).flatMap(List::stream).map(Request::ip)
                .collect(Collectors.toCollection(ArrayList::new));
        ips.add("203.0.113.13");   // the rejected line's
        int records = CdnLogs.assertNoRawIpOnAnyTopic(bootstrap(), ips);
        assertTrue(records >= 41, "read " + records + " records, fewer than ccu.cdn-requests holds");
    }

    private static void pushCloudflareBatch() throws IOException {
        Http.Reply reply = Http.post(system.collectorPort(), "/v1/logs/cf-push", CdnLogs.gzip(cloudflareBody),
                "x-ccu-log-token", TOKENS.get("cf-push"), "content-encoding", "gzip", "content-type", "application/json");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(ApiAnswers.tree("""
                {"accepted":4,"rejected_count":1,"rejected":[{"index":2,"reason":"bad-log-line",
                 "message":"ClientRequestMethod must be an HTTP method (is the field in the Logpush job's list?)"}]}"""),
                ApiAnswers.tree(reply.body()));
    }

    /**
     * Pushes a witness of each line to the source, as a batch named to land on the partition of {@code key}, in the
     * minute of the witnesses; adds them to {@code witnesses}. Returns the witnesses' Kafka key (their batch's block 0).
     */
    private static String pushWitnesses(String source, String key, List<Request> lines, String notCached,
                                        Function<Request, String> format, List<Request> witnesses) {
        String prefix = "witness-" + witnesses.size() + "-";
        int n = 0;
        while (partitionOf(source + "/" + prefix + n + "#0") != partitionOf(key)) {
            n++;
        }
        String given = prefix + n;
        List<Request> these = new ArrayList<>();
        for (Request line : lines) {
            these.add(line.witness(mw + (witnesses.size() + these.size()) * 1_000L, notCached));
        }
        witnesses.addAll(these);
        Http.Reply reply = Http.post(system.collectorPort(), "/v1/logs/" + source,
                these.stream().map(format).collect(Collectors.joining("\n")), "x-ccu-log-token", TOKENS.get(source),
                "x-ccu-log-batch", given);
        assertEquals(204, reply.status(), reply.body());
        return source + "/" + given + "#0";
    }

    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static int records(Map<String, List<ConsumerRecord<String, CdnRequest>>> byKey, Collection<String> keys) {
        return keys.stream().mapToInt(key -> byKey.getOrDefault(key, List.of()).size()).sum();
    }

    private static Set<Integer> partitions(List<ConsumerRecord<String, CdnRequest>> records) {
        return records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet());
    }

    private static String cloudflareLine(Request r) {
        ObjectNode line = JSON.createObjectNode().put("EdgeStartTimestamp", ApiAnswers.iso(r.timeMs()))
                .put("EdgeEndTimestamp", ApiAnswers.iso(r.timeMs() + 40)).put("ClientIP", r.ip()).put("ClientRequestMethod", "GET")
                .put("ClientRequestHost", r.host()).put("ClientRequestURI", r.path()).put("EdgeResponseStatus", r.status())
                .put("EdgeResponseBytes", r.bytes()).put("ClientRequestUserAgent", "AppleCoreMedia/1.0")
                .put("EdgeColoCode", r.pop()).put("CacheCacheStatus", r.cache()).put("RayID", "7f1a2b3c4d5e6f70");
        if (r.range() != null) {
            line.putObject("RequestHeaders").put("range", "bytes=" + r.range());
        }
        return line.toString();
    }

    /** The Fastly log format of docs/cdn-logs.md; its time with {@code %z}'s offset. */
    private static String fastlyLine(Request r) {
        return JSON.createObjectNode().put("timestamp", FASTLY_TIME.format(Instant.ofEpochMilli(r.timeMs())))
                .put("client_ip", r.ip()).put("method", "GET").put("host", r.host()).put("path", r.path()).put("status", r.status())
                .put("bytes", r.bytes()).put("range", r.range() == null ? "(null)" : "bytes=" + r.range())
                .put("user_agent", "Roku/DVP-12.0").put("referer", "(null)").put("pop", r.pop()).put("cache_state", r.cache())
                .put("duration_ms", 3).toString();
    }

    /** Combined, then docs/cdn-logs.md's cache status, range, request time and host. */
    private static String combinedLine(Request r) {
        return r.ip() + " - - [" + COMMON_LOG_TIME.format(Instant.ofEpochMilli(r.timeMs())) + "] \"GET " + r.path() + " HTTP/1.1\" "
                + r.status() + " " + r.bytes() + " \"-\" \"Podcasts/1.0\" \"" + r.cache() + "\" \""
                + (r.range() == null ? "-" : "bytes=" + r.range()) + "\" 0.012 " + r.host();
    }

    private static String cloudFrontLine(Request r) {
        Instant time = Instant.ofEpochMilli(r.timeMs());
        String[] range = r.range() == null ? new String[] {"-", "-"} : r.range().split("-");
        return String.join("\t", CLOUDFRONT_DATE.format(time), CLOUDFRONT_TIME.format(time), r.pop(), String.valueOf(r.bytes()),
                r.ip(), "GET", "d111111abcdef8.cloudfront.net", r.path(), String.valueOf(r.status()), "-",
                "AppleCoreMedia/1.0%20(iPhone)", "-", "-", r.cache(), "req-" + r.timeMs(), r.host(), "https", "180", "0.004",
                range[0], range[1]);
    }

    private static Map.Entry<Integer, String> importLogs(String source, Path state, String... args) {
        return CdnLogs.importLogs(system.collectorPort(), source, TOKENS.get(source), state, args);
    }

    private static String bootstrap() {
        return system.broker().orElseThrow().bootstrapServers();
    }

    private static String range(long fromMs, long toMs) {
        return "/cdn?accountid=" + ACCOUNT + "&from=" + fromMs / 1000 + "&to=" + toMs / 1000;
    }

    private static Http.Reply get(String query) {
        return Http.get(system.apiPort(), query, "x-api-key", Viewers.API_KEY);
    }
}
