package liveccu.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import liveccu.api.erasure.ErasureSink;
import liveccu.api.cdn.CdnRoutes;
import liveccu.api.cdn.CdnTrafficView;
import liveccu.api.erasure.ViewerErasureRoutes;
import liveccu.access.Access;
import liveccu.access.AccessRecords;
import liveccu.access.admin.KeyAdminRoutes;
import liveccu.access.audit.KeyUses;
import liveccu.access.keys.KeyRing;
import liveccu.access.keys.KeyText;
import liveccu.model.ApiKey;
import liveccu.api.http.BlockingQueries;
import liveccu.api.playback.PlaybackCountsView;
import liveccu.api.playback.PlaybackRoutes;
import liveccu.api.playback.RetentionView;
import liveccu.api.qoe.QoeRoutes;
import liveccu.api.qoe.QoeView;
import liveccu.api.ccu.CcuRoutes;
import liveccu.api.ccu.JobAccounts;
import liveccu.api.ccu.MinuteCountsView;
import liveccu.api.viewers.ViewerReportRoutes;
import liveccu.api.viewers.ViewerSessionsView;
import liveccu.model.Beacon;
import liveccu.model.Side;
import liveccu.model.Viewer;
import liveccu.model.ViewerErasure;
import liveccu.model.ViewerSession;
import liveccu.ops.http.HealthCheck;
import liveccu.ops.http.OpsRoutes;
import liveccu.ops.metrics.Metrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /admin/viewers/erasures} on the real verticle, the viewer view filled directly and
 * Kafka replaced by a list: validation with its 400s, the sessions a request erases, and the answer
 * only once every erasure is acknowledged (503 when not).
 */
@ExtendWith(VertxExtension.class)
class ViewerErasureRoutesTest {

    private static final String KEY = "test-api-key";
    /** A per-account key with every scope, for the sessions' own account: still not the operator. */
    private static final String TENANT_KEY = "ccu_tenant123456_every-scope-of-acc";
    static AccessRecords records;
    private static final String PATH = "/admin/viewers/erasures";
    private static final String JOB = "142bbf588a574e018de94136a664cfaf";
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:30Z");
    private static final String FIRST_OF_USER_1 = "11111111111111111111111111111111";
    private static final String SECOND_OF_USER_1 = "33333333333333333333333333333333";
    private static final String OF_USER_2 = "22222222222222222222222222222222";

    /** Acknowledges what it is given, or refuses everything while {@code failing}. */
    static final class RecordingSink implements ErasureSink {
        final List<ViewerErasure> published = new CopyOnWriteArrayList<>();
        volatile boolean failing;

        @Override
        public CompletionStage<Void> publish(List<ViewerErasure> erasures) {
            if (failing) {
                return CompletableFuture.failedFuture(new IllegalStateException("broker away"));
            }
            published.addAll(erasures);
            return CompletableFuture.completedFuture(null);
        }
    }

    static final RecordingSink sink = new RecordingSink();
    /** The view's loading state, as its reader would report it. */
    static final AtomicReference<Optional<String>> viewLoading = new AtomicReference<>(Optional.empty());
    static MinuteCountsView counts;
    static ViewerSessionsView sessions;
    static WebClient client;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void deploy(Vertx vertx, VertxTestContext test) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        counts = new MinuteCountsView("127.0.0.1:9", stateDir.resolve("minute-counts"), Duration.ofDays(7), Duration.ofHours(24), clock);
        sessions = new ViewerSessionsView("127.0.0.1:9", Duration.ofHours(48), clock);
        long earlier = NOW.minusSeconds(3600).toEpochMilli();
        for (String session : List.of(FIRST_OF_USER_1, SECOND_OF_USER_1)) {
            sessions.apply(session, session(session, earlier, new Viewer("gold", "plan=gold", "user-1", true)));
        }
        sessions.apply(OF_USER_2, session(OF_USER_2, earlier, new Viewer("gold", null, "user-2", true)));
        OpsRoutes ops = new OpsRoutes(HealthCheck.ALWAYS, HealthCheck.ALWAYS, Metrics.newRegistry("api"));
        KeyRing keys = KeyRing.detached();
        keys.apply("tenant123456", new ApiKey("tenant123456", "acc's everything", KeyText.sha256(TENANT_KEY), List.of("acc"),
                List.of("counts", "viewers", "sessions-admin"), 0, 0));
        Access access = new Access(Optional.of(KEY), keys, new KeyUses(Metrics.newRegistry("api"), Optional.empty(), clock), clock);
        records = new AccessRecords("127.0.0.1:9", "route-test");
        ApiVerticle verticle = new ApiVerticle(0, new CcuRoutes(counts, new BlockingQueries(4), clock, Duration.ofDays(7), Duration.ofDays(31), Duration.ofHours(24)),
                new ViewerReportRoutes(sessions, new JobAccounts(counts), new BlockingQueries(4), clock, Duration.ofDays(7)),
                new ViewerErasureRoutes(sessions, viewLoading::get, sink, clock), access, new KeyAdminRoutes(keys, records, clock), ops,
                new PlaybackRoutes(new PlaybackCountsView("127.0.0.1:9", Duration.ofDays(35), clock),
                        new RetentionView("127.0.0.1:9", Duration.ofDays(35), clock), new BlockingQueries(4)),
                new CdnRoutes(new CdnTrafficView("127.0.0.1:9", Duration.ofDays(35), clock), new BlockingQueries(4)),
                new QoeRoutes(new QoeView("127.0.0.1:9", Duration.ofDays(35), clock), new BlockingQueries(4)));
        vertx.deployVerticle(verticle).onComplete(test.succeeding(id -> {
            client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(verticle.actualPort()));
            test.completeNow();
        }));
    }

    @AfterAll
    static void closeViews() {
        counts.close();
        records.close();
        sessions.reader().close();
    }

    @BeforeEach
    void emptySink() {
        sink.published.clear();
        sink.failing = false;
        viewLoading.set(Optional.empty());
    }

    private static ViewerSession session(String sessionId, long atMs, Viewer viewer) {
        return ViewerSession.of(new Beacon("44444444444444444444444444444444", JOB, sessionId, "acc", Side.SS, atMs, atMs)
                .withViewer(viewer));
    }

    static Future<HttpResponse<Buffer>> post(String body) {
        return client.post(PATH).putHeader("x-api-key", KEY).putHeader("content-type", "application/json")
                .sendBuffer(Buffer.buffer(body));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                             | 400 | body must be a JSON object",
            "not json                                       | 400 | body must be a JSON object",
            "[\"user-1\"]                                   | 400 | body must be a JSON object",
            "{}                                             | 400 | give either user_id or sessionid",
            "{\"user_id\":\"user-1\",\"sessionid\":\"" + FIRST_OF_USER_1 + "\"} | 400 | give either user_id or sessionid",
            "{\"userId\":\"user-1\"}                        | 400 | unknown field userId",
            "{\"user_id\":42}                               | 400 | user_id must be a string of 1 to 256 characters",
            "{\"user_id\":\"\"}                             | 400 | user_id must be a string of 1 to 256 characters",
            "{\"user_id\":null}                             | 400 | user_id must be a string of 1 to 256 characters",
            "{\"sessionid\":\"abc\"}                        | 400 | sessionid must be 32 hex digits",
            "{\"sessionid\":123}                            | 400 | sessionid must be 32 hex digits",
    })
    void badRequestsAre400WithAReasonAndEraseNothing(String body, int status, String reason, VertxTestContext test) {
        post(body).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(status, reply.statusCode(), reply.bodyAsString());
            assertEquals("application/json", reply.getHeader("content-type"));
            assertTrue(reply.bodyAsJsonObject().getString("error").contains(reason), reply.bodyAsString());
            assertEquals(List.of(), sink.published);
            test.completeNow();
        })));
    }

    @Test
    void aTooLongUserIdAnOversizeBodyAMissingKeyAGetAndATenantsKeyAreRefused(VertxTestContext test) {
        post("{\"user_id\":\"" + "u".repeat(257) + "\"}")
                .compose(tooLong -> post("{\"user_id\":\"" + "u".repeat(5000) + "\"}")
                        .compose(oversize -> client.post(PATH).sendBuffer(Buffer.buffer("{\"user_id\":\"user-1\"}"))
                                .compose(noKey -> client.request(HttpMethod.GET, PATH).putHeader("x-api-key", KEY).send()
                                        .compose(get -> client.post(PATH).putHeader("x-api-key", TENANT_KEY)
                                                .sendBuffer(Buffer.buffer("{\"user_id\":\"user-1\"}"))
                                                .map(tenant -> List.of(tooLong, oversize, noKey, get, tenant))))))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    assertEquals(List.of(400, 413, 401, 405, 403), replies.stream().map(HttpResponse::statusCode).toList());
                    assertTrue(replies.get(4).bodyAsJsonObject().getString("error").contains("only the operator key"),
                            "a tenant's key, even with every scope, erases nothing");
                    assertEquals(List.of(), sink.published);
                    test.completeNow();
                })));
    }

    @Test
    void byUserIdEveryOneOfTheViewersSessionsIsErasedAndNoOtherOnceAcknowledged(VertxTestContext test) {
        post("{\"user_id\":\"user-1\"}").onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(202, reply.statusCode(), reply.bodyAsString());
            assertEquals("application/json", reply.getHeader("content-type"));
            assertEquals(new JsonObject().put("count", 2).put("sessionids", new JsonArray().add(FIRST_OF_USER_1).add(SECOND_OF_USER_1)),
                    reply.bodyAsJsonObject());
            assertEquals(List.of(new ViewerErasure(FIRST_OF_USER_1, NOW.toEpochMilli()), new ViewerErasure(SECOND_OF_USER_1, NOW.toEpochMilli())),
                    sink.published, "one erasure per session, keyed by session, and the user id nowhere in them");
            test.completeNow();
        })));
    }

    @Test
    void bySessionIdThatSessionIsErasedEvenWhenThisInstanceDoesNotHoldIt(VertxTestContext test) {
        String unknown = "55555555-5555-5555-5555-55555555555A";   // a dashed upper-case UUID is the same id
        post("{\"sessionid\":\"" + unknown + "\"}").onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(202, reply.statusCode(), reply.bodyAsString());
            assertEquals(new JsonObject().put("count", 1).put("sessionids", new JsonArray().add("5555555555555555555555555555555a")),
                    reply.bodyAsJsonObject());
            assertEquals(List.of("5555555555555555555555555555555a"), sink.published.stream().map(ViewerErasure::sessionId).toList());
            test.completeNow();
        })));
    }

    @Test
    void aUserWithoutSessionsWithinTheRetentionErasesNothing(VertxTestContext test) {
        post("{\"user_id\":\"nobody\"}").onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(202, reply.statusCode(), reply.bodyAsString());
            assertEquals(new JsonObject().put("count", 0).put("sessionids", new JsonArray()), reply.bodyAsJsonObject());
            assertEquals(List.of(), sink.published);
            test.completeNow();
        })));
    }

    @Test
    void byUserIdWhileTheViewIsStillLoadingIsA503ToRetryNotAnIncompleteErasure(VertxTestContext test) {
        viewLoading.set(Optional.of("not caught up with ccu.viewer-sessions yet"));
        post("{\"user_id\":\"user-1\"}").onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(503, reply.statusCode(), reply.bodyAsString());
            assertEquals("5", reply.getHeader("retry-after"));
            assertEquals(List.of(), sink.published);
            test.completeNow();
        })));
    }

    @Test
    void kafkaNotAcknowledgingIsA503ToRetry(VertxTestContext test) {
        sink.failing = true;
        post("{\"user_id\":\"user-2\"}").onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(503, reply.statusCode(), reply.bodyAsString());
            assertEquals("5", reply.getHeader("retry-after"));
            assertTrue(reply.bodyAsJsonObject().getString("error").contains("retry"), reply.bodyAsString());
            test.completeNow();
        })));
    }
}
