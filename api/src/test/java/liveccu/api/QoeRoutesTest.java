package liveccu.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import liveccu.access.Access;
import liveccu.access.AccessRecords;
import liveccu.access.admin.KeyAdminRoutes;
import liveccu.access.audit.KeyUses;
import liveccu.access.keys.KeyRing;
import liveccu.access.keys.KeyText;
import liveccu.api.ccu.CcuRoutes;
import liveccu.api.ccu.JobAccounts;
import liveccu.api.ccu.MinuteCountsView;
import liveccu.api.cdn.CdnRoutes;
import liveccu.api.cdn.CdnTrafficView;
import liveccu.api.erasure.ViewerErasureRoutes;
import liveccu.api.http.BlockingQueries;
import liveccu.api.playback.PlaybackCountsView;
import liveccu.api.playback.PlaybackRoutes;
import liveccu.api.playback.RetentionView;
import liveccu.api.qoe.QoeRoutes;
import liveccu.api.qoe.QoeView;
import liveccu.api.viewers.ViewerReportRoutes;
import liveccu.api.viewers.ViewerSessionsView;
import liveccu.model.ApiKey;
import liveccu.model.QoeCount;
import liveccu.model.QoeDimensions;
import liveccu.model.QoeRules;
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
 * {@code GET /qoe}, {@code /qoe/breakdown} and {@code /qoe/startup} on the real verticle, the QoE view filled
 * directly (no Kafka) with minute and hour records as the aggregator writes them: every metric computed from
 * a row's sums (never averaged), minutes by default for a short recent range, hours for any other dimension,
 * days and months, views playing only where one period is summed, the newest record of a key, all-zero
 * records left out, the breakdown's ranking by negative impact in both directions, the startup histogram,
 * JSON and CSV, query validation and the access check.
 */
@ExtendWith(VertxExtension.class)
class QoeRoutesTest {

    private static final String KEY = "test-api-key";
    /** A per-account key for ACCOUNT only. */
    private static final String TENANT_KEY = "ccu_tenant123456_counts-of-one-account";
    private static final String ACCOUNT = "123456789";
    private static final Instant NOW = Instant.parse("2026-11-23T12:30:00Z");
    private static final long TWELVE = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();
    private static final long ELEVEN = TWELVE - QoeCount.HOUR_MS;
    private static final long DAY = Instant.parse("2026-11-23T00:00:00Z").getEpochSecond();
    private static final long NOVEMBER_21_8H = Instant.parse("2026-11-21T08:00:00Z").toEpochMilli();

    private static final QoeDimensions LIVE = new QoeDimensions("match-1", "live", null, null, null, null, null, null, null, null);
    private static final QoeDimensions VOD = new QoeDimensions("movie-1", "vod", null, null, null, null, null, null, null, null);
    private static final QoeDimensions CHROME = new QoeDimensions("match-1", "live", "web", "Desktop", "Windows", "Chrome", "DE",
            3320L, "Deutsche Telekom AG", null);
    private static final QoeDimensions FIREFOX = new QoeDimensions("match-1", "live", "web", "Desktop", "Windows", "Firefox", "FR",
            3215L, "Orange", "manifestLoadError");
    private static final QoeDimensions SAFARI = new QoeDimensions("movie-1", "vod", "app", "Phone", "iOS", "Safari", "US",
            7922L, "Comcast", null);

    static QoeView qoe;
    static MinuteCountsView counts;
    static ViewerSessionsView sessions;
    static AccessRecords records;
    static WebClient client;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void deploy(Vertx vertx, VertxTestContext test) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        qoe = new QoeView("127.0.0.1:9", Duration.ofDays(35), clock);
        for (QoeCount count : List.of(
                // minutes: the live content's 12:00 first as an earlier record of the same key, then its totals
                minute(TWELVE, LIVE).views(1).build(),
                minute(TWELVE, LIVE).views(4).playing(3, 150_000, 3000).rebuffering(1, 10_000, 2).failures(1, 1)
                        .startups(1_000, 2_000, 3_000).build(),
                minute(TWELVE, VOD).views(1).playing(1, 60_000, 1000).startups(500).build(),
                minute(TWELVE + 60_000, LIVE).views(2).playing(4, 200_000, 3000).exits(1).startups(4_000).build(),
                minute(TWELVE + 120_000, LIVE).build(),                                   // all zeros: left out
                new Rec("other-account", QoeCount.MINUTE_MS, TWELVE, LIVE).views(9).build(),
                // hours: every dimension
                hour(TWELVE, CHROME).views(6).playing(5, 300_000, 3000).rebuffering(1, 20_000, 2).exits(1)
                        .startups(1_000, 1_000, 2_000, 2_000, 3_000).scores(6, 75, 550_000, 5, 80, 5, 90).build(),
                hour(TWELVE, FIREFOX).views(2).failures(2, 2).scores(2, 0, 0, 0, 0, 0, 0).build(),
                hour(TWELVE, SAFARI).views(2).playing(2, 120_000, 1000).startups(500, 1_500).scores(2, 95, 200_000, 2, 94, 2, 100)
                        .build(),
                hour(ELEVEN, CHROME).views(1).playing(1, 30_000, 2000).startups(6_000).build(),
                hour(NOVEMBER_21_8H, SAFARI).views(3).failures(1, 0).build(),            // another day
                new Rec("other-account", QoeCount.HOUR_MS, TWELVE, CHROME).views(9).build())) {
            qoe.apply(count.key(), count);
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
                new CdnRoutes(new CdnTrafficView("127.0.0.1:9", Duration.ofDays(35), clock), new BlockingQueries(4)),
                new QoeRoutes(qoe, new BlockingQueries(4)));
        vertx.deployVerticle(verticle).onComplete(test.succeeding(id -> {
            client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(verticle.actualPort()));
            test.completeNow();
        }));
    }

    @AfterAll
    static void close() {
        qoe.minuteReader().close();
        qoe.hourReader().close();
        sessions.reader().close();
        counts.close();
        records.close();
    }

    @Test
    void minutesByDefaultWithEveryMetricFromTheRowsSums(VertxTestContext test) {
        // 12:00-12:30 lies in the minutes' window, is under 6 hours and names no hour-only dimension: minutes
        JsonArray expected = new JsonArray("""
                [{"time":"2026-11-23T12:00:00Z","views":5,"playing_views":4,"rebuffering_views":1,
                  "failures":1,"failure_pct":20.0,"startup_failures":1,"startup_failure_pct":20.0,
                  "exits_before_start":0,"exit_before_start_pct":0.0,
                  "startups":4,"startup_mean_ms":1625,"startup_p50_ms":%d,"startup_p90_ms":%d,"startup_p95_ms":%d,
                  "played_s":210.0,"rebuffer_s":10.0,"rebuffer_pct":4.55,"rebuffers":2,"rebuffer_duration_s":5.0,
                  "rebuffers_per_minute":0.571,"avg_bitrate_kbps":2428.6,
                  "scored":0,"score":null,"success_score":null,"startup_score":null,"smoothness_score":null},
                 {"time":"2026-11-23T12:01:00Z","views":2,"playing_views":4,"rebuffering_views":0,
                  "failures":0,"failure_pct":0.0,"startup_failures":0,"startup_failure_pct":0.0,
                  "exits_before_start":1,"exit_before_start_pct":50.0,
                  "startups":1,"startup_mean_ms":4000,"startup_p50_ms":%d,"startup_p90_ms":%d,"startup_p95_ms":%d,
                  "played_s":200.0,"rebuffer_s":0.0,"rebuffer_pct":0.0,"rebuffers":0,"rebuffer_duration_s":null,
                  "rebuffers_per_minute":0.0,"avg_bitrate_kbps":3000.0,
                  "scored":0,"score":null,"success_score":null,"startup_score":null,"smoothness_score":null}]"""
                // 500, 1000, 2000, 3000 ms: the median is the 2nd (rank 1.5), p90 and p95 the 3rd (ranks 2.7, 2.85)
                .formatted(bucketMs(1_000), bucketMs(2_000), bucketMs(2_000), bucketMs(4_000), bucketMs(4_000), bucketMs(4_000)));
        String query = "/qoe?accountid=" + ACCOUNT + "&from=" + TWELVE / 1000 + "&to=" + NOW.getEpochSecond();
        get(query, KEY)
                .compose(byDefault -> {
                    test.verify(() -> {
                        assertEquals(200, byDefault.statusCode(), byDefault.bodyAsString());
                        assertEquals("application/json", byDefault.getHeader("content-type"));
                        assertEquals(expected, byDefault.bodyAsJsonArray());
                    });
                    return get(query + "&interval=minute", KEY);
                })
                .onComplete(test.succeeding(minutes -> test.verify(() -> {
                    assertEquals(expected, minutes.bodyAsJsonArray());
                    test.completeNow();
                })));
    }

    @Test
    void minutesSplitByContentAndFilteredByStreamType(VertxTestContext test) {
        get("/qoe?accountid=" + ACCOUNT + "&from=" + TWELVE / 1000 + "&to=" + NOW.getEpochSecond() + "&group_by=content", KEY)
                .compose(byContent -> {
                    test.verify(() -> assertEquals(List.of(
                                    row("2026-11-23T12:00:00Z", "match-1", 4, 3, 25.0),
                                    row("2026-11-23T12:00:00Z", "movie-1", 1, 1, 0.0),
                                    row("2026-11-23T12:01:00Z", "match-1", 2, 4, 0.0)),
                            pick(byContent, "time", "content_id", "views", "playing_views", "failure_pct")));
                    return get("/qoe?accountid=" + ACCOUNT + "&from=" + TWELVE / 1000 + "&to=" + NOW.getEpochSecond()
                            + "&stream_type=vod&group_by=stream_type", KEY);
                })
                .onComplete(test.succeeding(vod -> test.verify(() -> {
                    assertEquals(List.of(row("2026-11-23T12:00:00Z", "vod", 1, 60.0, 1000.0)),
                            pick(vod, "time", "stream_type", "views", "played_s", "avg_bitrate_kbps"));
                    test.completeNow();
                })));
    }

    @Test
    void anHourOnlyDimensionIsAnsweredFromHoursWithScores(VertxTestContext test) {
        get("/qoe?accountid=" + ACCOUNT + "&from=" + TWELVE / 1000 + "&to=" + NOW.getEpochSecond() + "&group_by=browser", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals(List.of(
                                    row("2026-11-23T12:00:00Z", "Chrome", 6, 5, 0.0, 16.67, 6.25, 75.0, 80.0, 90.0, 91.67),
                                    row("2026-11-23T12:00:00Z", "Firefox", 2, 0, 100.0, 0.0, null, 0.0, null, null, 0.0),
                                    row("2026-11-23T12:00:00Z", "Safari", 2, 2, 0.0, 0.0, 0.0, 95.0, 94.0, 100.0, 100.0)),
                            pick(reply, "time", "browser", "views", "playing_views", "failure_pct", "exit_before_start_pct",
                                    "rebuffer_pct", "score", "startup_score", "smoothness_score", "success_score"));
                    test.completeNow();
                })));
    }

    @Test
    void daysAndMonthsAreTheSumsOfTheirHoursAndCountNoViewsPlayingAcrossHours(VertxTestContext test) {
        String range = "&from=" + (DAY - 2 * 86_400) + "&to=" + (DAY + 86_400);
        get("/qoe?accountid=" + ACCOUNT + range + "&interval=day", KEY)
                .compose(days -> {
                    test.verify(() -> assertEquals(List.of(
                                    row("2026-11-21T00:00:00Z", 3, null, 1, 33.33, null),
                                    // 12:00's 10 views and 11:00's 1; 8 startups: 500 1000 1000 1500 2000 2000 3000 6000
                                    row("2026-11-23T00:00:00Z", 11, null, 2, 18.18, bucketMs(1_500))),
                            pick(days, "time", "views", "playing_views", "failures", "failure_pct", "startup_p50_ms")));
                    return get("/qoe?accountid=" + ACCOUNT + range + "&interval=month", KEY);
                })
                .compose(months -> {
                    test.verify(() -> assertEquals(List.of(row("2026-11-01T00:00:00Z", 14, null, 3)),
                            pick(months, "time", "views", "playing_views", "failures")));
                    // an hour of one period: views playing in it are a count
                    return get("/qoe?accountid=" + ACCOUNT + "&from=" + ELEVEN / 1000 + "&to=" + (TWELVE / 1000 + 3600)
                            + "&interval=hour", KEY);
                })
                .onComplete(test.succeeding(hours -> test.verify(() -> {
                    assertEquals(List.of(row("2026-11-23T11:00:00Z", 1, 1, 2000.0), row("2026-11-23T12:00:00Z", 10, 7, 2428.6)),
                            pick(hours, "time", "views", "playing_views", "avg_bitrate_kbps"));
                    test.completeNow();
                })));
    }

    @Test
    void filtersOnNetworkErrorAndCountryOfAnyCase(VertxTestContext test) {
        String range = "/qoe?accountid=" + ACCOUNT + "&from=" + TWELVE / 1000 + "&to=" + (TWELVE / 1000 + 3600);
        get(range + "&country=fr&error_code=manifestLoadError", KEY)
                .compose(france -> {
                    test.verify(() -> assertEquals(List.of(row(2, 2, 100.0)),
                            pick(france, "views", "startup_failures", "startup_failure_pct")));
                    return get(range + "&asn=3320&group_by=asn", KEY);
                })
                .onComplete(test.succeeding(telekom -> test.verify(() -> {
                    assertEquals(List.of(row(3320, "Deutsche Telekom AG", 6)), pick(telekom, "asn", "as_org", "views"));
                    test.completeNow();
                })));
    }

    @Test
    void aBreakdownRanksValuesByExcessTimesShareOfViews(VertxTestContext test) {
        // 10 views, 2 failures: 20 %; Firefox 100 % on 20 % of views drags it by 16 points, Safari and Chrome pull it up
        get("/qoe/breakdown?accountid=" + ACCOUNT + "&from=" + TWELVE / 1000 + "&to=" + (TWELVE / 1000 + 3600)
                + "&dimension=browser&metric=failure_pct", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals(new JsonObject("""
                            {"dimension":"browser","metric":"failure_pct","worse":"higher","weight":"views","period":"hour",
                             "from":"2026-11-23T12:00:00Z","to":"2026-11-23T13:00:00Z",
                             "overall":{"value":20.0,"views":10,"weight":10},
                             "values":[{"browser":"Firefox","value":100.0,"views":2,"weight":2,"share":0.2,"impact":16.0},
                                       {"browser":"Safari","value":0.0,"views":2,"weight":2,"share":0.2,"impact":-4.0},
                                       {"browser":"Chrome","value":0.0,"views":6,"weight":6,"share":0.6,"impact":-12.0}]}"""),
                            reply.bodyAsJsonObject());
                    test.completeNow();
                })));
    }

    @Test
    void aBreakdownOfALowerIsWorseMetricAndOneWithoutAValue(VertxTestContext test) {
        String range = "/qoe/breakdown?accountid=" + ACCOUNT + "&from=" + TWELVE / 1000 + "&to=" + (TWELVE / 1000 + 3600);
        // mean score 64 (6 × 75, 2 × 0, 2 × 95 over 10): France's 0 on a fifth drags it by 12.8
        get(range + "&dimension=country&metric=score", KEY)
                .compose(score -> {
                    test.verify(() -> {
                        JsonObject answer = score.bodyAsJsonObject();
                        assertEquals("lower", answer.getString("worse"));
                        assertEquals(64.0, answer.getJsonObject("overall").getDouble("value"));
                        assertEquals(List.of(row("FR", 0.0, 12.8), row("US", 95.0, -6.2), row("DE", 75.0, -6.6)),
                                pick(answer.getJsonArray("values"), "country", "value", "impact"));
                    });
                    // startup p90 weighs by startups: Firefox has none, so no value and no impact, last
                    return get(range + "&dimension=error_code&metric=startup_p90_ms&format=csv", KEY);
                })
                .onComplete(test.succeeding(csv -> test.verify(() -> {
                    assertEquals("text/csv; charset=utf-8", csv.getHeader("content-type"));
                    assertEquals("attachment; filename=\"qoe-breakdown.csv\"", csv.getHeader("content-disposition"));
                    // 7 startups: 500 1000 1000 1500 2000 2000 3000, p90 the 6th (2000); without an error code the same
                    assertEquals("""
                            error_code,value,views,weight,share,impact
                            ,%1$d,8,7,1.0,0.0
                            manifestLoadError,,2,0,0.0,
                            """.formatted(bucketMs(2_000)), csv.bodyAsString());
                    test.completeNow();
                })));
    }

    @Test
    void theStartupHistogramHoldsEveryBucketWithViews(VertxTestContext test) {
        get("/qoe/startup?accountid=" + ACCOUNT + "&from=" + TWELVE / 1000 + "&to=" + (TWELVE / 1000 + 3600) + "&interval=hour", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    JsonObject answer = reply.bodyAsJsonObject();
                    assertEquals(7, answer.getLong("startups"));
                    assertEquals(1571, answer.getLong("startup_mean_ms"));   // 11,000 ms / 7
                    assertEquals(bucketMs(1_500), answer.getLong("startup_p50_ms"));
                    assertEquals(0.01, answer.getDouble("relative_accuracy"));
                    List<List<Object>> buckets = new ArrayList<>();
                    for (long ms : new long[] {500, 1_000, 1_500, 2_000, 3_000}) {
                        int bucket = QoeRules.startupBucket(ms);
                        buckets.add(row(bucket, bucketMs(ms), ms == 1_000 || ms == 2_000 ? 2 : 1));
                    }
                    assertEquals(buckets, pick(answer.getJsonArray("buckets"), "bucket", "ms", "views"));
                    JsonObject first = answer.getJsonArray("buckets").getJsonObject(0);
                    assertTrue(first.getDouble("from_ms") <= 500 && 500 < first.getDouble("to_ms"), first.encode());
                    test.completeNow();
                })));
    }

    @Test
    void csvHasEveryMetricAsAColumn(VertxTestContext test) {
        get("/qoe?accountid=" + ACCOUNT + "&from=" + (TWELVE / 1000 + 60) + "&to=" + (TWELVE / 1000 + 120) + "&format=csv", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals("attachment; filename=\"qoe.csv\"", reply.getHeader("content-disposition"));
                    assertEquals("""
                            time,views,playing_views,rebuffering_views,failures,failure_pct,startup_failures,startup_failure_pct,\
                            exits_before_start,exit_before_start_pct,startups,startup_mean_ms,startup_p50_ms,startup_p90_ms,\
                            startup_p95_ms,played_s,rebuffer_s,rebuffer_pct,rebuffers,rebuffer_duration_s,rebuffers_per_minute,\
                            avg_bitrate_kbps,scored,score,success_score,startup_score,smoothness_score
                            2026-11-23T12:01:00Z,2,4,0,0,0.0,0,0.0,1,50.0,1,4000,%1$d,%1$d,%1$d,200.0,0.0,0.0,0,,0.0,3000.0,0,,,,
                            """.formatted(bucketMs(4_000)), reply.bodyAsString());
                    test.completeNow();
                })));
    }

    @Test
    void minutesHoldOnlyContentAndStreamTypeAndOnlyWithinTheLast25Hours(VertxTestContext test) {
        long firstMinute = Instant.parse("2026-11-22T11:30:00Z").getEpochSecond();
        String range = "/qoe?accountid=" + ACCOUNT + "&from=" + TWELVE / 1000 + "&to=" + NOW.getEpochSecond();
        get(range + "&interval=minute&group_by=browser", KEY)
                .compose(browser -> {
                    test.verify(() -> {
                        assertEquals(400, browser.statusCode(), browser.bodyAsString());
                        assertEquals("interval=minute holds only content and stream_type (a minute's records have no other"
                                + " dimension): browser is in hours; use hour, day or month", browser.bodyAsJsonObject().getString("error"));
                    });
                    return get("/qoe?accountid=" + ACCOUNT + "&from=" + (firstMinute - 60) + "&to=" + firstMinute + "&interval=minute", KEY);
                })
                .onComplete(test.succeeding(before -> test.verify(() -> {
                    assertEquals(400, before.statusCode(), before.bodyAsString());
                    assertEquals("interval=minute only within the last 25 hours (what this API keeps of minutes): from must be at"
                            + " or after 2026-11-22T11:30:00Z (" + firstMinute + "); use hour, day or month",
                            before.bodyAsJsonObject().getString("error"));
                    test.completeNow();
                })));
    }

    @Test
    void aKeyOfTheAccountReadsItAndNoOther(VertxTestContext test) {
        get("/qoe?accountid=" + ACCOUNT + "&from=" + DAY + "&to=" + (DAY + 86_400), TENANT_KEY)
                .compose(own -> {
                    test.verify(() -> assertEquals(200, own.statusCode(), own.bodyAsString()));
                    return get("/qoe/breakdown?accountid=other-account&from=" + DAY + "&to=" + (DAY + 86_400)
                            + "&dimension=browser&metric=score", TENANT_KEY);
                })
                .compose(other -> {
                    test.verify(() -> {
                        assertEquals(403, other.statusCode(), other.bodyAsString());
                        assertTrue(other.bodyAsJsonObject().getString("error").contains("may not read account other-account"),
                                other.bodyAsString());
                    });
                    return get("/qoe/startup?accountid=other-account&from=" + DAY + "&to=" + (DAY + 86_400), TENANT_KEY);
                })
                .compose(other -> {
                    test.verify(() -> assertEquals(403, other.statusCode(), other.bodyAsString()));
                    return client.get("/qoe?accountid=" + ACCOUNT + "&from=" + DAY + "&to=" + (DAY + 86_400)).send();
                })
                .onComplete(test.succeeding(noKey -> test.verify(() -> {
                    assertEquals(401, noKey.statusCode(), noKey.bodyAsString());
                    test.completeNow();
                })));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "/qoe?from=1795392000&to=1795478400; 400; accountid is required",
            "/qoe?accountid=123456789&to=1795478400; 400; from is required",
            "/qoe?accountid=123456789&from=1795478400&to=1795478400; 400; to must be after from",
            "/qoe?accountid=123456789&from=1790000000&to=1795478400; 400; the range is at most 35 days",
            "/qoe?accountid=123456789&from=1795392000&to=1795478400&interval=week; 400; interval must be minute, hour, day or month",
            "/qoe?accountid=123456789&from=1795392000&to=1795478400&group_by=player; 400; group_by must be one of content, stream_type, property, device_class, os, browser, country, asn, error_code",
            "/qoe?accountid=123456789&from=1795392000&to=1795478400&contentid=; 400; contentid must be 1-256 characters",
            "/qoe?accountid=123456789&from=1795392000&to=1795478400&asn=AS3320; 400; asn must be an autonomous system number",
            "/qoe?accountid=123456789&from=1795392000&to=1795478400&format=xml; 400; format must be json or csv",
            "/qoe/breakdown?accountid=123456789&from=1795392000&to=1795478400&metric=score; 400; dimension is required: one of content,",
            "/qoe/breakdown?accountid=123456789&from=1795392000&to=1795478400&dimension=player&metric=score; 400; dimension must be one of",
            "/qoe/breakdown?accountid=123456789&from=1795392000&to=1795478400&dimension=os; 400; metric is required: one of failure_pct, startup_failure_pct,",
            "/qoe/breakdown?accountid=123456789&from=1795392000&to=1795478400&dimension=os&metric=views; 400; metric must be one of failure_pct,",
            "/qoe/startup?accountid=123456789&from=1795392000; 400; to is required",
    })
    void badQueriesAreRefusedWithTheirReason(String query, int status, String reason, VertxTestContext test) {
        get(query, KEY).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(status, reply.statusCode(), reply.bodyAsString());
            assertTrue(reply.bodyAsJsonObject().getString("error").startsWith(reason), reply.bodyAsString());
            test.completeNow();
        })));
    }

    private static Future<HttpResponse<Buffer>> get(String pathAndQuery, String key) {
        return client.get(pathAndQuery).putHeader("x-api-key", key).send();
    }

    /** The startup time the API gives for a time in a quantile: its bucket's value, whole ms. */
    private static long bucketMs(long ms) {
        return Math.round(QoeRules.startupOfBucket(QoeRules.startupBucket(ms)));
    }

    /** Values to compare, whole numbers as Long whatever their type (JSON gives Integer for small ones), nulls allowed. */
    private static List<Object> row(Object... values) {
        List<Object> row = new ArrayList<>();
        for (Object value : values) {
            row.add(value instanceof Integer n ? Long.valueOf(n) : value);
        }
        return row;
    }

    private static List<List<Object>> pick(HttpResponse<Buffer> reply, String... fields) {
        return pick(reply.bodyAsJsonArray(), fields);
    }

    /** Some fields of each row, in order ({@link #row}). */
    private static List<List<Object>> pick(JsonArray rows, String... fields) {
        List<List<Object>> picked = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonObject row = rows.getJsonObject(i);
            List<Object> values = new ArrayList<>();
            for (String field : fields) {
                Object value = row.getValue(field);
                values.add(value);
            }
            picked.add(row(values.toArray()));
        }
        return picked;
    }

    private static Rec minute(long startMs, QoeDimensions dimensions) {
        return new Rec(ACCOUNT, QoeCount.MINUTE_MS, startMs, dimensions);
    }

    private static Rec hour(long startMs, QoeDimensions dimensions) {
        return new Rec(ACCOUNT, QoeCount.HOUR_MS, startMs, dimensions);
    }

    /** A period's totals as the aggregator writes them, field by field. */
    private static final class Rec {
        private final String account;
        private final long periodMs;
        private final long startMs;
        private final QoeDimensions dimensions;
        private long views;
        private long playingViews;
        private long playedMs;
        private long bitrateKbpsMs;
        private long bitrateMs;
        private long rebufferingViews;
        private long rebufferMs;
        private long rebuffers;
        private long failures;
        private long startupFailures;
        private long exits;
        private long startups;
        private long startupMsSum;
        private final Map<Integer, Long> buckets = new TreeMap<>();
        private final long[] scores = new long[7];

        Rec(String account, long periodMs, long startMs, QoeDimensions dimensions) {
            this.account = account;
            this.periodMs = periodMs;
            this.startMs = startMs;
            this.dimensions = dimensions;
        }

        Rec views(long n) {
            views = n;
            return this;
        }

        /** Views that played, for how long, at one bitrate. */
        Rec playing(long n, long ms, long kbps) {
            playingViews = n;
            playedMs = ms;
            bitrateMs = ms;
            bitrateKbpsMs = ms * kbps;
            return this;
        }

        Rec rebuffering(long n, long ms, long count) {
            rebufferingViews = n;
            rebufferMs = ms;
            rebuffers = count;
            return this;
        }

        Rec failures(long n, long beforeStart) {
            failures = n;
            startupFailures = beforeStart;
            return this;
        }

        Rec exits(long n) {
            exits = n;
            return this;
        }

        Rec startups(long... ms) {
            for (long time : ms) {
                startups++;
                startupMsSum += time;
                buckets.merge(QoeRules.startupBucket(time), 1L, Long::sum);
            }
            return this;
        }

        /** Scored views with a mean score, their success points summed (thousandths), and their startup and smoothness means. */
        Rec scores(long scored, long mean, long successSum, long startupScored, long startupMean, long smoothnessScored,
                   long smoothnessMean) {
            scores[0] = scored;
            scores[1] = scored * mean * QoeRules.SCORE_SCALE;
            scores[2] = successSum;
            scores[3] = startupScored;
            scores[4] = startupScored * startupMean * QoeRules.SCORE_SCALE;
            scores[5] = smoothnessScored;
            scores[6] = smoothnessScored * smoothnessMean * QoeRules.SCORE_SCALE;
            return this;
        }

        QoeCount build() {
            return new QoeCount(account, periodMs, startMs, dimensions, views, playingViews, rebufferingViews, playedMs, rebufferMs,
                    rebuffers, bitrateKbpsMs, bitrateMs, failures, startupFailures, exits, startups, startupMsSum, buckets,
                    scores[0], scores[1], scores[2], scores[3], scores[4], scores[5], scores[6]);
        }
    }
}
