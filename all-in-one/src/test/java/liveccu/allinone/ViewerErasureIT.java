package liveccu.allinone;

import static liveccu.allinone.Viewers.minuteAgo;
import static liveccu.allinone.Viewers.randomHex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import liveccu.model.Side;
import liveccu.model.Topics;
import liveccu.model.ViewerSession;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import liveccu.testsupport.Tokens;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasing a viewer over the real path: beacons with signed viewer tokens through HTTP, Kafka and the
 * aggregator into the API's viewer report; an operator erases the viewer by user id; the report
 * drops exactly that viewer's sessions on the running API and on an API started afresh from Kafka,
 * and the viewer-sessions topic holds a tombstone for each.
 */
class ViewerErasureIT {

    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    private static final String ACCOUNT = "broadcaster";
    private static final List<String> REPORT_FIELDS = List.of("sessionid", "jobid", "accountid", "trackingid",
            "custom_viewer_data", "user_id", "trusted", "first_seen", "last_seen", "minutes_watched", "sides");

    @TempDir
    Path dataDir;
    LocalSystem system;
    Viewers viewers;
    CapturedLogs logs;

    @BeforeEach
    void startSystem() throws Exception {
        logs = new CapturedLogs();
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_TOKEN_SECRET", SECRET);
        system = LocalSystem.start(new Env(env));
        viewers = new Viewers(system);
    }

    @AfterEach
    void stopSystem() {
        system.close();
        logs.close();
    }

    @Test
    void anErasedViewerLeavesTheReportOfTheRunningApiAndOfARestartedOneAndTheTopicHoldsTombstones() throws Exception {
        String job = randomHex32();
        String erased = "erase-me-" + randomHex32();
        String kept = "keep-me-" + randomHex32();
        String erasedOnPhone = randomHex32();
        String erasedOnTv = randomHex32();
        String keptSession = randomHex32();
        long m = minuteAgo(1);
        beacon(job, erasedOnPhone, Side.SS, m + 1, erased);
        beacon(job, erasedOnPhone, Side.CS, m + 61, erased);   // a second minute, the player's side
        beacon(job, erasedOnTv, Side.SS, m + 2, erased);
        beacon(job, keptSession, Side.SS, m + 3, kept);
        String range = "jobid=" + job + "&in=" + m + "&out=" + (m + 120);
        List<String> columns = List.of("sessionid", "user_id", "custom_viewer_data");
        List<Map<String, Object>> before = viewers.awaitViewerReport(range, columns, List.of(
                List.of(erasedOnPhone, erased, "plan=gold"), List.of(erasedOnTv, erased, "plan=gold"),
                List.of(keptSession, kept, "plan=gold")), Duration.ofSeconds(60));
        // what a report carries, and nothing more (no client address: beacons never carry one)
        before.forEach(row -> assertEquals(Set.copyOf(REPORT_FIELDS), row.keySet()));

        Http.Reply erasure = Http.post(system.apiPort(), "/admin/viewers/erasures",
                new JsonObject().put("user_id", erased).encode(), "x-api-key", Viewers.API_KEY, "content-type", "application/json");

        assertEquals(202, erasure.status(), erasure.body());
        assertEquals(new JsonObject().put("count", 2)
                        .put("sessionids", new JsonArray(List.of(erasedOnPhone, erasedOnTv).stream().sorted().toList())),
                new JsonObject(erasure.body()));
        List<List<Object>> onlyTheOther = List.of(List.of(keptSession, kept, "plan=gold"));
        viewers.awaitViewerReport(range, columns, onlyTheOther, Duration.ofSeconds(30));

        // a new instance: nothing on its disk, everything read from Kafka again
        system.restartApi(true);
        Eventually.await(Duration.ofSeconds(30), "the restarted API ready (caught up with the topics)",
                () -> Http.get(system.apiPort(), "/health/ready").status(), status -> status == 200);
        assertEquals(onlyTheOther, viewers.viewerReport(range).stream()
                .map(row -> List.of(row.get("sessionid"), row.get("user_id"), row.get("custom_viewer_data"))).toList(),
                "caught up, it never had the erased viewer");

        Map<String, ViewerSession> latestByKey = new LinkedHashMap<>();
        for (ConsumerRecord<String, ViewerSession> record
                : TopicContents.read(system.broker().orElseThrow().bootstrapServers(), Topics.VIEWER_SESSIONS)) {
            latestByKey.put(record.key(), record.value());
        }
        assertNull(latestByKey.get(erasedOnPhone), "tombstoned: compaction removes what came before");
        assertNull(latestByKey.get(erasedOnTv));
        assertEquals(Set.of(erasedOnPhone, erasedOnTv, keptSession),
                Set.copyOf(latestByKey.keySet().stream().filter(Set.of(erasedOnPhone, erasedOnTv, keptSession)::contains).toList()),
                "each session was on the topic");
        assertNotNull(latestByKey.get(keptSession));

        assertFalse(logs.text().contains(erased), "the erased user id is never logged");
    }

    private void beacon(String job, String session, Side side, long epochSeconds, String userId) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .claim("uid", userId).claim("accid", ACCOUNT)
                .claim("tracking", Map.of("trackingId", "gold", "customViewerData", "plan=gold")).build();
        String path = "/" + randomHex32() + "/" + job + "/" + session + "/" + ACCOUNT + "/" + epochSeconds + "/" + side.pathSuffix();
        Http.Reply reply = Http.get(system.collectorPort(), path, "authorization", "Bearer " + Tokens.hs256(SECRET, claims));
        assertEquals(200, reply.status(), reply.body());
    }
}
