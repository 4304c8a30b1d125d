package liveccu.allinone;

import static liveccu.allinone.Viewers.minute;
import static liveccu.allinone.Viewers.minuteAgo;
import static liveccu.allinone.Viewers.randomHex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import liveccu.model.RejectedBeacon;
import liveccu.model.Side;
import liveccu.model.Topics;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real path: HTTP beacons in, a real KRaft broker, Kafka Streams, and the query API out. */
class CorePipelineIT {

    private static final String SEED_GUID = "242bbf588a574e018de94136a664cfaf";
    private static final String SEED_JOB = "142bbf588a574e018de94136a664cfaf";
    private static final String SEED_SESSION = "142bbf588a574e018de94136a664cfbc";

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static Viewers viewers;

    @BeforeAll
    static void startSystem() throws Exception {
        system = LocalSystem.start(new Env(Viewers.testEnv(dataDir)));
        viewers = new Viewers(system);
        Eventually.await(Duration.ofSeconds(30), "collector ready",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 200);
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    @Test
    void acceptsTheSeedExampleUrlsWithAnEmpty200() {
        for (String side : List.of("heartbeat", "csheartbeat")) {
            Http.Reply reply = Http.get(system.collectorPort(),
                    "/" + SEED_GUID + "/" + SEED_JOB + "/" + SEED_SESSION + "/123456789/1534640088/" + side);
            assertEquals(200, reply.status(), reply.body());
            assertEquals("", reply.body());
            assertEquals("no-store", reply.header("cache-control"));
        }
    }

    @Test
    void countsDistinctSessionsExactlyPerSideAndMinute() {
        String job = randomHex32();
        String s1 = randomHex32();
        String s2 = randomHex32();
        String s3 = randomHex32();
        long m = minuteAgo(5);

        // server side: s1 three times (as seconds, with a fraction, in ms), s2 and s3 once
        assertEquals(200, Http.get(system.collectorPort(), Viewers.beaconPath(job, s1, Side.SS, (m + 1) + "")).status());
        assertEquals(200, Http.get(system.collectorPort(), Viewers.beaconPath(job, s1, Side.SS, (m + 11) + ".25")).status());
        assertEquals(200, Http.get(system.collectorPort(), Viewers.beaconPath(job, s1, Side.SS, (m + 21) + "500")).status());
        assertEquals(200, viewers.beacon(job, s2, Side.SS, m + 30).status());
        assertEquals(200, viewers.beacon(job, s3, Side.SS, m + 59).status());
        // client side: two of the three players report
        assertEquals(200, viewers.beacon(job, s1, Side.CS, m + 5).status());
        assertEquals(200, viewers.beacon(job, s2, Side.CS, m + 35).status());
        // the next minute: s1 only, on both sides; the job id as a dashed UUID is the same job
        String dashedJob = job.substring(0, 8) + "-" + job.substring(8, 12) + "-" + job.substring(12, 16) + "-"
                + job.substring(16, 20) + "-" + job.substring(20);
        assertEquals(200, viewers.beacon(dashedJob.toUpperCase(), s1, Side.SS, m + 60).status());
        assertEquals(200, viewers.beacon(job, s1, Side.CS, m + 90).status());

        viewers.awaitCounts(job, m - 60, m + 180, List.of(minute(m + 60, 1, 1), minute(m, 3, 2)));
    }

    @Test
    void anHoursAndADaysPeakIsTheirBusiestMinuteOnEachSide() {
        String job = randomHex32();
        long first = minuteAgo(4);
        if ((first + 60) % 3600 == 0) {
            first -= 60;  // both minutes in one hour
        }
        long second = first + 60;
        String[] sessions = {randomHex32(), randomHex32(), randomHex32()};
        for (int i = 0; i < 3; i++) {
            assertEquals(200, viewers.beacon(job, sessions[i], Side.SS, first + 10 + i).status());
        }
        assertEquals(200, viewers.beacon(job, sessions[0], Side.CS, first + 20).status());
        for (int i = 0; i < 2; i++) {
            assertEquals(200, viewers.beacon(job, sessions[i], Side.SS, second + 10).status());
            assertEquals(200, viewers.beacon(job, sessions[i], Side.CS, second + 20).status());
        }
        viewers.awaitCounts(job, first, second + 60, List.of(minute(second, 2, 2), minute(first, 3, 1)));

        long hour = first / 3600 * 3600;
        for (String interval : List.of("hour", "day")) {
            Http.Reply reply = Http.get(system.apiPort(), "/ccu?jobid=" + job + "&interval=" + interval + "&in=" + first
                    + "&out=" + (second + 60), "x-api-key", Viewers.API_KEY);
            assertEquals(200, reply.status(), reply.body());
            long start = interval.equals("hour") ? hour : first / 86_400 * 86_400;
            assertEquals(List.of(Map.of("jobid", job, "accountid", Viewers.ACCOUNT, "time", iso(start), "interval", interval,
                            "peak_ssccu", 3, "peak_ssccu_at", iso(first), "peak_csccu", 2, "peak_csccu_at", iso(second))),
                    Viewers.parse(reply.body()), "the " + interval + " starting before in, whole");
        }
    }

    private static String iso(long epochSeconds) {
        return java.time.Instant.ofEpochSecond(epochSeconds).toString().replace("Z", ".000Z");
    }

    @Test
    void theCurrentMinuteShowsWithinSecondsAndCarriesTheReceiveTime() {
        String job = randomHex32();
        long now = System.currentTimeMillis() / 1000;
        long before = System.currentTimeMillis();
        assertEquals(200, viewers.beacon(job, randomHex32(), Side.SS, now).status());

        List<Map<String, Object>> minutes = Eventually.await(Duration.ofSeconds(10), "the open minute",
                () -> viewers.ccu(job, now - 120, now + 120), list -> !list.isEmpty());
        assertEquals(1, ((Number) minutes.get(0).get("ssccu")).longValue());
        long lastRx = java.time.Instant.parse((String) minutes.get(0).get("last_rx_at")).toEpochMilli();
        assertTrue(lastRx >= before && lastRx <= System.currentTimeMillis(), "last_rx_at is the collector's receive time");
    }

    @Test
    void duplicatesAndRetriesNeverInflateACount() {
        String job = randomHex32();
        String session = randomHex32();
        long m = minuteAgo(3);
        String path = Viewers.beaconPath(job, session, Side.SS, Long.toString(m + 10));
        for (int i = 0; i < 5; i++) {
            assertEquals(200, Http.get(system.collectorPort(), path).status(), "the same beacon retried");
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(200, viewers.beacon(job, session, Side.SS, m + 10 + i).status(), "the session again");
        }
        String marker = randomHex32();
        assertEquals(200, viewers.beacon(job, marker, Side.CS, m + 20).status());

        // once the marker is counted, everything sent before it has been counted too
        viewers.awaitCounts(job, m, m + 60, List.of(minute(m, 1, 1)));
    }

    @Test
    void aBeaconTwentyMinutesLateCorrectsItsMinute() {
        String job = randomHex32();
        long m = minuteAgo(20);
        assertEquals(200, viewers.beacon(job, randomHex32(), Side.SS, m + 5).status());
        viewers.awaitCounts(job, m, m + 60, List.of(minute(m, 1, 0)));

        assertEquals(200, viewers.beacon(job, randomHex32(), Side.SS, m + 50).status());

        viewers.awaitCounts(job, m, m + 60, List.of(minute(m, 2, 0)));
    }

    @Test
    void aBeaconPastTheGraceIsAcceptedButRejectedFromCountsWithAReason() {
        String job = randomHex32();
        String session = randomHex32();
        long tooOld = minuteAgo(40);
        assertEquals(200, viewers.beacon(job, session, Side.SS, tooOld + 5).status());
        long fresh = minuteAgo(1);
        assertEquals(200, viewers.beacon(job, randomHex32(), Side.SS, fresh).status());

        viewers.awaitCounts(job, tooOld, fresh + 60, List.of(minute(fresh, 1, 0)));
        try (RejectedBeacons rejected = new RejectedBeacons(system.broker().orElseThrow().bootstrapServers())) {
            RejectedBeacon tooLate = Eventually.await(Duration.ofSeconds(20), "too-late beacon on the rejected topic",
                    () -> rejected.all().stream()
                            .filter(r -> r.beacon() != null && r.beacon().sessionId().equals(session)).findFirst().orElse(null),
                    r -> r != null);
            assertEquals("too-late", tooLate.reason());
            assertEquals("aggregator", tooLate.rejectedBy());
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "GET, /nothex0000000000000000000000000/J/S/123/NOW/heartbeat, 400, guid must be 32 hex digits",
            "GET, /G/142bbf588a574e018de94136a664cfa/S/123/NOW/heartbeat, 400, jobid must be 32 hex digits",
            "GET, /G/J/not-a-session/123/NOW/csheartbeat, 400, sessionid must be 32 hex digits",
            "GET, /G/J/S/acc%20ount/NOW/heartbeat, 400, accountid must be 1-64",
            "GET, /G/J/S/123/yesterday/heartbeat, 400, time must be Unix seconds",
            "GET, /G/J/S/123/12345/heartbeat, 400, is before the year 2000",
            "GET, /G/J/S/123/FUTURE/heartbeat, 400, ahead of the collector's clock",
            "GET, /G/J/S/123/NOW/pulse, 404, no such resource",
            "GET, /G/J/S/123/NOW/extra/heartbeat, 404, no such resource",
            "GET, /G/J/S/123/heartbeat, 404, no such resource",
            "POST, /G/J/S/123/NOW/heartbeat, 405, not allowed",
            "DELETE, /G/J/S/123/NOW/csheartbeat, 405, not allowed",
    })
    void malformedBeaconsGetA4xxWithAReason(String method, String template, int status, String reason) {
        long now = System.currentTimeMillis() / 1000;
        String path = template.replace("/G/", "/" + randomHex32() + "/").replace("/J/", "/" + randomHex32() + "/")
                .replace("/S/", "/" + randomHex32() + "/").replace("NOW", Long.toString(now))
                .replace("FUTURE", Long.toString(now + 3600));

        Http.Reply reply = Http.send(method, system.collectorPort(), path);

        assertEquals(status, reply.status(), reply.body());
        assertEquals("application/json", reply.header("content-type"));
        assertTrue(reply.body().contains(reason), reply.body());
    }

    @Test
    void rejectedBeaconsReachTheRejectedTopicWithTheirReason() {
        String job = randomHex32();
        String badTime = "/" + randomHex32() + "/" + job + "/" + randomHex32() + "/123/not-a-time/heartbeat";
        assertEquals(400, Http.get(system.collectorPort(), badTime + "?key=should-not-be-recorded").status());

        try (RejectedBeacons rejected = new RejectedBeacons(system.broker().orElseThrow().bootstrapServers())) {
            RejectedBeacon record = Eventually.await(Duration.ofSeconds(20), "the rejection on the topic",
                    () -> rejected.all().stream().filter(r -> badTime.equals(r.path())).findFirst().orElse(null),
                    r -> r != null);
            assertEquals("bad-time", record.reason());
            assertEquals("collector", record.rejectedBy());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/ccu?jobid=JOB, 401, missing x-api-key header, ",
            "/ccu?jobid=JOB, 401, wrong API key, wrong-key",
            "/jobs, 401, missing x-api-key header, ",
            "/ccu, 400, jobid is required, " + Viewers.API_KEY,
            "/ccu?jobid=123, 400, jobid must be 32 hex digits, " + Viewers.API_KEY,
            "/ccu?jobid=JOB&in=abc, 400, in must be Unix time, " + Viewers.API_KEY,
            "/ccu?jobid=JOB&in=1534640160&out=1534640040, 400, out must not be before in, " + Viewers.API_KEY,
            "/ccu?jobid=JOB&in=1500000000&out=1534640040, 400, range too large, " + Viewers.API_KEY,
            "/nothing-here, 404, no such resource, " + Viewers.API_KEY,
    })
    void badQueriesGetA4xxWithAReason(String pathAndQuery, int status, String reason, String key) {
        String path = pathAndQuery.replace("JOB", randomHex32());
        Http.Reply reply = key == null ? Http.get(system.apiPort(), path) : Http.get(system.apiPort(), path, "x-api-key", key);

        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.body().contains(reason), reply.body());
    }

    @Test
    void answersTheBrowserPreflightAsTheSeedApiDid() {
        Http.Reply reply = Http.send("OPTIONS", system.apiPort(), "/ccu?jobid=" + SEED_JOB,
                "Origin", "http://dashboard.example", "Access-Control-Request-Method", "GET",
                "Access-Control-Request-Headers", "content-type,x-api-key");

        assertEquals(204, reply.status());
        assertEquals("*", reply.header("access-control-allow-origin"));
        assertTrue(reply.header("access-control-allow-headers").toLowerCase().contains("x-api-key"));
        assertEquals("3600", reply.header("access-control-max-age"));
    }

    @Test
    void listsRecentJobsWithTheirLatestMinute() {
        String job = randomHex32();
        long m = minuteAgo(2);
        assertEquals(200, viewers.beacon(job, randomHex32(), Side.SS, m + 1).status());
        assertEquals(200, viewers.beacon(job, randomHex32(), Side.CS, m + 61).status());

        Map<String, Object> listed = Eventually.await(Duration.ofSeconds(30), "the job in /jobs",
                () -> Viewers.parse(Http.get(system.apiPort(), "/jobs", "x-api-key", Viewers.API_KEY).body()).stream()
                        .filter(j -> job.equals(j.get("jobid"))).findFirst().orElse(null),
                j -> j != null && ((Number) j.get("csccu")).longValue() == 1);
        assertEquals(minute(m + 60, 0, 1).get(0), listed.get("time"));
    }

    @Test
    void recordsTheApiCannotUseOnTheResultsTopicAreSkippedAndCountedNotFatal() throws Exception {
        long now = System.currentTimeMillis();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.broker().orElseThrow().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            String results = Topics.MINUTE_COUNTS.name();
            producer.send(new ProducerRecord<>(results, "not-ours/" + now, "not json".getBytes(StandardCharsets.UTF_8))).get();
            // valid JSON in an older shape: no audience
            producer.send(new ProducerRecord<>(results, "older/" + now,
                    ("{\"minuteStartMs\":" + now + ",\"ssccu\":1}").getBytes(StandardCharsets.UTF_8))).get();
        }
        String job = randomHex32();
        long m = minuteAgo(1);
        assertEquals(200, viewers.beacon(job, randomHex32(), Side.SS, m + 1).status());

        viewers.awaitCounts(job, m, m + 60, List.of(minute(m, 1, 0)));
        assertEquals(200, Http.get(system.apiPort(), "/health/live").status());
        String skipped = Eventually.await(Duration.ofSeconds(30), "skipped records counted",
                () -> Http.get(system.apiPort(), "/metrics").body().lines()
                        .filter(line -> line.startsWith("ccu_topic_reader_skipped_records_total")
                                && line.contains("topic=\"ccu.minute-counts\""))
                        .findFirst().orElse(""),
                line -> line.endsWith(" 2.0"));
        assertTrue(skipped.endsWith(" 2.0"), skipped);
    }

    @Test
    void everyServiceIsLiveReadyAndExposesMetrics() {
        for (int port : new int[] {system.collectorPort(), system.apiPort(), system.aggregatorPort()}) {
            assertEquals(200, Http.get(port, "/health/live").status());
            Eventually.await(Duration.ofSeconds(30), "ready on " + port, () -> Http.get(port, "/health/ready").status(),
                    s -> s == 200);
            assertEquals(200, Http.get(port, "/metrics").status());
        }
        assertEquals(200, viewers.beacon(randomHex32(), randomHex32(), Side.SS, minuteAgo(0)).status());
        String collectorMetrics = Http.get(system.collectorPort(), "/metrics").body();
        assertTrue(collectorMetrics.contains("ccu_beacons_accepted_total{service=\"collector\",side=\"ss\"}"), "accepted by side");
        assertTrue(collectorMetrics.contains("ccu_beacons_rejected_total{reason=\"bad-time\""), "rejected by reason");
        assertTrue(collectorMetrics.contains("ccu_kafka_send_seconds"), "send latency");
        String aggregatorMetrics = Http.get(system.aggregatorPort(), "/metrics").body();
        assertTrue(aggregatorMetrics.contains("records_lag"), "processing lag");
        // every kind of store, though Kafka Streams tags each kind's metrics differently (one tag set per name in Prometheus)
        Map<String, String> storeMetrics = Map.of(
                "ccu-viewer-sessions", "kafka_stream_state_estimate_num_keys{",   // RocksDB key-value
                "ccu-minute-partials", "kafka_stream_state_estimate_num_keys{",   // RocksDB window
                "ccu-dirty-partials", "kafka_stream_state_put_rate{");            // in memory
        Eventually.await(Duration.ofSeconds(90), "store metrics " + storeMetrics, () -> {
            List<String> lines = Http.get(system.aggregatorPort(), "/metrics").body().lines().toList();
            return storeMetrics.keySet().stream().filter(store -> lines.stream().anyMatch(line ->
                    line.startsWith(storeMetrics.get(store)) && line.contains("store=\"" + store + "\""))).collect(Collectors.toSet());
        }, shown -> shown.equals(storeMetrics.keySet()));
    }
}
