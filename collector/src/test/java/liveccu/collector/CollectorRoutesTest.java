package liveccu.collector;

import static liveccu.testsupport.RandomIds.hex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import liveccu.collector.ccu.BeaconMetrics;
import liveccu.collector.ccu.BeaconParser;
import liveccu.collector.ccu.BeaconRoutes;
import liveccu.collector.ccu.BeaconSecret;
import liveccu.collector.limit.ClientRateLimit;
import liveccu.collector.intake.TrustedProxies;
import liveccu.collector.publish.IntakePublisher;
import liveccu.collector.publish.BeaconSink;
import liveccu.collector.viewers.TokenMode;
import liveccu.collector.viewers.ViewerPolicy;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.RejectedBeacon;
import liveccu.model.Side;
import liveccu.model.Viewer;
import liveccu.ops.http.HealthCheck;
import liveccu.ops.http.OpsRoutes;
import liveccu.ops.metrics.Metrics;
import liveccu.testsupport.Tokens;
import liveccu.tokens.TokenSettings;
import liveccu.tokens.ViewerTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The collector's HTTP routes on the real verticle, with beacons and rejections kept in memory
 * instead of Kafka: what each beacon URL is answered, CORS, health, 503 while Kafka is away,
 * per-account beacon secrets, and the per-client rate limit (429, never a written beacon).
 */
@ExtendWith(VertxExtension.class)
class CollectorRoutesTest {

    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    private static final String SEED_GUID = "242bbf588a574e018de94136a664cfaf";
    private static final String SEED_JOB = "142bbf588a574e018de94136a664cfaf";
    private static final String SEED_SESSION = "142bbf588a574e018de94136a664cfbc";

    /** Kafka as the verticle sees it: takes everything, or is unavailable with a reason. */
    static final class InMemorySink implements BeaconSink {
        final List<Beacon> published = new CopyOnWriteArrayList<>();
        final List<RejectedBeacon> rejected = new CopyOnWriteArrayList<>();
        volatile Optional<String> unavailable = Optional.empty();

        @Override
        public CompletionStage<Void> publish(Beacon beacon) {
            if (unavailable.isPresent()) {
                return CompletableFuture.failedFuture(new IntakePublisher.KafkaUnavailable(unavailable.get(), null));
            }
            published.add(beacon);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean recordRejection(RejectedBeacon record) {
            rejected.add(record);
            return true;
        }

        Optional<String> unavailableReason() {
            return unavailable;
        }
    }

    static final InMemorySink SINK = new InMemorySink();
    /** Open, no limit: most tests. */
    static WebClient client;
    /** A collector-wide secret and two accounts with their own. */
    static WebClient secured;
    /** A limit of 3 at once, refilled at 1/s on a clock that never moves; 127.0.0.1 is a trusted proxy. */
    static WebClient limited;
    static PrometheusMeterRegistry limitedRegistry;
    /** The same limit with no trusted proxy: X-Forwarded-For is ignored. */
    static WebClient untrusting;

    private static final String GLOBAL_SECRET = "collector-wide-secret";
    private static final Map<String, String> ACCOUNT_SECRETS = Map.of("acc1", "secret-one", "acc2", "secret=two");

    @BeforeAll
    static void deploy(Vertx vertx, VertxTestContext test) {
        limitedRegistry = Metrics.newRegistry("collector");
        LongSupplier stoppedClock = () -> 0L;
        List<String> errors = new ArrayList<>();
        TrustedProxies localhost = TrustedProxies.parse("127.0.0.1", errors);
        deploy(vertx, Metrics.newRegistry("collector"), new BeaconSecret(Optional.empty()), ClientRateLimit.off())
                .compose(open -> {
                    client = open;
                    return deploy(another(), Metrics.newRegistry("collector"), new BeaconSecret(Optional.of(GLOBAL_SECRET), ACCOUNT_SECRETS),
                            ClientRateLimit.off());
                })
                .compose(withSecrets -> {
                    secured = withSecrets;
                    return deploy(another(), limitedRegistry, new BeaconSecret(Optional.empty()),
                            new ClientRateLimit(1, 3, 1000, localhost, stoppedClock));
                })
                .compose(withLimit -> {
                    limited = withLimit;
                    return deploy(another(), Metrics.newRegistry("collector"), new BeaconSecret(Optional.empty()),
                            new ClientRateLimit(1, 3, 1000, TrustedProxies.NONE, stoppedClock));
                })
                .onComplete(test.succeeding(withLimitNoProxy -> {
                    untrusting = withLimitNoProxy;
                    test.verify(() -> assertEquals(List.of(), errors));
                    test.completeNow();
                }));
    }

    /** More collectors than the first: each on its own Vert.x, as port 0 shares one port within one Vert.x. */
    static final List<Vertx> MORE = new CopyOnWriteArrayList<>();

    static Vertx another() {
        Vertx vertx = Vertx.vertx();
        MORE.add(vertx);
        return vertx;
    }

    @AfterAll
    static void closeTheOthers() {
        MORE.forEach(Vertx::close);
    }

    /** Wired as Collector.start wires it, with the sink in place of the Kafka publisher. */
    static Future<WebClient> deploy(Vertx vertx, PrometheusMeterRegistry registry, BeaconSecret secret, ClientRateLimit limit) {
        OpsRoutes ops = new OpsRoutes(HealthCheck.ALWAYS, SINK::unavailableReason, registry);
        ViewerPolicy viewers = new ViewerPolicy(new ViewerTokens(new TokenSettings(Optional.of(SECRET), List.of(), Duration.ofSeconds(30))),
                TokenMode.OPEN, Map.of("paid", TokenMode.REQUIRED));
        AtomicInteger port = new AtomicInteger();
        BeaconMetrics metrics = new BeaconMetrics(registry);
        metrics.countRateLimitClients(limit);
        return vertx.deployVerticle(new CollectorVerticle(0,
                        new BeaconRoutes(new BeaconParser(CountingRules.defaults()), secret, limit, viewers, SINK, metrics), ops, port))
                .map(id -> WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port.get())));
    }

    @AfterEach
    void kafkaBack() {
        SINK.unavailable = Optional.empty();
    }

    static Future<HttpResponse<Buffer>> get(String pathAndQuery, String... headers) {
        return get(client, pathAndQuery, headers);
    }

    static Future<HttpResponse<Buffer>> get(WebClient client, String pathAndQuery, String... headers) {
        var request = client.request(HttpMethod.GET, pathAndQuery);
        for (int i = 0; i < headers.length; i += 2) {
            request.putHeader(headers[i], headers[i + 1]);
        }
        return request.send();
    }

    static String body(HttpResponse<Buffer> reply) {
        return reply.body() == null ? "" : reply.bodyAsString();
    }

    @Test
    void theSeedUrlsAreAnsweredWithAnEmpty200AfterKafkaTookTheBeacon(VertxTestContext test) {
        String path = "/" + SEED_GUID + "/" + SEED_JOB + "/" + SEED_SESSION + "/123456789/1534640088.5/csheartbeat";
        get(path).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(200, reply.statusCode(), body(reply));
            assertEquals("", body(reply));
            assertEquals("no-store", reply.getHeader("cache-control"));
            assertEquals("*", reply.getHeader("access-control-allow-origin"));
            Beacon beacon = SINK.published.stream().filter(b -> b.sessionId().equals(SEED_SESSION)).findFirst().orElseThrow();
            assertEquals(List.of(SEED_JOB, "123456789", Side.CS, 1534640088500L),
                    List.of(beacon.jobId(), beacon.accountId(), beacon.side(), beacon.beaconTimeMs()));
            test.completeNow();
        })));
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource({
            "GET, /nothex0000000000000000000000000/J/S/123/NOW/heartbeat, 400, bad-guid, guid must be 32 hex digits",
            "GET, /G/142bbf588a574e018de94136a664cfa/S/123/NOW/heartbeat, 400, bad-jobid, jobid must be 32 hex digits",
            "GET, /G/J/not-a-session/123/NOW/csheartbeat, 400, bad-sessionid, sessionid must be 32 hex digits",
            "GET, /G/J/S/acc%20ount/NOW/heartbeat, 400, bad-accountid, accountid must be 1-64",
            "GET, /G/J/S/123/yesterday/heartbeat, 400, bad-time, time must be Unix seconds",
            "GET, /G/J/S/123/12345/heartbeat, 400, time-out-of-range, is before the year 2000",
            "GET, /G/J/S/123/FUTURE/heartbeat, 400, in-future, ahead of the collector's clock",
            "GET, /G/J/S/paid/NOW/heartbeat?trackingId=unsigned, 401, token-missing, viewer token",
            "GET, /G/J/S/123/NOW/heartbeat?token=not-a-jwt, 400, token-malformed, token",
            "GET, /G/J/S/123/NOW/heartbeat?token=FORGED, 401, token-invalid, token",
            "GET, /G/J/S/123/NOW/heartbeat?token=OTHER_ACCOUNT, 403, token-wrong-account, token",
            "GET, /G/J/S/123/NOW/pulse, 404, , no such resource",
            "GET, /G/J/S/123/NOW/extra/heartbeat, 404, , no such resource",
            "GET, /G/J/S/123/heartbeat, 404, , no such resource",
            "POST, /G/J/S/123/NOW/heartbeat, 405, , not allowed",
            "DELETE, /G/J/S/123/NOW/csheartbeat, 405, , not allowed",
    })
    void everyMalformedBeaconGetsA4xxWithAReasonAndARecordWithoutTheQuery(String method, String template, int status,
                                                                           String recordedReason, String message,
                                                                           VertxTestContext test) {
        long now = System.currentTimeMillis() / 1000;
        Date expiry = Date.from(Instant.now().plusSeconds(600));
        String forged = Tokens.hs256("another-secret-of-at-least-32-bytes!!", new JWTClaimsSet.Builder().expirationTime(expiry).build());
        String otherAccount = Tokens.hs256(SECRET, new JWTClaimsSet.Builder().claim("accid", "someone-else").expirationTime(expiry).build());
        String pathAndQuery = template.replace("/G/", "/" + hex32() + "/").replace("/J/", "/" + hex32() + "/")
                .replace("/S/", "/" + hex32() + "/").replace("NOW", Long.toString(now))
                .replace("FUTURE", Long.toString(now + 3600)).replace("FORGED", forged).replace("OTHER_ACCOUNT", otherAccount);
        String path = pathAndQuery.split("\\?")[0];

        client.request(HttpMethod.valueOf(method), pathAndQuery).send().onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(status, reply.statusCode(), body(reply));
            assertEquals("application/json", reply.getHeader("content-type"));
            assertTrue(body(reply).contains(message), body(reply));
            assertFalse(body(reply).contains(forged) || body(reply).contains(otherAccount), "the answer never echoes a token");
            List<RejectedBeacon> recorded = SINK.rejected.stream().filter(r -> r.path().equals(path)).toList();
            if (recordedReason == null) {
                assertEquals(List.of(), recorded, "no route, no beacon: nothing to record");
            } else {
                assertEquals(List.of(recordedReason, "collector"), List.of(recorded.get(0).reason(), recorded.get(0).rejectedBy()));
            }
            assertTrue(SINK.published.stream().noneMatch(b -> pathAndQuery.contains(b.sessionId())), "nothing published");
            test.completeNow();
        })));
    }

    @Test
    void aSignedTokenInTheHeaderIdentifiesATrustedViewer(VertxTestContext test) {
        String session = hex32();
        String token = Tokens.hs256(SECRET, new JWTClaimsSet.Builder().claim("accid", "paid").claim("uid", "viewer-1")
                .claim("tracking", Map.of("trackingId", "gold", "customViewerData", "plan=gold"))
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        get("/" + hex32() + "/" + hex32() + "/" + session + "/paid/" + System.currentTimeMillis() / 1000 + "/heartbeat",
                "authorization", "Bearer " + token).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(200, reply.statusCode(), body(reply));
            Beacon beacon = SINK.published.stream().filter(b -> b.sessionId().equals(session)).findFirst().orElseThrow();
            assertEquals(new Viewer("gold", "plan=gold", "viewer-1", true), beacon.viewer());
            test.completeNow();
        })));
    }

    @Test
    void browsersMayPreflightTheKeyAndTokenHeaders(VertxTestContext test) {
        client.request(HttpMethod.OPTIONS, "/" + hex32() + "/" + hex32() + "/" + hex32() + "/123/1534640088/heartbeat")
                .putHeader("origin", "https://player.example")
                .putHeader("access-control-request-method", "GET")
                .putHeader("access-control-request-headers", "authorization,x-api-key")
                .send().onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(204, reply.statusCode());
                    assertEquals("*", reply.getHeader("access-control-allow-origin"));
                    String allowed = reply.getHeader("access-control-allow-headers").toLowerCase();
                    assertTrue(allowed.contains("authorization") && allowed.contains("x-api-key"), allowed);
                    assertEquals("3600", reply.getHeader("access-control-max-age"));
                    test.completeNow();
                })));
    }

    @Test
    void withoutKafkaBeaconsGetA503WithRetryAfterAndReadinessIsDownWhileLivenessStaysUp(VertxTestContext test) {
        SINK.unavailable = Optional.of("Kafka unreachable or topics not known yet (TimeoutException)");
        String path = "/" + hex32() + "/" + hex32() + "/" + hex32() + "/123/" + System.currentTimeMillis() / 1000 + "/heartbeat";
        get(path).compose(beacon -> get("/health/ready").compose(ready -> get("/health/live")
                        .map(live -> List.of(beacon, ready, live))))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    HttpResponse<Buffer> beacon = replies.get(0);
                    assertEquals(503, beacon.statusCode());
                    assertEquals("5", beacon.getHeader("retry-after"));
                    assertTrue(body(beacon).contains("Kafka unreachable"), body(beacon));
                    assertEquals(List.of(503, "{\"status\":\"DOWN\",\"reason\":\"Kafka unreachable or topics not known yet (TimeoutException)\"}"),
                            List.of(replies.get(1).statusCode(), body(replies.get(1))));
                    assertEquals(List.of(200, "{\"status\":\"UP\"}"), List.of(replies.get(2).statusCode(), body(replies.get(2))));
                    test.completeNow();
                })));
    }

    @Test
    void readyWithKafkaAndServesMetrics(VertxTestContext test) {
        get("/health/ready").compose(ready -> get("/metrics").map(metrics -> List.of(ready, metrics)))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    assertEquals(List.of(200, "{\"status\":\"UP\"}"), List.of(replies.get(0).statusCode(), body(replies.get(0))));
                    assertEquals(200, replies.get(1).statusCode());
                    assertTrue(body(replies.get(1)).contains("ccu_beacons_accepted_total"), body(replies.get(1)));
                    test.completeNow();
                })));
    }

    static String beaconPath(String session, String account) {
        return "/" + hex32() + "/" + hex32() + "/" + session + "/" + account + "/" + System.currentTimeMillis() / 1000 + "/heartbeat";
    }

    @ParameterizedTest(name = "account {0}, x-api-key {1}, ?key= {2} -> {3}")
    @CsvSource(nullValues = "null", value = {
            // an account with its own secret: that one, in the header or the query, and no other
            "acc1, secret-one, null, 200, ",
            "acc1, null, secret-one, 200, ",
            "acc2, secret=two, null, 200, ",
            "acc1, collector-wide-secret, null, 401, wrong beacon key: this account has its own key",
            "acc1, secret=two, null, 401, wrong beacon key: this account has its own key",
            "acc1, null, null, 401, missing beacon key: this account has its own key",
            // any other account: the collector-wide secret
            "acc3, collector-wide-secret, null, 200, ",
            "acc3, null, collector-wide-secret, 200, ",
            "acc3, secret-one, null, 401, wrong beacon key (header x-api-key or query parameter key)",
            "acc3, null, null, 401, missing beacon key (header x-api-key or query parameter key)",
    })
    void eachAccountNeedsItsOwnSecretElseTheCollectorWideOne(String account, String header, String query, int status,
                                                            String message, VertxTestContext test) {
        String session = hex32();
        String path = beaconPath(session, account);
        String pathAndQuery = query == null ? path : path + "?key=" + query.replace("=", "%3D");
        get(secured, pathAndQuery, header == null ? new String[0] : new String[] {"x-api-key", header})
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(status, reply.statusCode(), body(reply));
                    boolean published = SINK.published.stream().anyMatch(b -> b.sessionId().equals(session));
                    List<RejectedBeacon> recorded = SINK.rejected.stream().filter(r -> r.path().equals(path)).toList();
                    if (status == 200) {
                        assertTrue(published, "the beacon was written");
                        assertEquals(List.of(), recorded);
                    } else {
                        assertTrue(body(reply).startsWith("{\"error\":\"" + message), body(reply));
                        assertFalse(published, "nothing written");
                        assertEquals("bad-key", recorded.get(0).reason());
                        assertTrue(recorded.get(0).message().startsWith(message), recorded.get(0).message());
                        for (String secret : List.of(GLOBAL_SECRET, "secret-one", "secret=two")) {
                            assertFalse(body(reply).contains(secret) || recorded.toString().contains(secret), "never a secret");
                        }
                    }
                    test.completeNow();
                })));
    }

    /** Sends {@code count} well-formed beacons at once; answers in the order sent, with each one's session. */
    static Future<List<Map.Entry<String, HttpResponse<Buffer>>>> flood(WebClient client, int count, String... headers) {
        List<Future<Map.Entry<String, HttpResponse<Buffer>>>> replies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String session = hex32();
            replies.add(get(client, beaconPath(session, "123"), headers).map(reply -> Map.entry(session, reply)));
        }
        return Future.all(replies).map(all -> all.<Map.Entry<String, HttpResponse<Buffer>>>list());
    }

    static long status(List<Map.Entry<String, HttpResponse<Buffer>>> replies, int status) {
        return replies.stream().filter(reply -> reply.getValue().statusCode() == status).count();
    }

    @Test
    void aBurstOverTheLimitGets429WithRetryAfterAndEvery200dBeaconAndNo429dOneIsStored(VertxTestContext test) {
        String client = "198.51.100.1";
        flood(limited, 8, "x-forwarded-for", client).compose(replies -> get(limited, "/metrics").map(metrics -> {
            test.verify(() -> {
                assertEquals(List.of(3L, 5L), List.of(status(replies, 200), status(replies, 429)), "a bucket of 3, and no time passes");
                for (var reply : replies) {
                    boolean stored = SINK.published.stream().anyMatch(b -> b.sessionId().equals(reply.getKey()));
                    if (reply.getValue().statusCode() == 200) {
                        assertTrue(stored, "a 200 means written");
                    } else {
                        assertFalse(stored, "a 429 is never written");
                        assertEquals("1", reply.getValue().getHeader("retry-after"));
                        assertEquals("application/json", reply.getValue().getHeader("content-type"));
                        assertEquals("*", reply.getValue().getHeader("access-control-allow-origin"));
                        assertEquals("{\"error\":\"too many beacons from this client: over its rate limit, retry after 1 s\"}",
                                body(reply.getValue()));
                    }
                }
                List<RejectedBeacon> recorded = SINK.rejected.stream().filter(r -> r.reason().equals("rate-limited")
                        && r.message().contains("client " + client + ";")).toList();
                assertEquals(1, recorded.size(), "one record for the five 429s: a flood does not flood the rejected topic");
                assertTrue(body(metrics).contains("ccu_beacons_rate_limited_total{service=\"collector\"} 5.0"), body(metrics));
                assertFalse(body(metrics).contains("reason=\"rate-limited\""), "429s are not among the other rejections");
                assertTrue(body(metrics).contains("ccu_rate_limit_clients{service=\"collector\"}"), body(metrics));
            });
            return null;
        })).onComplete(test.succeedingThenComplete());
    }

    @Test
    void xForwardedForNamesTheClientOnlyWhenATrustedProxySentIt(VertxTestContext test) {
        // 127.0.0.1 is a trusted proxy for `limited`: each forwarded client has its own bucket of 3
        Future<List<List<Map.Entry<String, HttpResponse<Buffer>>>>> viaProxy = Future.all(
                        flood(limited, 4, "x-forwarded-for", "198.51.100.2"),
                        flood(limited, 4, "x-forwarded-for", "203.0.113.66, 198.51.100.3"))
                .map(all -> all.list());
        // for `untrusting` the header is the client's own claim: both share 127.0.0.1's bucket of 3
        Future<List<List<Map.Entry<String, HttpResponse<Buffer>>>>> direct = Future.all(
                        flood(untrusting, 4, "x-forwarded-for", "198.51.100.2"),
                        flood(untrusting, 4, "x-forwarded-for", "198.51.100.3"))
                .map(all -> all.list());
        Future.all(viaProxy, direct).onComplete(test.succeeding(all -> test.verify(() -> {
            List<List<Map.Entry<String, HttpResponse<Buffer>>>> proxied = all.resultAt(0);
            List<List<Map.Entry<String, HttpResponse<Buffer>>>> unproxied = all.resultAt(1);
            assertEquals(List.of(3L, 3L), proxied.stream().map(replies -> status(replies, 200)).toList());
            assertEquals(3L, unproxied.stream().mapToLong(replies -> status(replies, 200)).sum());
            assertEquals(5L, unproxied.stream().mapToLong(replies -> status(replies, 429)).sum());
            test.completeNow();
        })));
    }
}
