package liveccu.allinone;

import static liveccu.allinone.Viewers.minute;
import static liveccu.allinone.Viewers.minuteAgo;
import static liveccu.allinone.Viewers.randomHex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import liveccu.model.Side;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With CCU_BEACON_SECRET set, only beacons carrying it are counted; the secret never reaches Kafka. */
class BeaconSecretIT {

    private static final String SECRET = "beacon-secret-1234";

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static Viewers viewers;

    @BeforeAll
    static void startSystem() throws Exception {
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_BEACON_SECRET", SECRET);
        system = LocalSystem.start(new Env(env));
        viewers = new Viewers(system);
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    @Test
    void countsOnlyBeaconsThatCarryTheSecretInTheHeaderOrTheQuery() {
        String job = randomHex32();
        long m = minuteAgo(2);
        String withoutKey = Viewers.beaconPath(job, randomHex32(), Side.SS, Long.toString(m + 1));
        Http.Reply refused = Http.get(system.collectorPort(), withoutKey);
        assertEquals(401, refused.status());
        assertTrue(refused.body().contains("beacon key"), refused.body());
        assertEquals(401, Http.get(system.collectorPort(), withoutKey + "?key=wrong").status());
        assertEquals(401, Http.get(system.collectorPort(), withoutKey, "x-api-key", "wrong").status());

        assertEquals(200, Http.get(system.collectorPort(),
                Viewers.beaconPath(job, randomHex32(), Side.SS, Long.toString(m + 2)), "x-api-key", SECRET).status());
        assertEquals(200, Http.get(system.collectorPort(),
                Viewers.beaconPath(job, randomHex32(), Side.CS, Long.toString(m + 3)) + "?key=" + SECRET).status());

        viewers.awaitCounts(job, m, m + 60, List.of(minute(m, 1, 1)));
        try (RejectedBeacons rejected = new RejectedBeacons(system.broker().orElseThrow().bootstrapServers())) {
            Eventually.await(Duration.ofSeconds(20), "three bad-key rejections recorded",
                    () -> rejected.all().stream().filter(r -> withoutKey.equals(r.path())).toList(),
                    list -> list.size() == 3 && list.stream().allMatch(r -> r.reason().equals("bad-key")));
        }
    }
}
