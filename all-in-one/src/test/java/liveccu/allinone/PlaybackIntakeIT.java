package liveccu.allinone;

import static liveccu.allinone.Viewers.minute;
import static liveccu.allinone.Viewers.minuteAgo;
import static liveccu.allinone.Viewers.randomHex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import liveccu.collector.Collector;
import liveccu.collector.CollectorConfig;
import liveccu.collector.intake.IpHasher;
import liveccu.model.PlayerEvent;
import liveccu.model.Topics;
import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import liveccu.ops.metrics.Metrics;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.GeoIpTestData;
import liveccu.testsupport.Http;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playback intake over the real path: player events and CMCD v2 reports POSTed over HTTP, a real
 * broker, and for CMCD heartbeats the aggregator and the query API. The system runs without GeoIP
 * databases; a second collector on the same broker has them (the real test files: GeoLite2 Country and
 * ASN of 2018, CC BY-SA 4.0, "This product includes GeoLite2 data created by MaxMind, available from
 * https://www.maxmind.com").
 */
class PlaybackIntakeIT {

    private static final String IP_SECRET = "playback-it-secret-of-enough-bytes";
    /** The client behind the (trusted) proxy: its address must reach no topic. */
    private static final String CLIENT_IP = "203.0.113.77";

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static Viewers viewers;
    static Vertx geoVertx;
    static Collector geoCollector;

    @BeforeAll
    static void startSystem() throws Exception {
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_IP_HASH_SECRET", IP_SECRET);
        // the test's connections come from 127.0.0.1: the proxy in front of the collector
        env.put("CCU_TRUSTED_PROXIES", "127.0.0.1,::1");
        system = LocalSystem.start(new Env(env));
        viewers = new Viewers(system);
        Eventually.await(Duration.ofSeconds(30), "collector ready",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 200);
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap());
        env.put("CCU_GEOIP_COUNTRY_DB", GeoIpTestData.geoLite2Country().toString());
        env.put("CCU_GEOIP_ASN_DB", GeoIpTestData.geoLite2Asn().toString());
        Env geoEnv = new Env(env);
        CollectorConfig geoConfig = CollectorConfig.read(geoEnv, null);
        geoEnv.failIfInvalid();
        // A Vert.x of its own: within one, port 0 would share the first collector's random port.
        geoVertx = Vertx.vertx();
        geoCollector = ServiceMain.await(Collector.start(geoVertx, geoConfig, Metrics.newRegistry("collector")));
    }

    @AfterAll
    static void stopSystem() {
        if (geoCollector != null) {
            ServiceMain.await(geoCollector.stop());
            ServiceMain.await(geoVertx.close());
        }
        system.close();
    }

    private static String bootstrap() {
        return system.broker().orElseThrow().bootstrapServers();
    }

    @Test
    void playerEventsLandOnTheirTopicKeyedByPlaybackWithTheIpHashedAndNowhereRaw() throws Exception {
        String playback = "pb-" + UUID.randomUUID();
        long now = System.currentTimeMillis();
        String ndjson = """
                {"event":"session_start","playback_id":"%1$s","time":%2$d}
                {"event":"play","playback_id":"%1$s","time":%2$d,"content_id":"news-1","content_type":"vod","property":"web"}
                {"event":"playing","playback_id":"%1$s","time":%2$d,"content_id":"news-1","seconds":10,"position":10}
                """.formatted(playback, now);
        Http.Reply plain = Http.post(system.collectorPort(), "/v1/accounts/" + Viewers.ACCOUNT + "/events", ndjson,
                "content-type", "application/x-ndjson", "user-agent", "ITPlayer/1.0", "x-forwarded-for", CLIENT_IP);
        assertEquals(204, plain.status(), plain.body());
        String array = "[{\"event\":\"content_end\",\"playback_id\":\"" + playback + "\",\"time\":" + now
                + "},{\"event\":\"file_downloaded\",\"playback_id\":\"" + playback + "\",\"time\":" + now + "}]";
        Http.Reply gzipped = Http.post(system.collectorPort(), "/v1/accounts/" + Viewers.ACCOUNT + "/events",
                gzip(array), "content-type", "application/json", "content-encoding", "gzip", "user-agent", "ITPlayer/1.0",
                "x-forwarded-for", CLIENT_IP);
        assertEquals(204, gzipped.status(), gzipped.body());

        List<ConsumerRecord<byte[], byte[]>> records = Eventually.await(Duration.ofSeconds(20), "5 events on the topic",
                () -> readAll(Set.of(Topics.PLAYER_EVENTS.name())).stream()
                        .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(playback)).toList(),
                list -> list.size() == 5);
        List<PlayerEvent> events = records.stream()
                .map(r -> Topics.PLAYER_EVENTS.valueSerde().deserializer().deserialize("t", r.value())).toList();
        assertEquals(List.of("session_start", "play", "playing", "content_end", "file_downloaded"),
                events.stream().map(PlayerEvent::type).toList());
        assertEquals(1, records.stream().map(ConsumerRecord::partition).distinct().count(), "one playback, one partition");
        String expectedHash = new IpHasher(IP_SECRET.getBytes(StandardCharsets.UTF_8)).hash(CLIENT_IP, events.get(0).receivedAtMs());
        for (PlayerEvent event : events) {
            assertEquals(List.of(expectedHash, "ITPlayer/1.0", Viewers.ACCOUNT), List.of(event.ipHash(), event.userAgent(), event.accountId()));
        }
        assertEquals(List.of("Others", "web"), List.of(events.get(0).property(), events.get(1).property()));
        assertEquals(10.0, events.get(2).secondsPlayed());

        // a bad request is recorded too, and no topic anywhere holds the client's raw address
        Http.Reply bad = Http.post(system.collectorPort(), "/v1/accounts/" + Viewers.ACCOUNT + "/events", "[broken",
                "x-forwarded-for", CLIENT_IP);
        assertEquals(400, bad.status(), bad.body());
        try (RejectedBeacons rejected = new RejectedBeacons(bootstrap())) {
            Eventually.await(Duration.ofSeconds(20), "the bad batch on the rejected topic", rejected::all,
                    all -> all.stream().anyMatch(r -> r.reason().equals("bad-body")));
        }
        Set<String> topics;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            topics = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(false))
                    .names().get();
        }
        List<ConsumerRecord<byte[], byte[]>> everything = readAll(topics);
        assertTrue(everything.size() >= 6, "read " + everything.size() + " records from " + topics);
        for (ConsumerRecord<byte[], byte[]> record : everything) {
            for (byte[] bytes : new byte[][] {record.key(), record.value()}) {
                String text = bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(CLIENT_IP), "raw client IP on " + record.topic() + ": " + text);
            }
        }
    }

    @Test
    void cmcdReportsWhilePlayingAreCountedAsPlayerSideViewersAndPausedOnesAreNot() {
        String job = randomHex32();
        long m = minuteAgo(2);
        long ts = (m + 10) * 1000;
        String uuidSid = UUID.randomUUID().toString();
        String textSid = "hlsjs-" + UUID.randomUUID();
        String pausedSid = UUID.randomUUID().toString();
        String target = "/cmcd/" + Viewers.ACCOUNT + "/" + job;
        // as the Common Media Library's reporter posts them (hls.js, Shaka): one report per line, trailing newline
        String batch = "e=ps,sid=\"" + uuidSid + "\",cid=\"news-1\",ts=" + ts + ",sta=s,sf=h,st=l,v=2\n"
                + "e=ps,sid=\"" + uuidSid + "\",cid=\"news-1\",ts=" + (ts + 1500) + ",sta=p,sf=h,st=l,v=2\n"
                + "e=t,sid=\"" + uuidSid + "\",cid=\"news-1\",ts=" + (ts + 30000) + ",sta=p,bl=(5000),br=(3000),pt=30000,v=2\n";
        Http.Reply first = Http.post(system.collectorPort(), target, batch, "content-type", "application/cmcd");
        assertEquals(204, first.status(), first.body());
        Http.Reply second = Http.post(system.collectorPort(), target,
                "e=t,sid=\"" + textSid + "\",ts=" + (ts + 5000) + ",sta=r,v=2\n", "content-type", "text/cmcd");
        assertEquals(204, second.status(), second.body());
        Http.Reply paused = Http.post(system.collectorPort(), target,
                "e=ps,sid=\"" + pausedSid + "\",ts=" + (ts + 7000) + ",sta=a,v=2\n"
                        + "e=ps,sid=\"" + pausedSid + "\",ts=" + (ts + 9000) + ",sta=e,v=2\n", "content-type", "application/cmcd");
        assertEquals(204, paused.status(), paused.body());
        // the same session on the beacon path in the same minute is still one player-side viewer
        assertEquals(200, viewers.beacon(job, uuidSid.replace("-", ""), liveccu.model.Side.CS, m + 20).status());

        viewers.awaitCounts(job, m - 60, m + 120, List.of(minute(m, 0, 2)));

        Http.Reply gone = Http.post(system.collectorPort(), "/cmcd/" + Viewers.ACCOUNT + "/not-a-job", "e=t,sid=\"x\"",
                "content-type", "application/cmcd");
        assertEquals(410, gone.status(), gone.body());
        List<PlayerEvent> reports = Eventually.await(Duration.ofSeconds(20), "the 6 reports on the player-events topic",
                () -> readAll(Set.of(Topics.PLAYER_EVENTS.name())).stream()
                        .map(r -> Topics.PLAYER_EVENTS.valueSerde().deserializer().deserialize("t", r.value()))
                        .filter(e -> e.cmcd() != null && e.cmcd().jobId().equals(job)).toList(),
                list -> list.size() == 6);
        assertEquals(List.of(true, true, true, false, false, true), reports.stream()
                .sorted(java.util.Comparator.comparing(PlayerEvent::eventTimeMs)).map(e -> e.cmcd().heartbeat()).toList());
    }

    @Test
    void aPublicClientsCountryAndAutonomousSystemLandWithItsEventsAndItsAddressOnNoTopic() {
        String withDatabases = "pb-geo-" + UUID.randomUUID();
        String without = "pb-nogeo-" + UUID.randomUUID();
        String sid = UUID.randomUUID().toString();
        String job = randomHex32();
        long now = System.currentTimeMillis();
        String events = "[{\"event\":\"play\",\"playback_id\":\"%1$s\",\"time\":" + now + "},"
                + "{\"event\":\"error\",\"playback_id\":\"%1$s\",\"time\":" + now + ",\"error_code\":\"NET-404\",\"fatal\":true}]";
        // the client behind the trusted proxy (the test's 127.0.0.1): the intake's client IP, as for the IP hash
        for (var target : List.of(Map.entry(geoCollector.port(), withDatabases), Map.entry(system.collectorPort(), without))) {
            Http.Reply reply = Http.post(target.getKey(), "/v1/accounts/" + Viewers.ACCOUNT + "/events",
                    events.formatted(target.getValue()), "content-type", "application/json", "user-agent", "ITPlayer/1.0",
                    "x-forwarded-for", "198.51.100.3, " + GeoIpTestData.PUBLIC_IP);
            assertEquals(204, reply.status(), reply.body());
        }
        Http.Reply report = Http.post(geoCollector.port(), "/cmcd/" + Viewers.ACCOUNT + "/" + job,
                "e=e,sid=\"" + sid + "\",ts=" + now + ",sta=f,ec=(\"manifestLoadError\"),v=2\n", "content-type", "application/cmcd",
                "x-forwarded-for", GeoIpTestData.PUBLIC_IP);
        assertEquals(204, report.status(), report.body());

        List<PlayerEvent> landed = Eventually.await(Duration.ofSeconds(20), "5 events and reports on the topic",
                () -> readAll(Set.of(Topics.PLAYER_EVENTS.name())).stream()
                        .map(r -> Topics.PLAYER_EVENTS.valueSerde().deserializer().deserialize("t", r.value()))
                        .filter(e -> Set.of(withDatabases, without, sid).contains(e.playbackId())).toList(),
                list -> list.size() == 5);
        List<Object> placed = List.of(GeoIpTestData.PUBLIC_IP_COUNTRY, GeoIpTestData.PUBLIC_IP_ASN, GeoIpTestData.PUBLIC_IP_AS_ORG);
        for (PlayerEvent event : landed) {
            List<Object> geo = java.util.Arrays.asList(event.country(), event.asn(), event.asOrg());
            assertEquals(event.playbackId().equals(without) ? java.util.Arrays.asList(null, null, null) : placed, geo,
                    event.playbackId());
            assertEquals(new IpHasher(IP_SECRET.getBytes(StandardCharsets.UTF_8)).hash(GeoIpTestData.PUBLIC_IP,
                    event.receivedAtMs()), event.ipHash(), "the same client IP looked up and hashed");
        }
        PlayerEvent error = landed.stream().filter(e -> e.type().equals("error")).findFirst().orElseThrow();
        assertEquals(List.of("NET-404", true), List.of(error.errorCode(), error.fatal()));
        PlayerEvent cmcd = landed.stream().filter(e -> e.playbackId().equals(sid)).findFirst().orElseThrow();
        assertEquals(List.of("f", "manifestLoadError"), List.of(cmcd.cmcd().sta(), cmcd.cmcd().ec()));

        Set<String> topics;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            topics = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(false)).names().get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        for (ConsumerRecord<byte[], byte[]> record : readAll(topics)) {
            for (byte[] bytes : new byte[][] {record.key(), record.value()}) {
                String text = bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(GeoIpTestData.PUBLIC_IP), "raw client IP on " + record.topic() + ": " + text);
            }
        }
    }

    /** Every record of these topics so far, keys and values as bytes. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(Set<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < deadline
                    && partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
