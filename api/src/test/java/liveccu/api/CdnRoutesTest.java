package liveccu.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
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
import liveccu.access.Access;
import liveccu.access.AccessRecords;
import liveccu.access.admin.KeyAdminRoutes;
import liveccu.access.audit.KeyUses;
import liveccu.access.keys.KeyRing;
import liveccu.access.keys.KeyText;
import liveccu.api.cdn.CdnRoutes;
import liveccu.api.cdn.CdnTrafficView;
import liveccu.api.erasure.ViewerErasureRoutes;
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
import liveccu.model.ApiKey;
import liveccu.model.CdnTraffic;
import liveccu.ops.http.HealthCheck;
import liveccu.ops.http.OpsRoutes;
import liveccu.ops.metrics.Metrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /cdn} on the real verticle, the CDN view filled directly (no Kafka): minutes, hours and
 * days, a newer record replacing an older one, the cache status and status groups of each row, the
 * filters, group_by, JSON and CSV, the minutes' window, query validation and the access check.
 */
@ExtendWith(VertxExtension.class)
class CdnRoutesTest {

    private static final String KEY = "test-api-key";
    /** A per-account key for ACCOUNT only. */
    private static final String TENANT_KEY = "ccu_tenant123456_counts-of-one-account";
    private static final String ACCOUNT = "123456789";
    private static final Instant NOW = Instant.parse("2026-11-23T12:30:00Z");
    private static final long ELEVEN = Instant.parse("2026-11-23T11:00:00Z").toEpochMilli();
    private static final long TWELVE = ELEVEN + CdnTraffic.HOUR_MS;
    private static final long DAY = Instant.parse("2026-11-23T00:00:00Z").getEpochSecond();

    static CdnTrafficView cdn;
    static MinuteCountsView counts;
    static ViewerSessionsView sessions;
    static AccessRecords records;
    static WebClient client;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void deploy(Vertx vertx, VertxTestContext test) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        cdn = new CdnTrafficView("127.0.0.1:9", Duration.ofDays(35), clock);
        for (CdnTraffic traffic : List.of(
                // minutes: FRA's 12:00 first as an earlier record of the same key, then its totals
                minute(TWELVE, "vod", "cdn.example.com", "FRA", "movie-1", 4, 2000, 4, 0, 0, 4, 0, 0, 0),
                minute(TWELVE, "vod", "cdn.example.com", "FRA", "movie-1", 10, 5000, 7, 2, 0, 8, 0, 1, 1),
                minute(TWELVE, "vod", "cdn.example.com", "AMS", "movie-1", 5, 2500, 5, 0, 0, 5, 0, 0, 0),
                minute(TWELVE + 60_000, "live", "live.example.com", "FRA", null, 4, 1000, 0, 0, 0, 2, 2, 0, 0),
                traffic("other-account", CdnTraffic.MINUTE_MS, TWELVE, "vod", "cdn.example.com", "FRA", "movie-1",
                        9, 9000, 9, 0, 0, 9, 0, 0, 0),
                // hours
                hour(TWELVE, "vod", "cdn.example.com", "FRA", "movie-1", 10, 5000, 7, 2, 0, 8, 0, 1, 1),
                hour(TWELVE, "vod", "cdn.example.com", "AMS", "movie-1", 5, 2500, 5, 0, 0, 5, 0, 0, 0),
                hour(TWELVE, "live", "live.example.com", "FRA", null, 4, 1000, 0, 0, 0, 2, 2, 0, 0),
                hour(ELEVEN, "vod", "cdn.example.com", "FRA", "movie-2", 20, 40_000, 10, 10, 0, 20, 0, 0, 0),
                hour(Instant.parse("2026-11-21T08:00:00Z").toEpochMilli(), "vod", "cdn.example.com", "FRA", "movie-1",
                        100, 100_000, 50, 25, 0, 90, 0, 0, 10),
                traffic("other-account", CdnTraffic.HOUR_MS, TWELVE, "vod", "cdn.example.com", "FRA", "movie-1",
                        9, 9000, 9, 0, 0, 9, 0, 0, 0))) {
            cdn.apply(traffic.key(), traffic);
        }
        counts = new MinuteCountsView("127.0.0.1:9", stateDir.resolve("minute-counts"), Duration.ofDays(7), Duration.ofHours(24), clock);
        sessions = new ViewerSessionsView("127.0.0.1:9", Duration.ofHours(48), clock);
        KeyRing keys = KeyRing.detached();
        keys.apply("tenant123456", new ApiKey("tenant123456", "one account's counts", KeyText.sha256(TENANT_KEY), List.of(ACCOUNT),
                List.of("counts"), 0, 0));
        Access access = new Access(Optional.of(KEY), keys, new KeyUses(Metrics.newRegistry("api"), Optional.empty(), clock), clock);
        records = new AccessRecords("127.0.0.1:9", "route-test");
        ApiVerticle verticle = new ApiVerticle(0, new CcuRoutes(counts, new BlockingQueries(4), clock, Duration.ofDays(7), Duration.ofDays(31), Duration.ofHours(24)),
                new ViewerReportRoutes(sessions, new JobAccounts(counts), new BlockingQueries(4), clock, Duration.ofDays(7)),
                new ViewerErasureRoutes(sessions, HealthCheck.ALWAYS, erasures -> CompletableFuture.completedFuture(null), clock),
                access, new KeyAdminRoutes(keys, records, clock),
                new OpsRoutes(HealthCheck.ALWAYS, HealthCheck.ALWAYS, Metrics.newRegistry("api")),
                new PlaybackRoutes(new PlaybackCountsView("127.0.0.1:9", Duration.ofDays(35), clock),
                        new RetentionView("127.0.0.1:9", Duration.ofDays(35), clock), new BlockingQueries(4)),
                new CdnRoutes(cdn, new BlockingQueries(4)),
                new QoeRoutes(new QoeView("127.0.0.1:9", Duration.ofDays(35), clock), new BlockingQueries(4)));
        vertx.deployVerticle(verticle).onComplete(test.succeeding(id -> {
            client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(verticle.actualPort()));
            test.completeNow();
        }));
    }

    @AfterAll
    static void close() {
        cdn.minuteReader().close();
        cdn.hourReader().close();
        sessions.reader().close();
        counts.close();
        records.close();
    }

    @Test
    void minutesWithCacheStatusAndStatusGroupsAndTheNewestRecordOfAKey(VertxTestContext test) {
        // 12:00-12:30 lies in the minutes' window and is under 6 hours: minutes by default too
        String query = "/cdn?accountid=" + ACCOUNT + "&from=" + TWELVE / 1000 + "&to=" + NOW.getEpochSecond();
        JsonArray expected = new JsonArray("""
                [{"time":"2026-11-23T12:00:00Z","requests":15,"bytes":7500,"hits":12,"misses":2,"other":1,"hit_ratio":0.8571,
                  "errors":1,"status_1xx":0,"status_2xx":13,"status_3xx":0,"status_4xx":1,"status_5xx":1},
                 {"time":"2026-11-23T12:01:00Z","requests":4,"bytes":1000,"hits":0,"misses":0,"other":4,"hit_ratio":null,
                  "errors":0,"status_1xx":0,"status_2xx":2,"status_3xx":2,"status_4xx":0,"status_5xx":0}]""");
        get(query + "&interval=minute", KEY)
                .compose(reply -> {
                    test.verify(() -> {
                        assertEquals(200, reply.statusCode(), reply.bodyAsString());
                        assertEquals("application/json", reply.getHeader("content-type"));
                        assertEquals(expected, reply.bodyAsJsonArray());
                    });
                    return get(query, KEY);
                })
                .onComplete(test.succeeding(byDefault -> test.verify(() -> {
                    assertEquals(expected, byDefault.bodyAsJsonArray());
                    test.completeNow();
                })));
    }

    @Test
    void hoursInTimeOrder(VertxTestContext test) {
        get("/cdn?accountid=" + ACCOUNT + "&from=" + ELEVEN / 1000 + "&to=" + (TWELVE / 1000 + 3600) + "&interval=hour", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals(new JsonArray("""
                            [{"time":"2026-11-23T11:00:00Z","requests":20,"bytes":40000,"hits":10,"misses":10,"other":0,"hit_ratio":0.5,
                              "errors":0,"status_1xx":0,"status_2xx":20,"status_3xx":0,"status_4xx":0,"status_5xx":0},
                             {"time":"2026-11-23T12:00:00Z","requests":19,"bytes":8500,"hits":12,"misses":2,"other":5,"hit_ratio":0.8571,
                              "errors":1,"status_1xx":0,"status_2xx":15,"status_3xx":2,"status_4xx":1,"status_5xx":1}]"""),
                            reply.bodyAsJsonArray());
                    test.completeNow();
                })));
    }

    @Test
    void daysAreTheSumsOfTheirHoursAndTheDefaultBeyondAWeek(VertxTestContext test) {
        JsonArray expected = new JsonArray("""
                [{"time":"2026-11-21T00:00:00Z","requests":100,"bytes":100000,"hits":50,"misses":25,"other":25,"hit_ratio":0.6667,
                  "errors":10,"status_1xx":0,"status_2xx":90,"status_3xx":0,"status_4xx":0,"status_5xx":10},
                 {"time":"2026-11-23T00:00:00Z","requests":39,"bytes":48500,"hits":22,"misses":12,"other":5,"hit_ratio":0.6471,
                  "errors":1,"status_1xx":0,"status_2xx":35,"status_3xx":2,"status_4xx":1,"status_5xx":1}]""");
        get("/cdn?accountid=" + ACCOUNT + "&from=" + (DAY - 2 * 86_400) + "&to=" + (DAY + 86_400) + "&interval=day", KEY)
                .compose(reply -> {
                    test.verify(() -> assertEquals(expected, reply.bodyAsJsonArray(), reply.bodyAsString()));
                    return get("/cdn?accountid=" + ACCOUNT + "&from=" + (DAY - 7 * 86_400) + "&to=" + (DAY + 86_400), KEY);
                })
                .onComplete(test.succeeding(eightDays -> test.verify(() -> {
                    assertEquals(expected, eightDays.bodyAsJsonArray(), eightDays.bodyAsString());
                    test.completeNow();
                })));
    }

    @Test
    void trafficPerPop(VertxTestContext test) {
        get("/cdn?accountid=" + ACCOUNT + "&from=" + DAY + "&to=" + (DAY + 86_400) + "&interval=day&group_by=pop", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(new JsonArray("""
                            [{"time":"2026-11-23T00:00:00Z","pop":"AMS","requests":5,"bytes":2500,"hits":5,"misses":0,"other":0,"hit_ratio":1.0,
                              "errors":0,"status_1xx":0,"status_2xx":5,"status_3xx":0,"status_4xx":0,"status_5xx":0},
                             {"time":"2026-11-23T00:00:00Z","pop":"FRA","requests":34,"bytes":46000,"hits":17,"misses":12,"other":5,"hit_ratio":0.5862,
                              "errors":1,"status_1xx":0,"status_2xx":30,"status_3xx":2,"status_4xx":1,"status_5xx":1}]"""),
                            reply.bodyAsJsonArray());
                    test.completeNow();
                })));
    }

    @Test
    void oneZoneHostAndContentAsCsvGroupedByContent(VertxTestContext test) {
        // the host in another case: hosts are case-insensitive
        get("/cdn?accountid=" + ACCOUNT + "&from=" + DAY + "&to=" + (DAY + 86_400)
                + "&interval=hour&zone=vod&host=CDN.Example.com&contentid=movie-1&group_by=content&format=csv", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals("text/csv; charset=utf-8", reply.getHeader("content-type"));
                    assertEquals("attachment; filename=\"cdn.csv\"", reply.getHeader("content-disposition"));
                    assertEquals("""
                            time,content_id,requests,bytes,hits,misses,other,hit_ratio,errors,status_1xx,status_2xx,status_3xx,status_4xx,status_5xx
                            2026-11-23T12:00:00Z,movie-1,15,7500,12,2,1,0.8571,1,0,13,0,1,1
                            """, reply.bodyAsString());
                    test.completeNow();
                })));
    }

    @Test
    void aRowWithoutContentOrCacheStatusLeavesThoseCellsEmptyInCsv(VertxTestContext test) {
        get("/cdn?accountid=" + ACCOUNT + "&from=" + TWELVE / 1000 + "&to=" + NOW.getEpochSecond()
                + "&zone=live&group_by=content&format=csv", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals("""
                            time,content_id,requests,bytes,hits,misses,other,hit_ratio,errors,status_1xx,status_2xx,status_3xx,status_4xx,status_5xx
                            2026-11-23T12:01:00Z,,4,1000,0,0,4,,0,0,2,2,0,0
                            """, reply.bodyAsString());
                    test.completeNow();
                })));
    }

    @Test
    void minutesOnlyWithinTheLast25Hours(VertxTestContext test) {
        long firstMinute = Instant.parse("2026-11-22T11:30:00Z").getEpochSecond();
        get("/cdn?accountid=" + ACCOUNT + "&from=" + firstMinute + "&to=" + (firstMinute + 60) + "&interval=minute", KEY)
                .compose(inside -> {
                    test.verify(() -> assertEquals(new JsonArray(), inside.bodyAsJsonArray(), inside.bodyAsString()));
                    return get("/cdn?accountid=" + ACCOUNT + "&from=" + (firstMinute - 60) + "&to=" + firstMinute + "&interval=minute", KEY);
                })
                .compose(before -> {
                    test.verify(() -> {
                        assertEquals(400, before.statusCode(), before.bodyAsString());
                        assertEquals("interval=minute only within the last 25 hours (what this API keeps of minutes): from must be at"
                                + " or after 2026-11-22T11:30:00Z (" + firstMinute + "); use hour or day",
                                before.bodyAsJsonObject().getString("error"));
                    });
                    // without interval, a short range before the minutes' window is answered in hours
                    return get("/cdn?accountid=" + ACCOUNT + "&from=" + (DAY - 2 * 86_400 + 8 * 3600) + "&to=" + (DAY - 2 * 86_400 + 9 * 3600), KEY);
                })
                .onComplete(test.succeeding(hours -> test.verify(() -> {
                    assertEquals(200, hours.statusCode(), hours.bodyAsString());
                    assertEquals("2026-11-21T08:00:00Z", hours.bodyAsJsonArray().getJsonObject(0).getString("time"));
                    assertEquals(100, hours.bodyAsJsonArray().getJsonObject(0).getLong("requests"));
                    test.completeNow();
                })));
    }

    @Test
    void aKeyOfTheAccountReadsItAndNoOther(VertxTestContext test) {
        get("/cdn?accountid=" + ACCOUNT + "&from=" + DAY + "&to=" + (DAY + 86_400), TENANT_KEY)
                .compose(own -> {
                    test.verify(() -> assertEquals(200, own.statusCode(), own.bodyAsString()));
                    return get("/cdn?accountid=other-account&from=" + DAY + "&to=" + (DAY + 86_400), TENANT_KEY);
                })
                .onComplete(test.succeeding(other -> test.verify(() -> {
                    assertEquals(403, other.statusCode(), other.bodyAsString());
                    assertTrue(other.bodyAsJsonObject().getString("error").contains("may not read account other-account"),
                            other.bodyAsString());
                    test.completeNow();
                })));
    }

    @Test
    void withoutTheKeyNothing(VertxTestContext test) {
        client.get("/cdn?accountid=" + ACCOUNT + "&from=" + DAY + "&to=" + (DAY + 86_400)).send()
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(401, reply.statusCode(), reply.bodyAsString());
                    test.completeNow();
                })));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "/cdn?from=1795392000&to=1795478400; 400; accountid is required",
            "/cdn?accountid=a%7Cb&from=1795392000&to=1795478400; 400; accountid is required",
            "/cdn?accountid=123456789&to=1795478400; 400; from is required",
            "/cdn?accountid=123456789&from=1795392000; 400; to is required",
            "/cdn?accountid=123456789&from=yesterday&to=1795478400; 400; from must be Unix time",
            "/cdn?accountid=123456789&from=1795392000&to=-1; 400; to must be Unix time",
            "/cdn?accountid=123456789&from=1795478400&to=1795478400; 400; to must be after from",
            "/cdn?accountid=123456789&from=1790000000&to=1795478400; 400; the range is at most 35 days",
            "/cdn?accountid=123456789&from=1795392000&to=1795478400&interval=week; 400; interval must be minute, hour or day",
            "/cdn?accountid=123456789&from=1795392000&to=1795478400&group_by=status; 400; group_by must be one of pop, zone, host, content",
            "/cdn?accountid=123456789&from=1795392000&to=1795478400&zone=; 400; zone must be 1-256 characters",
            "/cdn?accountid=123456789&from=1795392000&to=1795478400&host=; 400; host must be 1-255 characters",
            "/cdn?accountid=123456789&from=1795392000&to=1795478400&contentid=; 400; contentid must be 1-256 characters",
            "/cdn?accountid=123456789&from=1795392000&to=1795478400&format=xml; 400; format must be json or csv",
    })
    void badQueriesAreRefusedWithTheirReason(String query, int status, String reason, VertxTestContext test) {
        get(query, KEY).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(status, reply.statusCode(), reply.bodyAsString());
            assertTrue(reply.bodyAsJsonObject().getString("error").startsWith(reason), reply.bodyAsString());
            test.completeNow();
        })));
    }

    private static CdnTraffic minute(long startMs, String zone, String host, String pop, String content, long requests,
                                     long bytes, long hits, long misses, long s1, long s2, long s3, long s4, long s5) {
        return traffic(ACCOUNT, CdnTraffic.MINUTE_MS, startMs, zone, host, pop, content, requests, bytes, hits, misses,
                s1, s2, s3, s4, s5);
    }

    private static CdnTraffic hour(long startMs, String zone, String host, String pop, String content, long requests,
                                   long bytes, long hits, long misses, long s1, long s2, long s3, long s4, long s5) {
        return traffic(ACCOUNT, CdnTraffic.HOUR_MS, startMs, zone, host, pop, content, requests, bytes, hits, misses,
                s1, s2, s3, s4, s5);
    }

    /** A period's totals as the aggregator writes them: requests, bytes, hits, misses, then status groups 1xx to 5xx. */
    private static CdnTraffic traffic(String account, long periodMs, long startMs, String zone, String host, String pop,
                                      String content, long requests, long bytes, long hits, long misses, long s1, long s2,
                                      long s3, long s4, long s5) {
        return new CdnTraffic(account, periodMs, startMs, zone, host, pop, content, requests, bytes, hits, misses,
                s1, s2, s3, s4, s5);
    }

    private static Future<HttpResponse<Buffer>> get(String pathAndQuery, String key) {
        return client.get(pathAndQuery).putHeader("x-api-key", key).send();
    }
}
