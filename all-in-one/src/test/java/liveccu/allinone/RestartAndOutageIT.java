package liveccu.allinone;

import static liveccu.allinone.Viewers.minute;
import static liveccu.allinone.Viewers.minuteAgo;
import static liveccu.allinone.Viewers.randomHex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import liveccu.model.MinuteCount;
import liveccu.model.Side;
import liveccu.model.Topics;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Counts survive restarts of the aggregator and of the query API and outages of Kafka: nothing lost,
 * nothing counted twice; a restarted API serves its history from its disk within seconds.
 */
class RestartAndOutageIT {

    @TempDir
    Path dataDir;
    LocalSystem system;
    Viewers viewers;

    @BeforeEach
    void startSystem() throws Exception {
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_KAFKA_DELIVERY_TIMEOUT_MS", "3000");
        system = LocalSystem.start(new Env(env));
        viewers = new Viewers(system);
    }

    @AfterEach
    void stopSystem() {
        system.close();
    }

    @ParameterizedTest(name = "discard local state: {0}")
    @ValueSource(booleans = {false, true})
    void anAggregatorRestartKeepsCountsAndNeverCountsTwice(boolean discardLocalState) throws Exception {
        String job = randomHex32();
        long m = minuteAgo(4);
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sessions.add(randomHex32());
        }
        for (String session : sessions.subList(0, 5)) {
            viewers.beaconUntilAccepted(job, session, Side.SS, m + 10);
        }
        viewers.awaitCounts(job, m, m + 120, List.of(minute(m, 5, 0)));

        system.restartAggregator(discardLocalState);
        // three sessions seen before the restart and three new ones
        for (String session : sessions.subList(2, 8)) {
            viewers.beaconUntilAccepted(job, session, Side.SS, m + 20);
        }
        viewers.beaconUntilAccepted(job, randomHex32(), Side.CS, m + 60);   // marker, counted last

        viewers.awaitCounts(job, m, m + 120, List.of(minute(m + 60, 0, 1), minute(m, 8, 0)));
    }

    @Test
    void kafkaDownIsA503AndEveryAcceptedBeaconIsCountedOnceItIsBack() {
        String job = randomHex32();
        long m = minuteAgo(2);
        viewers.beaconUntilAccepted(job, randomHex32(), Side.SS, m + 1);

        system.broker().orElseThrow().stop();
        Http.Reply refused = Eventually.await(Duration.ofSeconds(30), "a 503 while Kafka is down",
                () -> viewers.beacon(job, randomHex32(), Side.CS, m + 2), reply -> reply.status() == 503);
        assertNotNull(refused.header("retry-after"), "503 says when to retry");
        assertTrue(refused.body().contains("Kafka"), refused.body());
        Eventually.await(Duration.ofSeconds(10), "collector not ready while Kafka is down",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 503);

        system.broker().orElseThrow().start();
        // Encoders retry refused beacons: every session ends up accepted exactly once more or less.
        for (int i = 0; i < 5; i++) {
            viewers.beaconUntilAccepted(job, randomHex32(), Side.SS, m + 10 + i);
        }
        assertEquals(200, Http.get(system.collectorPort(), "/health/ready").status());

        viewers.awaitCounts(job, m, m + 60, List.of(minute(m, 6, 0)));
    }

    @Test
    void anApiRestartServesItsHistoryFromDiskWithinSecondsReadingOnlyTheTail() throws Exception {
        String job = randomHex32();
        long m = minuteAgo(2);
        viewers.beaconUntilAccepted(job, randomHex32(), Side.SS, m + 5);
        viewers.awaitCounts(job, m, m + 60, List.of(minute(m, 1, 0)));

        // History older than a week, as the aggregator wrote it then, among 2,000 other minutes.
        long monthAgo = m - 30 * 86_400;
        long halfYearAgo = m - 180 * 86_400;
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.broker().orElseThrow().bootstrapServers()),
                new StringSerializer(), Topics.MINUTE_COUNTS.valueSerde().serializer())) {
            for (long minute : new long[] {monthAgo, halfYearAgo}) {
                MinuteCount old = new MinuteCount(job, minute * 1000, 7, 3, minute * 1000 + 30_000);
                producer.send(new ProducerRecord<>(Topics.MINUTE_COUNTS.name(), old.key(), old));
            }
            for (int i = 0; i < 2_000; i++) {
                MinuteCount other = new MinuteCount(randomHex32(), (monthAgo - 60L * i) * 1000, 1, 0, monthAgo * 1000);
                producer.send(new ProducerRecord<>(Topics.MINUTE_COUNTS.name(), other.key(), other));
            }
            producer.flush();
        }
        viewers.awaitCounts(job, monthAgo, monthAgo + 60, List.of(minute(monthAgo, 7, 3)));
        Eventually.await(Duration.ofSeconds(60), "the 2,002 records read", this::minuteCountsRead, n -> n >= 2_002);

        long started = System.nanoTime();
        system.restartApi();
        Eventually.await(Duration.ofSeconds(10), "the restarted API ready",
                () -> Http.get(system.apiPort(), "/health/ready").status(), status -> status == 200);
        Duration toReady = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(toReady.compareTo(Duration.ofSeconds(10)) < 0, "ready after " + toReady);

        // Served at once from disk, the old minutes included, and only the tail of the topic read again.
        assertEquals(List.of(minute(m, 1, 0)), viewers.counts(job, m, m + 60));
        assertEquals(List.of(minute(monthAgo, 7, 3)), viewers.counts(job, monthAgo, monthAgo + 60));
        assertEquals(List.of(minute(halfYearAgo, 7, 3)), viewers.counts(job, halfYearAgo, halfYearAgo + 60));
        double reread = minuteCountsRead();
        assertTrue(reread < 100, "records read again after the restart: " + reread);

        // And it follows the topic from there: new beacons counted as before.
        viewers.beaconUntilAccepted(job, randomHex32(), Side.CS, m + 70);
        viewers.awaitCounts(job, m, m + 120, List.of(minute(m + 60, 0, 1), minute(m, 1, 0)));
    }

    /** Records of the results topic the API read since it started (its metric). */
    private double minuteCountsRead() {
        return Http.get(system.apiPort(), "/metrics").body().lines()
                .filter(line -> line.startsWith("ccu_topic_reader_records_total") && line.contains("topic=\"ccu.minute-counts\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow();
    }
}
