package liveccu.allinone;

import static liveccu.allinone.Viewers.minute;
import static liveccu.allinone.Viewers.minuteAgo;
import static liveccu.allinone.Viewers.randomHex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import liveccu.collector.Collector;
import liveccu.collector.CollectorConfig;
import liveccu.model.Side;
import liveccu.model.Topics;
import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import liveccu.ops.metrics.Metrics;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forward facts, not beacons: a session's repeated heartbeats in a minute reach Kafka once (answered
 * 200 all the same, after that write's acknowledgement), unless the operator asks for every beacon.
 */
class WrittenBeaconsIT {

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static Viewers viewers;
    static Vertx otherVertx;
    static Collector everyBeacon;

    @BeforeAll
    static void startSystem() throws Exception {
        system = LocalSystem.start(new Env(Viewers.testEnv(dataDir)));
        viewers = new Viewers(system);
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("KAFKA_BOOTSTRAP_SERVERS", system.broker().orElseThrow().bootstrapServers());
        env.put("CCU_WRITE_EVERY_BEACON", "true");
        // A Vert.x of its own: within one, port 0 would share the first collector's random port.
        otherVertx = Vertx.vertx();
        everyBeacon = ServiceMain.await(Collector.start(otherVertx, CollectorConfig.read(new Env(env), null),
                Metrics.newRegistry("collector")));
    }

    @AfterAll
    static void stopSystem() {
        if (everyBeacon != null) {
            ServiceMain.await(everyBeacon.stop());
            ServiceMain.await(otherVertx.close());
        }
        system.close();
    }

    @Test
    void fifteenHeartbeatsOfASessionInAMinuteAreOneWriteButEveryBeaconWhenAsked() {
        String job = randomHex32();
        String onlyFacts = randomHex32();
        String audited = randomHex32();
        long m = minuteAgo(2);

        for (int second = 0; second < 60; second += 4) {
            assertEquals(200, viewers.beacon(job, onlyFacts, Side.SS, m + second).status());
            assertEquals(200, Http.get(everyBeacon.port(), Viewers.beaconPath(job, audited, Side.SS, Long.toString(m + second))).status());
        }

        // Every 200 came after Kafka's acknowledgement: the topic holds all the writes already.
        Map<String, Integer> written = writtenPerSession();
        assertEquals(1, written.get(onlyFacts), "the first heartbeat only");
        assertEquals(15, written.get(audited), "every beacon, with CCU_WRITE_EVERY_BEACON=true");
        viewers.awaitCounts(job, m - 60, m + 120, List.of(minute(m, 2, 0)));
        String metrics = Http.get(system.collectorPort(), "/metrics").body();
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("ccu_beacons_answered_without_write_total")
                && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= 14), metrics);
    }

    @Test
    void aNewSideOrMinuteIsWrittenAtOnce() {
        String job = randomHex32();
        String session = randomHex32();
        long m = minuteAgo(3);

        assertEquals(200, viewers.beacon(job, session, Side.SS, m + 10).status());
        assertEquals(200, viewers.beacon(job, session, Side.CS, m + 20).status());
        assertEquals(200, viewers.beacon(job, session, Side.SS, m + 70).status());
        assertEquals(200, viewers.beacon(job, session, Side.SS, m + 80).status());

        assertEquals(3, writtenPerSession().get(session));
        viewers.awaitCounts(job, m - 60, m + 180, List.of(minute(m + 60, 1, 0), minute(m, 1, 1)));
    }

    /** Records on the beacons topic per session, read to the end as it is now. */
    private static Map<String, Integer> writtenPerSession() {
        Map<String, Integer> perSession = new HashMap<>();
        TopicContents.read(system.broker().orElseThrow().bootstrapServers(), Topics.BEACONS)
                .forEach(record -> perSession.merge(record.key(), 1, Integer::sum));
        return perSession;
    }
}
