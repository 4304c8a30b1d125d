package liveccu.sessions.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import liveccu.ops.http.ErrorResponses;
import liveccu.access.Access;
import liveccu.access.audit.KeyUses;
import liveccu.access.keys.KeyRing;
import liveccu.access.keys.KeyText;
import liveccu.model.ApiKey;
import liveccu.ops.metrics.Metrics;
import liveccu.sessions.limit.SessionCommand;
import liveccu.sessions.limit.SessionDecision;
import liveccu.sessions.limit.SessionRules;
import liveccu.sessions.limit.StreamSession;
import liveccu.testsupport.Tokens;
import liveccu.tokens.TokenSettings;
import liveccu.tokens.ViewerTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sessions API's HTTP routes (Brightcove's Generic Stream Concurrency API) with the limiter
 * answering in memory instead of over Kafka: what reaches the limiter, what is refused before it,
 * and how its decisions are answered.
 */
@ExtendWith(VertxExtension.class)
class SessionRoutesTest {

    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    private static final String OPERATOR_KEY = "operator-key";
    private static final String ADMIN_KEY = "ccu_admin1111111_secret-of-acc-1-admin";
    private static final String OTHER_ADMIN_KEY = "ccu_admin2222222_secret-of-acc-2-admin";
    private static final String COUNTS_KEY = "ccu_count1111111_secret-of-acc-1-counts";
    private static final String EXPIRED_KEY = "ccu_expired11111_secret-expired-just-now";
    private static final String ACCOUNT = "acc-1";
    private static final String SESSIONS = "/api/v1/accounts/" + ACCOUNT + "/sessions";
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final SessionRules RULES = new SessionRules(Duration.ofSeconds(60), 3);

    /** The limiter as the routes see it: remembers what it was asked, answers as told. */
    static final class InMemoryLimiter implements LimiterClient {
        final List<SessionCommand> asked = new CopyOnWriteArrayList<>();
        volatile SessionDecision next;
        volatile String unavailable;

        @Override
        public String instanceId() {
            return "instance-1";
        }

        @Override
        public Future<SessionDecision> ask(SessionCommand command) {
            asked.add(command);
            if (unavailable != null) {
                return Future.failedFuture(unavailable);
            }
            SessionDecision decision = next != null ? next : new SessionDecision(command.requestId(), command.replyTo(), 200,
                    null, null, 1, command.limit(), command.requestId(), List.of());
            return Future.succeededFuture(decision);
        }
    }

    static final InMemoryLimiter LIMITER = new InMemoryLimiter();
    static StreamSessionsView view;
    static WebClient client;

    @BeforeAll
    static void serve(Vertx vertx, VertxTestContext test) {
        view = new StreamSessionsView("127.0.0.1:9");  // its reader is never started: filled below
        view.apply("s-tv", new StreamSession("s-tv", ACCOUNT, "viewer-1", "tv", "video-1", 1_000, 2_000, false));
        view.apply("s-phone", new StreamSession("s-phone", ACCOUNT, "viewer-1", "phone", "video-2", 1_500, 2_500, false));
        view.apply("s-old", new StreamSession("s-old", ACCOUNT, "viewer-2", "tv", "video-1", 500, 600, true));
        view.apply("s-other", new StreamSession("s-other", "acc-2", "viewer-3", "tv", "video-1", 500, 600, false));
        SessionRoutes routes = new SessionRoutes(new ViewerTokens(new TokenSettings(Optional.of(SECRET), List.of(), Duration.ofSeconds(30))),
                LIMITER, view, access(), RULES, Clock.fixed(NOW, ZoneOffset.UTC));
        // mounted as SessionsService mounts them
        Router router = Router.router(vertx);
        routes.mount(router);
        ErrorResponses.install(router);
        vertx.createHttpServer().requestHandler(router).listen(0).onComplete(test.succeeding(server -> {
            client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
            test.completeNow();
        }));
    }

    /** The operator key, and per-account keys: sessions-admin for acc-1, sessions-admin for acc-2, counts for acc-1. */
    private static Access access() {
        KeyRing keys = KeyRing.detached();
        keys.apply("admin1111111", key("admin1111111", ADMIN_KEY, ACCOUNT, "sessions-admin"));
        keys.apply("admin2222222", key("admin2222222", OTHER_ADMIN_KEY, "acc-2", "sessions-admin"));
        keys.apply("count1111111", key("count1111111", COUNTS_KEY, ACCOUNT, "counts"));
        keys.apply("expired11111", new ApiKey("expired11111", "expired", KeyText.sha256(EXPIRED_KEY), List.of(ACCOUNT),
                List.of("sessions-admin"), 0, NOW.toEpochMilli()));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new Access(Optional.of(OPERATOR_KEY), keys, new KeyUses(Metrics.newRegistry("sessions"), Optional.empty(), clock), clock);
    }

    private static ApiKey key(String id, String text, String account, String scope) {
        return new ApiKey(id, id, KeyText.sha256(text), List.of(account), List.of(scope), 0, 0);
    }

    @AfterAll
    static void closeReader() {
        view.reader().close();
    }

    @BeforeEach
    void limiterAnswers() {
        LIMITER.asked.clear();
        LIMITER.next = null;
        LIMITER.unavailable = null;
    }

    static String token(String account, String user, String correlator, Integer limit, Instant expiry) {
        return Tokens.hs256(SECRET, Tokens.streamClaims(account, user, correlator, limit, expiry));
    }

    static String bearer(String user, String correlator, int limit) {
        return "Bearer " + token(ACCOUNT, user, correlator, limit, NOW.plusSeconds(600));
    }

    /** @param headers name, value, name, value, … */
    static Future<HttpResponse<Buffer>> send(HttpMethod method, String path, String body, String... headers) {
        var request = client.request(method, path);
        for (int i = 0; i < headers.length; i += 2) {
            request.putHeader(headers[i], headers[i + 1]);
        }
        return body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
    }

    static Future<HttpResponse<Buffer>> heartbeat(String body, String authorization) {
        return send(HttpMethod.POST, SESSIONS, body, "authorization", authorization, "content-type", "application/json");
    }

    static Stream<Arguments> refusedBeforeTheLimiter() {
        String good = bearer("viewer-1", "tv", 2);
        String video = "{\"video\":\"video-1\"}";
        return Stream.of(
                Arguments.of("no token", HttpMethod.POST, SESSIONS, video, null, 401, "missing viewer token"),
                Arguments.of("not a bearer token", HttpMethod.POST, SESSIONS, video, "Basic dXNlcjpwYXNz", 401, "missing viewer token"),
                Arguments.of("expired token", HttpMethod.POST, SESSIONS, video,
                        "Bearer " + token(ACCOUNT, "viewer-1", "tv", 2, NOW.minusSeconds(3600)), 401, "token expired"),
                Arguments.of("wrong signature", HttpMethod.POST, SESSIONS, video, good + "x", 401, "signature"),
                Arguments.of("alg none", HttpMethod.POST, SESSIONS, video, "Bearer " + Tokens.algNone("{\"accid\":\"" + ACCOUNT
                        + "\",\"uid\":\"v\",\"sid\":\"tv\",\"climit\":2,\"exp\":" + NOW.plusSeconds(600).getEpochSecond() + "}"), 401, "unsigned"),
                Arguments.of("other account", HttpMethod.POST, SESSIONS, video,
                        "Bearer " + token("acc-2", "viewer-1", "tv", 2, NOW.plusSeconds(600)), 401, "not account acc-1"),
                Arguments.of("no uid", HttpMethod.POST, SESSIONS, video,
                        "Bearer " + token(ACCOUNT, null, "tv", 2, NOW.plusSeconds(600)), 401, "needs uid"),
                Arguments.of("no sid or climit", HttpMethod.POST, SESSIONS, video,
                        "Bearer " + token(ACCOUNT, "viewer-1", null, null, NOW.plusSeconds(600)), 401, "needs sid"),
                Arguments.of("malformed body", HttpMethod.POST, SESSIONS, "{\"video\":", good, 400, "body must be JSON"),
                Arguments.of("no video", HttpMethod.POST, SESSIONS, "{\"film\":\"v\"}", good, 400, "body must be JSON"),
                Arguments.of("not JSON", HttpMethod.POST, SESSIONS, "video=v", good, 400, "body must be JSON"),
                Arguments.of("a JSON array", HttpMethod.POST, SESSIONS, "[\"video-1\"]", good, 400, "body must be JSON"),
                Arguments.of("video id too long", HttpMethod.POST, SESSIONS, "{\"video\":\"" + "v".repeat(257) + "\"}", good, 400,
                        "1-256 characters"),
                Arguments.of("body over 4 KiB", HttpMethod.POST, SESSIONS, "{\"video\":\"" + "v".repeat(5000) + "\"}", good, 413, ""),
                Arguments.of("list without a token", HttpMethod.GET, SESSIONS, null, null, 401, "missing viewer token"),
                Arguments.of("stop without a token", HttpMethod.DELETE, SESSIONS + "/s-tv", null, null, 401, "missing viewer token"),
                Arguments.of("concurrency without the key", HttpMethod.GET, "/api/v1/accounts/acc-1/concurrency", null, good, 401,
                        "scope sessions-admin"),
                Arguments.of("unknown path", HttpMethod.GET, "/api/v1/accounts/acc-1", null, good, 404, "no such resource"),
                Arguments.of("other method", HttpMethod.PUT, SESSIONS, video, good, 405, "not allowed"));
    }

    @ParameterizedTest(name = "{0} -> {5}")
    @MethodSource("refusedBeforeTheLimiter")
    void refusedRequestsGetTheir4xxAndNeverReachTheLimiter(String name, HttpMethod method, String path, String body,
                                                          String authorization, int status, String reason, VertxTestContext test) {
        String[] headers = authorization == null ? new String[] {"content-type", "application/json"}
                : new String[] {"content-type", "application/json", "authorization", authorization};
        send(method, path, body, headers).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(status, reply.statusCode(), name + ": " + reply.bodyAsString());
            assertEquals("application/json", reply.getHeader("content-type"));
            assertTrue(reply.bodyAsJsonObject().getString("error").contains(reason), reply.bodyAsString());
            assertEquals(List.of(), LIMITER.asked, "refused before asking the limiter");
            test.completeNow();
        })));
    }

    @Test
    void aHeartbeatAsksTheLimiterForThisViewerAndCorrelatorAndAnswersBrightcovesShape(VertxTestContext test) {
        heartbeat("{\"video\":\"video-1\"}", bearer("viewer-1", "tv", 2)).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(200, reply.statusCode(), reply.bodyAsString());
            SessionCommand asked = LIMITER.asked.get(0);
            assertEquals(List.of(SessionCommand.Type.HEARTBEAT, "instance-1", ACCOUNT, "viewer-1", "tv", "video-1", 2, NOW.toEpochMilli()),
                    List.of(asked.type(), asked.replyTo(), asked.accountId(), asked.userId(), asked.correlator(), asked.video(),
                            asked.limit(), asked.atMs()));
            assertEquals(new JsonObject().put("current", 1).put("heartbeat_interval", 60_000).put("max", 2)
                    .put("session_id", asked.requestId()), reply.bodyAsJsonObject());
            test.completeNow();
        })));
    }

    @Test
    void aRefusalFromTheLimiterListsTheSessionsInTheWay(VertxTestContext test) {
        StreamSession tv = new StreamSession("s-tv", ACCOUNT, "viewer-1", "tv", "video-1", 1_000, 2_000, false);
        LIMITER.next = new SessionDecision("r", "instance-1", 403, "MAX_CONCURRENCY", "2 of 2 streams playing", 2, 2, null, List.of(tv));
        heartbeat("{\"video\":\"video-1\"}", bearer("viewer-1", "laptop", 2)).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(403, reply.statusCode());
            assertEquals(new JsonObject().put("error_code", "MAX_CONCURRENCY").put("message", "2 of 2 streams playing")
                    .put("current", 2).put("max", 2).put("sessions", new JsonArray().add(new JsonObject().put("session_id", "s-tv")
                            .put("end_viewer_id", "viewer-1").put("correlator", "tv").put("video", "video-1").put("started", 1_000)
                            .put("last_seen", 2_000).put("stopped", false))), reply.bodyAsJsonObject());
            test.completeNow();
        })));
    }

    @Test
    void whenTheLimiterDoesNotAnswerItIsA503WithRetryAfter(VertxTestContext test) {
        LIMITER.unavailable = "no decision within 5000 ms";
        heartbeat("{\"video\":\"video-1\"}", bearer("viewer-1", "tv", 2)).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(503, reply.statusCode());
            assertEquals("1", reply.getHeader("retry-after"));
            assertEquals("sessions unavailable: no decision within 5000 ms", reply.bodyAsJsonObject().getString("error"));
            test.completeNow();
        })));
    }

    @Test
    void aViewerStopsOneOfItsSessionsOrHearsThatItIsUnknown(VertxTestContext test) {
        send(HttpMethod.DELETE, SESSIONS + "/s-tv", null, "authorization", bearer("viewer-1", "phone", 2))
                .compose(stopped -> {
                    LIMITER.next = new SessionDecision("r", "instance-1", 404, "NOT_FOUND", "no session no-such-session", 0, 0, null,
                            List.of());
                    return send(HttpMethod.DELETE, SESSIONS + "/no-such-session", null, "authorization", bearer("viewer-1", "phone", 2))
                            .map(unknown -> List.of(stopped, unknown));
                })
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    assertEquals(204, replies.get(0).statusCode());
                    assertEquals(List.of(SessionCommand.Type.STOP, "viewer-1", "s-tv"),
                            List.of(LIMITER.asked.get(0).type(), LIMITER.asked.get(0).userId(), LIMITER.asked.get(0).sessionId()));
                    assertEquals(404, replies.get(1).statusCode());
                    assertEquals("NOT_FOUND", replies.get(1).bodyAsJsonObject().getString("error_code"));
                    test.completeNow();
                })));
    }

    @Test
    void theOperatorKeySeesAndStopsTheAccountsSessionsFromTheView(VertxTestContext test) {
        send(HttpMethod.GET, SESSIONS, null, "x-api-key", OPERATOR_KEY)
                .compose(list -> send(HttpMethod.GET, "/api/v1/accounts/" + ACCOUNT + "/concurrency", null, "x-api-key", OPERATOR_KEY)
                        .compose(concurrency -> send(HttpMethod.DELETE, SESSIONS + "/s-phone", null, "x-api-key", OPERATOR_KEY)
                                .compose(stop -> send(HttpMethod.DELETE, SESSIONS + "/s-other", null, "x-api-key", OPERATOR_KEY)
                                        .map(otherAccount -> List.of(list, concurrency, stop, otherAccount)))))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    assertEquals(List.of("s-old", "s-tv", "s-phone"), replies.get(0).bodyAsJsonArray().stream()
                            .map(s -> ((JsonObject) s).getString("session_id")).toList(), "the account's sessions, oldest first");
                    assertEquals(new JsonObject().put("account_id", ACCOUNT).put("current", 2)
                            .put("videos", new JsonObject().put("video-1", 1).put("video-2", 1)), replies.get(1).bodyAsJsonObject(),
                            "playing sessions only");
                    assertEquals(204, replies.get(2).statusCode());
                    SessionCommand stop = LIMITER.asked.get(0);
                    assertEquals(List.of(SessionCommand.Type.STOP, "viewer-1", "phone", "s-phone"),
                            List.of(stop.type(), stop.userId(), stop.correlator(), stop.sessionId()));
                    assertEquals(404, replies.get(3).statusCode(), "another account's session is not found through this one");
                    assertEquals(1, LIMITER.asked.size());
                    test.completeNow();
                })));
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @CsvSource({
            "acc-1 sessions-admin key, GET, " + ADMIN_KEY + ", 200, ",
            "acc-2 sessions-admin key, GET, " + OTHER_ADMIN_KEY + ", 403, may not read account acc-1",
            "acc-1 counts key, GET, " + COUNTS_KEY + ", 403, lacks scope sessions-admin",
            "revoked or unknown key, GET, ccu_zzzzzzzzzzzz_nothing, 401, wrong API key",
            "expired key, GET, " + EXPIRED_KEY + ", 401, expired at",
            "acc-2 sessions-admin key stopping, DELETE, " + OTHER_ADMIN_KEY + ", 403, may not read account acc-1",
    })
    void aKeyManagesSessionsOnlyWithSessionsAdminForTheAccount(String name, HttpMethod method, String key, int status,
                                                               String reason, VertxTestContext test) {
        String path = method == HttpMethod.DELETE ? SESSIONS + "/s-tv" : SESSIONS;
        send(method, path, null, "x-api-key", key).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(status, reply.statusCode(), reply.bodyAsString());
            if (reason != null) {
                assertTrue(reply.bodyAsJsonObject().getString("error").contains(reason), reply.bodyAsString());
            }
            assertTrue(LIMITER.asked.isEmpty(), "a listing from the view, or a refusal: nothing asked of the limiter");
            test.completeNow();
        })));
    }

    @Test
    void aViewersOwnListComesFromTheLimiter(VertxTestContext test) {
        StreamSession tv = new StreamSession("s-tv", ACCOUNT, "viewer-1", "tv", "video-1", 1_000, 2_000, false);
        LIMITER.next = new SessionDecision("r", "instance-1", 200, null, null, 1, 2, null, List.of(tv));
        send(HttpMethod.GET, SESSIONS, null, "authorization", bearer("viewer-1", "tv", 2)).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(200, reply.statusCode());
            assertEquals(SessionCommand.Type.LIST, LIMITER.asked.get(0).type());
            JsonArray sessions = reply.bodyAsJsonArray();
            assertEquals(1, sessions.size());
            assertNotNull(sessions.getJsonObject(0).getLong("last_seen"));
            test.completeNow();
        })));
    }
}
