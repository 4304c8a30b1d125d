package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import liveccu.model.CdnRequest;
import liveccu.model.CdnTraffic;
import liveccu.model.JsonSerde;
import liveccu.model.RejectedBeacon;
import liveccu.model.Topic;
import liveccu.model.Topics;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CDN figures over a real broker and the real aggregator: normalised log lines produced on
 * {@code ccu.cdn-requests} as the collector writes them (key: batch id), exact totals per minute and hour
 * read back from {@code ccu.cdn-minutes} and {@code ccu.cdn-hours} with the catalogue's content; a line past
 * its hour's hold rejected with its reason; a redelivered batch and a partly resent one count once.
 */
class CdnFiguresIT {

    private static final int PARTITIONS = 4;   // CCU_TOPIC_PARTITIONS of Viewers.testEnv
    private static final long M = CdnTraffic.MINUTE_MS;
    private static final long H = CdnTraffic.HOUR_MS;
    private static final String EP42 = "/podcasts/ep42.mp3";

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static String bootstrap;
    static KafkaProducer<String, CdnRequest> producer;
    /** What a collector of an earlier version writes: the line as JSON, which the aggregator still reads. */
    static KafkaProducer<String, CdnRequest> jsonProducer;

    @BeforeAll
    static void startSystem() throws Exception {
        Path catalogue = Files.writeString(dataDir.resolve("catalogue.csv"), """
                content_id,path_pattern,bitrate_kbps,type
                ep42,/podcasts/ep42*.mp3,128,vod
                """);
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_CONTENT_CATALOGUE", catalogue.toString());
        system = LocalSystem.start(new Env(env));
        bootstrap = system.broker().orElseThrow().bootstrapServers();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                Topics.CDN_REQUESTS.keySerde().serializer(), Topics.CDN_REQUESTS.valueSerde().serializer());
        jsonProducer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                Topics.CDN_REQUESTS.keySerde().serializer(), new JsonSerde<>(CdnRequest.class).serializer());
    }

    @AfterAll
    static void stopSystem() {
        producer.close();
        jsonProducer.close();
        system.close();
    }

    @Test
    void figuresPerMinuteAndHourAreExactAndARedeliveredBatchCountsOnce() {
        String account = "cdn-" + UUID.randomUUID().toString().substring(0, 8);
        long now = System.currentTimeMillis();
        long m0 = (now - 5 * M) / M * M;
        m0 -= m0 % H == H - M ? M : 0;                      // its next minute in the same hour
        long hour = m0 / H * H;
        String batch = "sha-" + UUID.randomUUID();
        List<CdnRequest> lines = List.of(
                line(batch, 0, account, m0 + 1_000, now, "GRU", EP42, 200, 1_000, CdnRequest.HIT),
                line(batch, 1, account, m0 + 2_000, now, "GRU", EP42, 206, 70_000, CdnRequest.MISS),
                line(batch, 2, account, m0 + 3_000, now, "GRU", "/img/logo.png", 304, 0, CdnRequest.HIT),
                line(batch, 3, account, m0 + 4_000, now, "GRU", "/missing.mp3", 404, 50, CdnRequest.OTHER),
                line(batch, 4, account, m0 + M + 1_000, now, "GRU", EP42, 503, 10, CdnRequest.MISS),
                line(batch, 5, account, m0 + 5_000, now, "FRA", EP42, 200, 2_000, CdnRequest.HIT),
                line(batch, 6, account, now - 40 * 24 * H, now, "GRU", EP42, 200, 9_999, CdnRequest.HIT));   // too late
        send(lines);

        //                                               requests, bytes, hits, misses, 1xx-5xx
        Map<String, CdnTraffic> minutes = expected(
                traffic(account, M, m0, "GRU", "ep42", 2, 71_000, 1, 1, 0, 2, 0, 0, 0),
                traffic(account, M, m0, "GRU", null, 2, 50, 1, 0, 0, 0, 1, 1, 0),
                traffic(account, M, m0 + M, "GRU", "ep42", 1, 10, 0, 1, 0, 0, 0, 0, 1),
                traffic(account, M, m0, "FRA", "ep42", 1, 2_000, 1, 0, 0, 1, 0, 0, 0));
        Map<String, CdnTraffic> hours = expected(
                traffic(account, H, hour, "GRU", "ep42", 3, 71_010, 1, 2, 0, 2, 0, 0, 1),
                traffic(account, H, hour, "GRU", null, 2, 50, 1, 0, 0, 0, 1, 1, 0),
                traffic(account, H, hour, "FRA", "ep42", 1, 2_000, 1, 0, 0, 1, 0, 0, 0));
        awaitFigures(Topics.CDN_MINUTES, account, minutes);
        awaitFigures(Topics.CDN_HOURS, account, hours);
        List<RejectedBeacon> rejected = awaitRejected(batch, 1);
        assertEquals("too-late", rejected.get(0).reason());

        // the vendor retries the whole batch through a collector of the earlier version (JSON: a rolling upgrade), the
        // importer resends two of its lines; then a witness batch on the same partition, through the earlier collector
        // too, one line for each of the figures: once all four are in, so is what came before
        send(jsonProducer, lines);
        send(List.of(lines.get(1), lines.get(2)));
        String witness = onPartition("sha-witness-", partitionOf(batch));
        send(jsonProducer, List.of(
                line(witness, 0, account, m0 + 6_000, now, "GRU", EP42, 200, 7, CdnRequest.HIT),
                line(witness, 1, account, m0 + 7_000, now, "GRU", "/other", 200, 7, CdnRequest.HIT),
                line(witness, 2, account, m0 + M + 2_000, now, "GRU", EP42, 200, 7, CdnRequest.HIT),
                line(witness, 3, account, m0 + 8_000, now, "FRA", EP42, 200, 7, CdnRequest.HIT)));

        awaitFigures(Topics.CDN_MINUTES, account, expected(
                traffic(account, M, m0, "GRU", "ep42", 3, 71_007, 2, 1, 0, 3, 0, 0, 0),
                traffic(account, M, m0, "GRU", null, 3, 57, 2, 0, 0, 1, 1, 1, 0),
                traffic(account, M, m0 + M, "GRU", "ep42", 2, 17, 1, 1, 0, 1, 0, 0, 1),
                traffic(account, M, m0, "FRA", "ep42", 2, 2_007, 2, 0, 0, 2, 0, 0, 0)));
        awaitFigures(Topics.CDN_HOURS, account, expected(
                traffic(account, H, hour, "GRU", "ep42", 5, 71_024, 3, 2, 0, 4, 0, 0, 1),
                traffic(account, H, hour, "GRU", null, 3, 57, 2, 0, 0, 1, 1, 1, 0),
                traffic(account, H, hour, "FRA", "ep42", 2, 2_007, 2, 0, 0, 2, 0, 0, 0)));
        assertEquals(1, rejectedOf(batch).size());          // the too-late line's redelivery is not rejected again
    }

    private static void send(List<CdnRequest> lines) {
        send(producer, lines);
    }

    private static void send(KafkaProducer<String, CdnRequest> through, List<CdnRequest> lines) {
        for (CdnRequest line : lines) {
            through.send(new ProducerRecord<>(Topics.CDN_REQUESTS.name(), line.partitionKey(), line));
        }
        through.flush();
    }

    private static void awaitFigures(Topic<String, CdnTraffic> topic, String account, Map<String, CdnTraffic> expected) {
        Eventually.await(Duration.ofSeconds(60), topic.name() + " of " + account + " to be " + expected.values(),
                () -> newest(topic, account), expected::equals);
    }

    /** The newest record of each key of the account: the period's totals. */
    private static Map<String, CdnTraffic> newest(Topic<String, CdnTraffic> topic, String account) {
        Map<String, CdnTraffic> newest = new TreeMap<>();
        for (ConsumerRecord<String, CdnTraffic> record : TopicContents.read(bootstrap, topic)) {
            if (record.value() != null && account.equals(record.value().accountId())) {
                newest.put(record.key(), record.value());
            }
        }
        return newest;
    }

    private static List<RejectedBeacon> awaitRejected(String batch, int count) {
        return Eventually.await(Duration.ofSeconds(60), count + " rejected lines of batch " + batch,
                () -> rejectedOf(batch), rejected -> rejected.size() == count);
    }

    private static List<RejectedBeacon> rejectedOf(String batch) {
        return TopicContents.read(bootstrap, Topics.REJECTED).stream().map(ConsumerRecord::value)
                .filter(rejected -> rejected.message() != null && rejected.message().contains(" of batch " + batch + " "))
                .collect(Collectors.toCollection(ArrayList::new));
    }

    private static Map<String, CdnTraffic> expected(CdnTraffic... figures) {
        Map<String, CdnTraffic> byKey = new TreeMap<>();
        for (CdnTraffic traffic : figures) {
            byKey.put(traffic.key(), traffic);
        }
        return byKey;
    }

    private static CdnTraffic traffic(String account, long periodMs, long startMs, String pop, String content, long requests,
                                      long bytes, long hits, long misses, long s1, long s2, long s3, long s4, long s5) {
        return new CdnTraffic(account, periodMs, startMs, "zone-1", "cdn.example.com", pop, content, requests, bytes, hits,
                misses, s1, s2, s3, s4, s5);
    }

    private static CdnRequest line(String batch, int line, String account, long timeMs, long receivedAtMs, String pop,
                                   String path, int status, long bytes, String cache) {
        return new CdnRequest(batch, line, account, "src-1", "cloudflare", "zone-1", timeMs, receivedAtMs, "iphash", "GET",
                "cdn.example.com", path, status, bytes, null, null, "AppleCoreMedia/1.0", null, pop, cache, 15L);
    }

    private static int partitionOf(String batchId) {
        return Utils.toPositive(Utils.murmur2(batchId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static String onPartition(String prefix, int partition) {
        for (int i = 0; ; i++) {
            if (partitionOf(prefix + i) == partition) {
                return prefix + i;
            }
        }
    }
}
