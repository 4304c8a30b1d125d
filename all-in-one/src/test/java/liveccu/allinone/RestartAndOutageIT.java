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
import liveccu.model.Side;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Counts survive restarts of the aggregator and outages of Kafka: nothing lost, nothing counted twice. */
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
}
