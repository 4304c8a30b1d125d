package liveccu.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import liveccu.collector.ccu.BeaconMetrics;
import liveccu.collector.ccu.BeaconParser;
import liveccu.collector.ccu.BeaconRoutes;
import liveccu.collector.limit.ClientRateLimit;
import liveccu.collector.limit.RateLimitGate;
import liveccu.collector.ccu.BeaconSecret;
import liveccu.collector.intake.GeoIp;
import liveccu.collector.intake.GeoIpSettings;
import liveccu.collector.intake.IpHasher;
import liveccu.collector.playback.PlaybackRoutes;
import liveccu.collector.playback.PlaybackSettings;
import liveccu.collector.intake.TrustedProxies;
import liveccu.collector.publish.IntakePublisher;
import liveccu.collector.publish.BeaconSink;
import liveccu.collector.publish.PlayerEventSink;
import liveccu.collector.viewers.TokenMode;
import liveccu.collector.viewers.ViewerPolicy;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.PlayerEvent;
import liveccu.model.RejectedBeacon;
import liveccu.model.Side;
import liveccu.ops.http.HealthCheck;
import liveccu.ops.http.OpsRoutes;
import liveccu.ops.metrics.Metrics;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.GeoIpTestData;
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
 * The playback routes (player events, CMCD reports) on the real collector verticle, with Kafka replaced
 * by an in-memory sink whose acknowledgements the test may hold back.
 */
@ExtendWith(VertxExtension.class)
class PlaybackRoutesTest {

    private static final String JOB = "142bbf588a574e018de94136a664cfaf";
    private static final byte[] IP_SECRET = "route-test-secret-of-16+ bytes".getBytes(StandardCharsets.UTF_8);
    private static final IpHasher HASHER = new IpHasher(IP_SECRET);

    /** Kafka as the routes see it: acknowledges at once, later (held), or not at all. */
    static final class Sinks implements BeaconSink, PlayerEventSink {
        final List<PlayerEvent> events = new CopyOnWriteArrayList<>();
        final List<Beacon> beacons = new CopyOnWriteArrayList<>();
        final List<RejectedBeacon> rejected = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
        volatile boolean hold;
        volatile Optional<String> unavailable = Optional.empty();

        private CompletionStage<Void> ack() {
            if (unavailable.isPresent()) {
                return CompletableFuture.failedFuture(new IntakePublisher.KafkaUnavailable(unavailable.get(), null));
            }
            if (hold) {
                CompletableFuture<Void> later = new CompletableFuture<>();
                held.add(later);
                return later;
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> publish(PlayerEvent event) {
            if (unavailable.isEmpty()) {
                events.add(event);
            }
            return ack();
        }

        @Override
        public CompletionStage<Void> publish(Beacon beacon) {
            if (unavailable.isEmpty()) {
                beacons.add(beacon);
            }
            return ack();
        }

        @Override
        public boolean recordRejection(RejectedBeacon record) {
            rejected.add(record);
            return true;
        }
    }

    static final Sinks SINKS = new Sinks();
    /** The real lookup on the GeoIP test databases (GeoLite2 Country and ASN of 2018, CC BY-SA 4.0). */
    private static GeoIp geoIp;

    static synchronized GeoIp geoIp() {
        if (geoIp == null) {
            try {
                geoIp = GeoIp.open(new GeoIpSettings(Optional.of(GeoIpTestData.geoLite2Country()),
                        Optional.of(GeoIpTestData.geoLite2Asn())));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return geoIp;
    }
    static WebClient client;
    static int port;

    @BeforeAll
    static void deploy(Vertx vertx, VertxTestContext test) {
        var registry = Metrics.newRegistry("collector");
        OpsRoutes ops = new OpsRoutes(HealthCheck.ALWAYS, () -> SINKS.unavailable, registry);
        ViewerPolicy viewers = new ViewerPolicy(new ViewerTokens(new TokenSettings(Optional.empty(), List.of(), Duration.ofSeconds(30))),
                TokenMode.OPEN, Map.of());
        deploy(vertx, registry, ClientRateLimit.off()).onComplete(test.succeeding(bound -> {
            client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(bound));
            PlaybackRoutesTest.port = bound;
            test.completeNow();
        }));
    }

    /** The collector's verticle with the playback routes, as Collector wires them; completes with its port. */
    static Future<Integer> deploy(Vertx vertx, PrometheusMeterRegistry registry, ClientRateLimit limit) {
        OpsRoutes ops = new OpsRoutes(HealthCheck.ALWAYS, () -> SINKS.unavailable, registry);
        ViewerPolicy viewers = new ViewerPolicy(new ViewerTokens(new TokenSettings(Optional.empty(), List.of(), Duration.ofSeconds(30))),
                TokenMode.OPEN, Map.of());
        var settings = new PlaybackSettings(4096, 16384, 5, TrustedProxies.parse("127.0.0.1", new java.util.ArrayList<>()), Optional.empty(), Set.of("off"),
                GeoIpSettings.NONE);
        BeaconSecret secret = new BeaconSecret(Optional.empty());
        BeaconMetrics metrics = new BeaconMetrics(registry);
        var playback = new PlaybackRoutes(settings, CountingRules.defaults(), secret,
                new RateLimitGate(limit, SINKS, "requests", () -> { }, () -> { }), SINKS, SINKS, HASHER, geoIp(), registry);
        AtomicInteger port = new AtomicInteger();
        return vertx.deployVerticle(new CollectorVerticle(0,
                        new BeaconRoutes(new BeaconParser(CountingRules.defaults()), secret, limit, viewers, SINKS, metrics), ops,
                        port, List.of(playback)))
                .map(id -> port.get());
    }

    @Test
    void aClientOverTheRateLimitIsAnswered429AndNothingItSentIsWritten(VertxTestContext test) {
        // a Vert.x of its own: servers of one Vert.x on port 0 share a port, and this limit must not reach the other tests
        Vertx vertx = Vertx.vertx();
        // two requests at once, refilled at 1/s on a clock that never moves; one bucket per client whatever it sends
        ClientRateLimit limit = new ClientRateLimit(1, 2, 1000, TrustedProxies.NONE, () -> 0L);
        List<String> playbacks = List.of(randomId(), randomId(), randomId());
        deploy(vertx, Metrics.newRegistry("collector"), limit).compose(bound -> {
            WebClient limited = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(bound));
            java.util.function.Function<String, Future<HttpResponse<Buffer>>> send = playback -> limited
                    .post("/v1/accounts/acc-1/events").putHeader("content-type", "application/x-ndjson")
                    .putHeader("user-agent", "TestPlayer/1.0").sendBuffer(Buffer.buffer(event("play", playback)));
            return send.apply(playbacks.get(0)).compose(first -> send.apply(playbacks.get(1))
                    .compose(second -> send.apply(playbacks.get(2)).map(third -> List.of(first, second, third))));
        }).onComplete(test.succeeding(replies -> test.verify(() -> {
            assertEquals(List.of(204, 204, 429), replies.stream().map(HttpResponse::statusCode).toList());
            assertEquals("1", replies.get(2).getHeader("retry-after"));
            assertTrue(body(replies.get(2)).contains("too many requests from this client"), body(replies.get(2)));
            assertEquals(List.of(true, true, false), playbacks.stream()
                    .map(playback -> SINKS.events.stream().anyMatch(e -> e.playbackId().equals(playback))).toList(),
                    "the refused request's event is never written");
            assertTrue(SINKS.rejected.stream().anyMatch(r -> r.reason().equals("rate-limited")
                    && r.path().equals("/v1/accounts/acc-1/events")), "the refusal is recorded");
            vertx.close().onComplete(closed -> test.completeNow());
        })));
    }

    @AfterAll
    static void closeGeoIp() throws IOException {
        if (geoIp != null) {
            geoIp.close();
        }
    }

    @AfterEach
    void kafkaBack() {
        SINKS.unavailable = Optional.empty();
        SINKS.hold = false;
        SINKS.held.forEach(ack -> ack.complete(null));
        SINKS.held.clear();
    }

    static Future<HttpResponse<Buffer>> post(String path, byte[] body, String... headers) {
        var request = client.request(HttpMethod.POST, path);
        for (int i = 0; i < headers.length; i += 2) {
            request.putHeader(headers[i], headers[i + 1]);
        }
        return request.sendBuffer(Buffer.buffer(body));
    }

    static Future<HttpResponse<Buffer>> post(String path, String body, String... headers) {
        return post(path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    static String body(HttpResponse<Buffer> reply) {
        return reply.body() == null ? "" : reply.bodyAsString();
    }

    static long now() {
        return System.currentTimeMillis();
    }

    static String event(String type, String playbackId) {
        return "{\"event\":\"" + type + "\",\"playback_id\":\"" + playbackId + "\",\"time\":" + now()
                + ",\"content_id\":\"c1\",\"seconds\":10}";
    }

    static byte[] gzip(byte[] plain) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(plain);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String randomId() {
        return java.util.UUID.randomUUID().toString();
    }

    @Test
    void playerEventsAreAnswered204OnlyAfterKafkaAcknowledgedEveryOne(VertxTestContext test) throws Exception {
        SINKS.hold = true;
        String playback = randomId();
        AtomicBoolean answered = new AtomicBoolean();
        var reply = post("/v1/accounts/acc-1/events", event("play", playback) + "\n" + event("playing", playback),
                "user-agent", "TestPlayer/1.0", "content-type", "application/x-ndjson")
                .onComplete(r -> answered.set(true));
        Eventually.await(Duration.ofSeconds(5), "both events handed to Kafka", SINKS.held::size, n -> n == 2);
        SINKS.held.get(0).complete(null);
        Thread.sleep(200);
        assertFalse(answered.get(), "no answer while one event is unacknowledged");
        SINKS.held.get(1).complete(null);
        reply.onComplete(test.succeeding(r -> test.verify(() -> {
            assertEquals(204, r.statusCode(), body(r));
            assertEquals("*", r.getHeader("access-control-allow-origin"));
            List<PlayerEvent> mine = SINKS.events.stream().filter(e -> e.playbackId().equals(playback)).toList();
            assertEquals(List.of("play", "playing"), mine.stream().map(PlayerEvent::type).toList());
            PlayerEvent first = mine.get(0);
            assertEquals(List.of("player", "acc-1", "Others", "TestPlayer/1.0", HASHER.hash("127.0.0.1", first.receivedAtMs())),
                    List.of(first.source(), first.accountId(), first.property(), first.userAgent(), first.ipHash()));
            test.completeNow();
        })));
        assertTrue(test.awaitCompletion(10, TimeUnit.SECONDS));
    }

    @Test
    void aGzippedJsonArrayIsAccepted(VertxTestContext test) {
        String playback = randomId();
        byte[] body = gzip(("[" + event("play", playback) + "," + event("pause", playback) + "]").getBytes(StandardCharsets.UTF_8));
        post("/v1/accounts/acc-1/events", body, "content-encoding", "gzip", "content-type", "application/json")
                .onComplete(test.succeeding(r -> test.verify(() -> {
                    assertEquals(204, r.statusCode(), body(r));
                    assertEquals(2, SINKS.events.stream().filter(e -> e.playbackId().equals(playback)).count());
                    test.completeNow();
                })));
    }

    @Test
    void aBodyLabelledAsAFormIsReadAsSentAsCurlDataBinarySendsIt(VertxTestContext test) {
        String playback = randomId();
        byte[] body = gzip((event("play", playback) + "\n").getBytes(StandardCharsets.UTF_8));
        post("/v1/accounts/acc-1/events", body, "content-encoding", "gzip", "content-type", "application/x-www-form-urlencoded")
                .onComplete(test.succeeding(r -> test.verify(() -> {
                    assertEquals(204, r.statusCode(), body(r));
                    assertEquals(1, SINKS.events.stream().filter(e -> e.playbackId().equals(playback)).count());
                    test.completeNow();
                })));
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWhileItArrives(Vertx vertx, VertxTestContext test) {
        var http = vertx.createHttpClient();
        http.request(HttpMethod.POST, port, "127.0.0.1", "/v1/accounts/acc-1/events")
                .compose(request -> {
                    request.setChunked(true);
                    request.write(" ".repeat(3000));
                    request.write(" ".repeat(3000));
                    request.end();
                    return request.response();
                })
                .compose(response -> response.body().map(body -> List.of(response.statusCode(), body.toString())))
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(413, reply.get(0), reply.get(1).toString());
                    assertTrue(reply.get(1).toString().contains("over 4 KiB"), reply.get(1).toString());
                    test.completeNow();
                })));
    }

    @Test
    void aBadLineIsRejectedWithItsReasonAndTheRestOfTheBatchKept(VertxTestContext test) {
        String playback = randomId();
        post("/v1/accounts/acc-1/events", event("play", playback) + "\nnot json\n" + event("stop", playback))
                .onComplete(test.succeeding(r -> test.verify(() -> {
                    assertEquals(200, r.statusCode(), body(r));
                    JsonObject answer = r.bodyAsJsonObject();
                    assertEquals(1, answer.getInteger("accepted"));
                    assertEquals(2, answer.getInteger("rejected_count"));
                    assertEquals(List.of(1, "bad-event"), List.of(answer.getJsonArray("rejected").getJsonObject(0).getInteger("index"),
                            answer.getJsonArray("rejected").getJsonObject(0).getString("reason")));
                    assertEquals(1, SINKS.events.stream().filter(e -> e.playbackId().equals(playback)).count());
                    assertTrue(SINKS.rejected.stream().anyMatch(x -> x.reason().equals("bad-event")
                            && x.message().startsWith("event 2: event must be one of")));
                    test.completeNow();
                })));
    }

    @Test
    void theClientIsTheForwardedAddressOnlyBehindATrustedProxy(VertxTestContext test) {
        String playback = randomId();
        // the test's connection comes from 127.0.0.1, a trusted proxy in these settings
        post("/v1/accounts/acc-1/events", event("play", playback), "x-forwarded-for", "203.0.113.9, 198.51.100.20")
                .onComplete(test.succeeding(r -> test.verify(() -> {
                    assertEquals(204, r.statusCode(), body(r));
                    PlayerEvent event = SINKS.events.stream().filter(e -> e.playbackId().equals(playback)).findFirst().orElseThrow();
                    assertEquals(HASHER.hash("198.51.100.20", event.receivedAtMs()), event.ipHash());
                    test.completeNow();
                })));
    }

    @Test
    void eventsAndReportsCarryTheCountryAndSystemOfTheClientBehindTheProxyAndNeverItsAddress(VertxTestContext test) {
        String placed = randomId();
        String privateClient = randomId();
        String sid = randomId();
        // 127.0.0.1 is the trusted proxy: the client is the rightmost hop it does not trust
        post("/v1/accounts/acc-1/events", event("play", placed), "x-forwarded-for", "203.0.113.9, " + GeoIpTestData.PUBLIC_IP)
                .compose(r -> post("/v1/accounts/acc-1/events", event("play", privateClient), "x-forwarded-for", "10.0.0.7"))
                .compose(r -> post("/cmcd/acc-1/" + JOB, "e=ps,sid=\"" + sid + "\",sta=p,v=2\n", "content-type", "application/cmcd",
                        "x-forwarded-for", GeoIpTestData.PUBLIC_IP))
                .onComplete(test.succeeding(r -> test.verify(() -> {
                    assertEquals(204, r.statusCode(), body(r));
                    List<Object> expected = List.of(GeoIpTestData.PUBLIC_IP_COUNTRY, GeoIpTestData.PUBLIC_IP_ASN,
                            GeoIpTestData.PUBLIC_IP_AS_ORG);
                    for (String id : List.of(placed, sid)) {
                        PlayerEvent event = SINKS.events.stream().filter(e -> e.playbackId().equals(id)).findFirst().orElseThrow();
                        assertEquals(expected, List.of(event.country(), event.asn(), event.asOrg()), event.toString());
                        assertEquals(HASHER.hash(GeoIpTestData.PUBLIC_IP, event.receivedAtMs()), event.ipHash());
                        assertFalse(event.toString().contains(GeoIpTestData.PUBLIC_IP), event.toString());
                    }
                    PlayerEvent unplaced = SINKS.events.stream().filter(e -> e.playbackId().equals(privateClient)).findFirst().orElseThrow();
                    assertEquals(java.util.Arrays.asList(null, null, null),
                            java.util.Arrays.asList(unplaced.country(), unplaced.asn(), unplaced.asOrg()), "a private address: no answer");
                    test.completeNow();
                })));
    }

    @Test
    void withoutKafkaABatchGetsA503WithRetryAfter(VertxTestContext test) {
        SINKS.unavailable = Optional.of("Kafka unreachable or topics not known yet (TimeoutException)");
        post("/v1/accounts/acc-1/events", event("play", randomId()))
                .compose(events -> post("/cmcd/acc-1/" + JOB, "e=ps,sid=\"" + randomId() + "\",sta=p,v=2\n",
                        "content-type", "application/cmcd").map(cmcd -> List.of(events, cmcd)))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    for (var r : replies) {
                        assertEquals(503, r.statusCode(), body(r));
                        assertEquals("5", r.getHeader("retry-after"));
                        assertTrue(body(r).contains("Kafka unreachable"), body(r));
                    }
                    test.completeNow();
                })));
    }

    @Test
    void aCmcdReportWhilePlayingIsAnEventAndAClientSideHeartbeatOfTheJob(VertxTestContext test) {
        String playing = randomId();
        String paused = randomId();
        long ts = now();
        String body = "e=ps,sid=\"" + playing + "\",cid=\"c1\",ts=" + ts + ",sta=p,v=2\n"
                + "e=ps,sid=\"" + paused + "\",cid=\"c1\",ts=" + ts + ",sta=a,v=2\n";
        post("/cmcd/acc-1/" + JOB, body, "content-type", "application/cmcd", "user-agent", "hls.js test")
                .onComplete(test.succeeding(r -> test.verify(() -> {
                    assertEquals(204, r.statusCode(), body(r));
                    assertEquals(2, SINKS.events.stream().filter(e -> e.playbackId().equals(playing) || e.playbackId().equals(paused)).count());
                    String session = playing.replace("-", "");
                    Beacon heartbeat = SINKS.beacons.stream().filter(b -> b.sessionId().equals(session)).findFirst().orElseThrow();
                    assertEquals(List.of(JOB, "acc-1", Side.CS, ts), List.of(heartbeat.jobId(), heartbeat.accountId(),
                            heartbeat.side(), heartbeat.beaconTimeMs()));
                    assertTrue(SINKS.beacons.stream().noneMatch(b -> b.sessionId().equals(paused.replace("-", ""))),
                            "a paused player is no heartbeat");
                    test.completeNow();
                })));
    }

    @Test
    void theOlderTextCmcdContentTypeIsAcceptedToo(VertxTestContext test) {
        post("/cmcd/acc-1/" + JOB, "e=t,sid=\"" + randomId() + "\",sta=p", "content-type", "text/cmcd; charset=utf-8")
                .onComplete(test.succeeding(r -> test.verify(() -> {
                    assertEquals(204, r.statusCode(), body(r));
                    test.completeNow();
                })));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON at all           | /v1/accounts/acc-1/events | [broken      | -          | 400 | bad-body         | not a JSON array",
            "no valid event            | /v1/accounts/acc-1/events | {\"a\":1}     | -          | 400 | bad-event        | no valid event in the batch",
            "too many events           | /v1/accounts/acc-1/events | SIX_EVENTS   | -          | 413 | too-many-events  | at most 5",
            "body over the limit       | /v1/accounts/acc-1/events | LARGE        | -          | 413 | body-too-large   | over 4 KiB",
            "gzip bomb                 | /v1/accounts/acc-1/events | BOMB         | gzip       | 413 | body-too-large   | once decompressed",
            "not gzip though said so   | /v1/accounts/acc-1/events | {}           | gzip       | 400 | bad-body         | not valid gzip",
            "another encoding          | /v1/accounts/acc-1/events | {}           | br         | 415 | unsupported-media-type | Content-Encoding br",
            "bad account               | /v1/accounts/a%20b/events | {}           | -          | 400 | bad-accountid    | accountid must be",
            "CMCD as JSON              | /cmcd/acc-1/JOB           | {}           | json       | 415 | unsupported-media-type | application/cmcd",
            "CMCD no valid report      | /cmcd/acc-1/JOB           | e=t,,        | cmcd       | 400 | bad-cmcd-report  | no valid report",
            "CMCD job not an id        | /cmcd/acc-1/not-a-job     | e=t          | cmcd       | 410 | target-gone      | no such CMCD target",
            "CMCD account malformed    | /cmcd/a%20b/JOB           | e=t          | cmcd       | 410 | target-gone      | no such CMCD target",
            "CMCD account disabled     | /cmcd/off/JOB             | e=t          | cmcd       | 410 | target-gone      | disabled for this account",
            "GET on the events path    | GET /v1/accounts/acc-1/events | -        | -          | 405 |                  | not allowed",
    })
    void badInputGetsA4xxWithAReasonAndARejectedRecord(String label, String path, String body, String kind, int status,
                                                         String reason, String message, VertxTestContext test) {
        String target = path.replace("JOB", JOB);
        byte[] bytes = switch (body) {
            case "SIX_EVENTS" -> (event("play", "x") + "\n").repeat(6).getBytes(StandardCharsets.UTF_8);
            case "LARGE" -> ("[" + " ".repeat(5000) + "]").getBytes(StandardCharsets.UTF_8);
            case "BOMB" -> gzip(new byte[1024 * 1024]);
            default -> body.getBytes(StandardCharsets.UTF_8);
        };
        List<String> headers = switch (kind) {
            case "gzip" -> List.of("content-encoding", "gzip");
            case "br" -> List.of("content-encoding", "br");
            case "json" -> List.of("content-type", "application/json");
            case "cmcd" -> List.of("content-type", "application/cmcd");
            default -> List.of();
        };
        int before = SINKS.rejected.size();
        Future<HttpResponse<Buffer>> reply = target.startsWith("GET ")
                ? client.request(HttpMethod.GET, target.substring(4)).send()
                : post(target, bytes, headers.toArray(String[]::new));
        reply.onComplete(test.succeeding(r -> test.verify(() -> {
            assertEquals(status, r.statusCode(), label + ": " + body(r));
            assertEquals("application/json", r.getHeader("content-type"));
            assertTrue(body(r).contains(message), body(r));
            if (reason != null) {
                List<RejectedBeacon> recorded = SINKS.rejected.subList(before, SINKS.rejected.size());
                assertTrue(recorded.stream().anyMatch(x -> x.reason().equals(reason) && x.rejectedBy().equals("collector")
                        && x.beacon() == null), recorded.toString());
            }
            test.completeNow();
        })));
    }

    @Test
    void browsersMayPreflightCmcdReportsAndGzippedEvents(VertxTestContext test) {
        client.request(HttpMethod.OPTIONS, "/cmcd/acc-1/" + JOB)
                .putHeader("origin", "https://player.example")
                .putHeader("access-control-request-method", "POST")
                .putHeader("access-control-request-headers", "content-type,content-encoding")
                .send().onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(204, reply.statusCode());
                    assertEquals("*", reply.getHeader("access-control-allow-origin"));
                    assertTrue(reply.getHeader("access-control-allow-methods").contains("POST"));
                    String allowed = reply.getHeader("access-control-allow-headers").toLowerCase();
                    assertTrue(allowed.contains("content-type") && allowed.contains("content-encoding"), allowed);
                    test.completeNow();
                })));
    }
}
