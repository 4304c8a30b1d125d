package liveccu.allinone;

import static liveccu.testsupport.Http.request;
import static liveccu.testsupport.Http.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import liveccu.ops.metrics.Metrics;
import liveccu.sessions.SessionsConfig;
import liveccu.sessions.SessionsService;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import liveccu.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream concurrency limits over the real path: Brightcove-style heartbeats over HTTP, the limiter
 * in Kafka Streams on a real broker, two service instances side by side.
 */
class SessionsIT {

    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    private static final String ACCOUNT = "acc-1";

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static SessionsService second;
    static int first;
    static int other;
    static int viewerCount;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_TOKEN_SECRET", SECRET);
        env.put("CCU_SESSIONS_PORT", "0");
        // sessions expire 8 s after their last heartbeat: short for the expiry test, long enough
        // that a burst of starts on a busy 2-core machine is decided before any of them expires
        env.put("CCU_SESSIONS_HEARTBEAT_SECONDS", "2");
        env.put("CCU_SESSIONS_MISSED_HEARTBEATS", "4");
        system = LocalSystem.start(new Env(env));
        first = system.sessionsPort().orElseThrow();
        // a second instance of the service, as a second pod would be: same application, own state
        env.put("CCU_SESSIONS_STATE_DIR", dataDir.resolve("sessions-2").toString());
        env.put("KAFKA_BOOTSTRAP_SERVERS", system.broker().orElseThrow().bootstrapServers());
        Env secondEnv = new Env(env);
        SessionsConfig config = SessionsConfig.read(secondEnv, null);
        secondEnv.failIfInvalid();
        second = ServiceMain.await(SessionsService.start(system.vertx(), config, Metrics.newRegistry("sessions-2")));
        other = second.port();
        // The second instance joining moves limiter tasks between them: wait until both answer.
        for (int port : List.of(first, other)) {
            Eventually.await(Duration.ofSeconds(90), "instance on port " + port + " decides",
                    () -> heartbeat(port, token("probe", "probe-" + port, 10)), reply -> reply.status() == 200);
        }
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            ServiceMain.await(second.stop());
        }
        system.close();
    }

    static String token(String account, String user, String correlator, Integer limit, Instant expiry) {
        return Tokens.hs256(SECRET, Tokens.streamClaims(account, user, correlator, limit, expiry));
    }

    static String token(String user, String correlator, int limit) {
        return token(ACCOUNT, user, correlator, limit, Instant.now().plusSeconds(600));
    }

    static String newViewer() {
        return "viewer-" + (++viewerCount) + "-" + Viewers.randomHex32().substring(0, 8);
    }

    static JsonObject json(Http.Reply reply) {
        return new JsonObject(reply.body());
    }

    static HttpRequest heartbeatRequest(int port, String token) {
        return request("POST", port, "/api/v1/accounts/" + ACCOUNT + "/sessions", "{\"video\":\"video-1\"}",
                "authorization", "Bearer " + token, "content-type", "application/json");
    }

    static Http.Reply heartbeat(int port, String token) {
        return send(heartbeatRequest(port, token));
    }

    static JsonArray sessions(int port, String token) {
        Http.Reply reply = send(request("GET", port, "/api/v1/accounts/" + ACCOUNT + "/sessions", null, "authorization", "Bearer " + token));
        assertEquals(200, reply.status(), reply.body());
        return new JsonArray(reply.body());
    }

    @Test
    void limitReloadStopAndExpiryAsAPlayerSeesThem() {
        String viewer = newViewer();
        Http.Reply tv = heartbeat(first, token(viewer, "tv", 2));
        assertEquals(200, tv.status(), tv.body());
        assertEquals(List.of(1, 2000, 2), List.of(json(tv).getInteger("current"), json(tv).getInteger("heartbeat_interval"),
                json(tv).getInteger("max")));
        assertEquals(2, json(heartbeat(other, token(viewer, "phone", 2))).getInteger("current"));

        Http.Reply laptop = heartbeat(first, token(viewer, "laptop", 2));
        assertEquals(403, laptop.status());
        assertEquals("MAX_CONCURRENCY", json(laptop).getString("error_code"));
        assertEquals(2, json(laptop).getJsonArray("sessions").size(), "the refusal lists the sessions in the way");

        Http.Reply reload = heartbeat(other, token(viewer, "tv", 2));
        assertEquals(List.of(200, 2, json(tv).getString("session_id")),
                List.of(reload.status(), json(reload).getInteger("current"), json(reload).getString("session_id")),
                "a reload keeps its slot and its session");

        JsonArray listed = sessions(first, token(viewer, "tv", 2));
        assertEquals(2, listed.size());
        JsonObject listedTv = listed.stream().map(JsonObject.class::cast)
                .filter(s -> s.getString("session_id").equals(json(tv).getString("session_id"))).findFirst().orElseThrow();
        assertEquals(List.of(viewer, false), List.of(listedTv.getString("end_viewer_id"), listedTv.getBoolean("stopped")));
        assertTrue(listedTv.getLong("last_seen") > 0);

        Http.Reply stopped = send(request("DELETE", other, "/api/v1/accounts/" + ACCOUNT + "/sessions/" + json(tv).getString("session_id"),
                null, "authorization", "Bearer " + token(viewer, "phone", 2)));
        assertEquals(204, stopped.status(), stopped.body());
        Http.Reply afterStop = heartbeat(first, token(viewer, "tv", 2));
        assertEquals(List.of(403, "SESSION_STOPPED"), List.of(afterStop.status(), json(afterStop).getString("error_code")),
                "the stopped session's next heartbeat is refused, so its player stops");
        assertEquals(200, heartbeat(first, token(viewer, "laptop", 2)).status(), "its slot is free for another device");

        // the phone and the laptop stop heartbeating: after four missed heartbeats (8 s) their slots are free
        String tablet = token(viewer, "tablet", 2);
        assertEquals(403, heartbeat(first, tablet).status());
        Eventually.await(Duration.ofSeconds(30), "an expired session frees its slot",
                () -> heartbeat(first, tablet), reply -> reply.status() == 200);
        Eventually.await(Duration.ofSeconds(30), "the other silent one expires too, the heartbeating tablet stays",
                () -> heartbeat(first, tablet), reply -> reply.status() == 200 && json(reply).getInteger("current") == 1);
    }

    @Test
    void manySimultaneousStartsOnTwoInstancesNeverPassTheLimit() throws Exception {
        String viewer = newViewer();
        List<CompletableFuture<Http.Reply>> starts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            HttpRequest request = heartbeatRequest(i % 2 == 0 ? first : other, token(viewer, "device-" + i, 3));
            starts.add(Http.sendAsync(request));
        }
        Map<Integer, Integer> byStatus = new HashMap<>();
        for (CompletableFuture<Http.Reply> start : starts) {
            byStatus.merge(start.get().status(), 1, Integer::sum);
        }
        assertEquals(Map.of(200, 3, 403, 21), byStatus);
        assertEquals(3, sessions(first, token(viewer, "device-0", 3)).size());
        assertEquals(3, sessions(other, token(viewer, "device-0", 3)).size(), "both instances agree");
    }

    @Test
    void operatorsSeeTheAccountsSessionsAndConcurrencyPerVideo() {
        String viewer = newViewer();
        assertEquals(200, heartbeat(first, token(viewer, "tv", 5)).status());
        Http.Reply listed = Eventually.await(Duration.ofSeconds(20), "the account's sessions", () -> send(request("GET", other,
                "/api/v1/accounts/" + ACCOUNT + "/sessions", null, "x-api-key", Viewers.API_KEY)),
                reply -> reply.status() == 200 && reply.body().contains(viewer));
        assertTrue(new JsonArray(listed.body()).size() >= 1);
        Http.Reply concurrency = send(request("GET", first, "/api/v1/accounts/" + ACCOUNT + "/concurrency", null, "x-api-key", Viewers.API_KEY));
        assertEquals(200, concurrency.status());
        assertTrue(json(concurrency).getJsonObject("videos").getLong("video-1") >= 1);
        assertEquals(401, send(request("GET", first, "/api/v1/accounts/" + ACCOUNT + "/concurrency", null)).status());
        String metrics = send(request("GET", first, "/metrics", null)).body();
        assertTrue(metrics.contains("ccu_stream_sessions_started_total") && metrics.contains("ccu_stream_sessions_refused_total")
                && metrics.contains("ccu_stream_sessions_expired_total") && metrics.contains("ccu_stream_sessions_active"), metrics);
    }

    @Test
    void badTokensAccountsAndBodiesGetTheir4xx() {
        String viewer = newViewer();
        String path = "/api/v1/accounts/" + ACCOUNT + "/sessions";
        Map<String, HttpRequest> requests = new java.util.LinkedHashMap<>();
        requests.put("no token", request("POST", first, path, "{\"video\":\"v\"}"));
        requests.put("expired token", heartbeatRequest(first, token(ACCOUNT, viewer, "tv", 2, Instant.now().minusSeconds(3600))));
        requests.put("wrong signature", heartbeatRequest(first, token(viewer, "tv", 2) + "x"));
        requests.put("other account", heartbeatRequest(first, token("acc-2", viewer, "tv", 2, Instant.now().plusSeconds(600))));
        requests.put("no sid or climit", heartbeatRequest(first, token(ACCOUNT, viewer, null, null, Instant.now().plusSeconds(600))));
        requests.put("malformed body", request("POST", first, path, "{\"video\":", "authorization", "Bearer " + token(viewer, "tv", 2)));
        requests.put("no video", request("POST", first, path, "{\"film\":\"v\"}", "authorization", "Bearer " + token(viewer, "tv", 2)));
        requests.put("not JSON", request("POST", first, path, "video=v", "authorization", "Bearer " + token(viewer, "tv", 2)));
        requests.put("unknown session", request("DELETE", first, path + "/no-such-session", null,
                "authorization", "Bearer " + token(viewer, "tv", 2)));
        Map<String, Integer> expected = Map.of("no token", 401, "expired token", 401, "wrong signature", 401, "other account", 401,
                "no sid or climit", 401, "malformed body", 400, "no video", 400, "not JSON", 400, "unknown session", 404);
        requests.forEach((name, request) -> {
            Http.Reply reply = send(request);
            assertEquals(expected.get(name), reply.status(), name + ": " + reply.body());
        });
    }
}
