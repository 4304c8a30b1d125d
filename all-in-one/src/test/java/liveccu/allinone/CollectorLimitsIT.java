package liveccu.allinone;

import static liveccu.allinone.Viewers.minute;
import static liveccu.allinone.Viewers.minuteAgo;
import static liveccu.allinone.Viewers.randomHex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import liveccu.model.Side;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's abuse limits over the real path (HTTP, Kafka, Streams, the API): a client over its
 * rate limit gets 429s and every beacon answered 200 is counted exactly; per-account secrets.
 * Each test is its own client through X-Forwarded-For (127.0.0.1 is a trusted proxy here).
 */
class CollectorLimitsIT {

    private static final int PER_SECOND = 5;
    private static final int BURST = 5;
    private static final String OWN_ACCOUNT = "acc-own";
    private static final String OWN_SECRET = "own-secret-1";

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static Viewers viewers;

    @BeforeAll
    static void startSystem() throws Exception {
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_RATE_LIMIT_PER_CLIENT", Integer.toString(PER_SECOND));
        env.put("CCU_RATE_LIMIT_BURST", Integer.toString(BURST));
        env.put("CCU_TRUSTED_PROXIES", "127.0.0.1");
        env.put("CCU_BEACON_SECRETS_BY_ACCOUNT", OWN_ACCOUNT + "=" + OWN_SECRET);
        system = LocalSystem.start(new Env(env));
        viewers = new Viewers(system);
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    @Test
    void aClientOverItsLimitGets429sAndEvery200dBeaconIsCountedExactly() {
        String client = "198.51.100.10";
        String job = randomHex32();
        long m = minuteAgo(2);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            paths.add(Viewers.beaconPath(job, randomHex32(), Side.SS, Long.toString(m + 1 + i)));
        }
        // all at once, as a broken player or a flood of invented sessions would
        List<CompletableFuture<Http.Reply>> sent = paths.stream()
                .map(path -> Http.sendAsync(Http.request("GET", system.collectorPort(), path, null, "x-forwarded-for", client)))
                .toList();
        List<String> limited = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < paths.size(); i++) {
            Http.Reply reply = sent.get(i).join();
            if (reply.status() == 200) {
                accepted++;
            } else {
                assertEquals(429, reply.status(), reply.body());
                assertTrue(Integer.parseInt(reply.header("retry-after")) >= 1, reply.header("retry-after"));
                assertTrue(reply.body().contains("rate limit"), reply.body());
                limited.add(paths.get(i));
            }
        }
        assertTrue(accepted >= BURST && !limited.isEmpty(), accepted + " accepted, " + limited.size() + " limited");

        // exactly the 200'd beacons, none of the 429'd
        viewers.awaitCounts(job, m, m + 60, List.of(minute(m, accepted, 0)));
        String metrics = Http.get(system.collectorPort(), "/metrics").body();
        assertTrue(metrics.contains("ccu_beacons_rate_limited_total{service=\"collector\"} " + limited.size() + ".0"), metrics);

        // a client retrying its 429s is let through at its rate, and then every one counts
        for (String path : limited) {
            Eventually.await(Duration.ofSeconds(30), "retried beacon accepted",
                    () -> Http.get(system.collectorPort(), path, "x-forwarded-for", client), reply -> reply.status() == 200);
        }
        viewers.awaitCounts(job, m, m + 60, List.of(minute(m, paths.size(), 0)));
    }

    @Test
    void anAccountWithItsOwnSecretNeedsItOthersStayOpen() {
        String client = "198.51.100.11";
        String job = randomHex32();
        long m = minuteAgo(2);
        String own = "/" + randomHex32() + "/" + job + "/" + randomHex32() + "/" + OWN_ACCOUNT + "/" + (m + 1) + "/heartbeat";

        Http.Reply missing = Http.get(system.collectorPort(), own, "x-forwarded-for", client);
        assertEquals(401, missing.status());
        assertTrue(missing.body().contains("missing beacon key: this account has its own key"), missing.body());
        assertEquals(401, Http.get(system.collectorPort(), own + "?key=wrong", "x-forwarded-for", client).status());
        assertEquals(200, Http.get(system.collectorPort(), own + "?key=" + OWN_SECRET, "x-forwarded-for", client).status());
        assertEquals(200, Http.get(system.collectorPort(), Viewers.beaconPath(job, randomHex32(), Side.CS, Long.toString(m + 2)),
                "x-forwarded-for", client).status(), "an account without its own secret: open (no CCU_BEACON_SECRET here)");

        // one job id, two accounts: each account's own viewer in its own audience
        String range = "&in=" + m + "&out=" + (m + 60);
        viewers.awaitCounts("/ccu?jobid=" + job + "&accountid=" + OWN_ACCOUNT + range, List.of(minute(m, 1, 0)));
        viewers.awaitCounts("/ccu?jobid=" + job + "&accountid=" + Viewers.ACCOUNT + range, List.of(minute(m, 0, 1)));
    }
}
