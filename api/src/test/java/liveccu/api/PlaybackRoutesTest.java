package liveccu.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import liveccu.model.ContentDimensions;
import liveccu.model.DeviceSketches;
import liveccu.model.PlaybackCount;
import liveccu.model.RetentionCount;
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
 * {@code GET /playback} on the real verticle, the playback view filled directly (no Kafka): the
 * access check, query validation, hours, days and months, groups, filters on every dimension, a record
 * written before device classes and sources, JSON and CSV.
 */
@ExtendWith(VertxExtension.class)
class PlaybackRoutesTest {

    private static final String KEY = "test-api-key";
    /** A per-account key for ACCOUNT only. */
    private static final String TENANT_KEY = "ccu_tenant123456_counts-of-one-account";
    private static final String ACCOUNT = "123456789";
    private static final Instant NOW = Instant.parse("2026-11-23T12:30:00Z");
    private static final long TEN = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final long ELEVEN = TEN + PlaybackCount.HOUR_MS;
    private static final long FROM = Instant.parse("2026-11-23T00:00:00Z").getEpochSecond();
    private static final long TO = FROM + 86_400;
    private static final ContentDimensions NEWS_WEB = new ContentDimensions("news-1", "vod", "web", "news", null, null, "morning", null)
            .measured("Desktop", "player");
    private static final ContentDimensions NEWS_APP = new ContentDimensions("news-1", "vod", "app", "news", null, null, "morning", null)
            .measured("Phone", "player");
    private static final ContentDimensions MATCH = new ContentDimensions("match-9", "live", null, "sports", null, null, null, null)
            .measured("Phone", "cmcd");
    /** As records were written before device classes and sources were dimensions. */
    private static final ContentDimensions MATCH_BEFORE = new ContentDimensions("match-9", "live", null, "sports", null, null, null, null);
    /** Audio measured from CDN logs: the app is the property; IAB downloads only here. */
    private static final ContentDimensions EPISODE_SPOTIFY = new ContentDimensions("ep42", "vod", "Spotify", null, null, null, null, null)
            .measured("Phone", "cdn-log");
    private static final long NOVEMBER_22_9H = Instant.parse("2026-11-22T09:00:00Z").toEpochMilli();
    private static final long OCTOBER_31_23H = Instant.parse("2026-10-31T23:00:00Z").toEpochMilli();

    static PlaybackCountsView playback;
    static RetentionView retention;
    static MinuteCountsView counts;
    static ViewerSessionsView sessions;
    static AccessRecords records;
    static WebClient client;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void deploy(Vertx vertx, VertxTestContext test) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        playback = new PlaybackCountsView("127.0.0.1:9", Duration.ofDays(35), clock);
        for (PlaybackCount count : List.of(
                devices(new PlaybackCount(ACCOUNT, NEWS_WEB, TEN, 3, 2, 125_500, 0), "d1", "d2"),
                devices(new PlaybackCount(ACCOUNT, NEWS_APP, TEN, 1, 1, 60_000, 1), "d2", "d3"),
                devices(new PlaybackCount(ACCOUNT, MATCH, ELEVEN, 4, 0, 2_000, 0), "d1", "d4", "d5", "d6"),
                devices(new PlaybackCount(ACCOUNT, MATCH_BEFORE, ELEVEN - 2 * 86_400_000L, 9, 9, 9_000, 9), "d1"),   // another day
                devices(new PlaybackCount(ACCOUNT, NEWS_WEB, OCTOBER_31_23H, 1, 1, 30_000, 0), "d7"),                  // another month
                devices(new PlaybackCount(ACCOUNT, EPISODE_SPOTIFY, NOVEMBER_22_9H, 2, 1, 80_000, 1, 2, 0, null, null), "d8", "d9", "d10"),
                new PlaybackCount("other-account", NEWS_WEB, TEN, 7, 7, 7_000, 7))) {
            playback.apply(count.key(), count);
        }
        retention = new RetentionView("127.0.0.1:9", Duration.ofDays(35), clock);
        long day = FROM * 1000;
        for (RetentionCount bucket : List.of(
                new RetentionCount(ACCOUNT, "news-1", day, 0, 4), new RetentionCount(ACCOUNT, "news-1", day, 1, 3),
                new RetentionCount(ACCOUNT, "news-1", day, 2, 2), new RetentionCount(ACCOUNT, "news-1", day, 7, 3),
                new RetentionCount(ACCOUNT, "news-1", day, 8, 1), new RetentionCount(ACCOUNT, "news-1", day, 9, 0),
                new RetentionCount(ACCOUNT, "news-1", day - 2 * 86_400_000L, 0, 9),   // another day
                new RetentionCount(ACCOUNT, "match-9", day, 0, 5),                     // another content
                new RetentionCount("other-account", "news-1", day, 0, 7))) {
            retention.apply(bucket.key(), bucket);
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
                new PlaybackRoutes(playback, retention, new BlockingQueries(4)),
                new CdnRoutes(new CdnTrafficView("127.0.0.1:9", Duration.ofDays(35), clock), new BlockingQueries(4)),
                new QoeRoutes(new QoeView("127.0.0.1:9", Duration.ofDays(35), clock), new BlockingQueries(4)));
        vertx.deployVerticle(verticle).onComplete(test.succeeding(id -> {
            client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(verticle.actualPort()));
            test.completeNow();
        }));
    }

    /** The hour with these devices, exact and as its sketch, as the aggregator writes it. */
    private static PlaybackCount devices(PlaybackCount count, String... devices) {
        return count.withDevices(devices.length, DeviceSketches.of(List.of(devices)));
    }

    @AfterAll
    static void close() {
        playback.reader().close();
        retention.reader().close();
        sessions.reader().close();
        counts.close();
        records.close();
    }

    @Test
    void hoursInTimeOrderWithEveryMetric(VertxTestContext test) {
        get("/playback?accountid=" + ACCOUNT + "&from=" + FROM + "&to=" + TO, KEY).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(200, reply.statusCode(), reply.bodyAsString());
            assertEquals("application/json", reply.getHeader("content-type"));
            assertEquals(new JsonArray("""
                    [{"time":"2026-11-23T10:00:00Z","starts":4,"streams":3,"time_s":185.5,"downloads":1,"iab_downloads":0,"devices":3,"devices_exact":false},
                     {"time":"2026-11-23T11:00:00Z","starts":4,"streams":0,"time_s":2.0,"downloads":0,"iab_downloads":0,"devices":4,"devices_exact":true}]"""), reply.bodyAsJsonArray());
            test.completeNow();
        })));
    }

    @Test
    void daysAreTheSumsOfTheirHours(VertxTestContext test) {
        get("/playback?accountid=" + ACCOUNT + "&from=" + (FROM - 3 * 86_400) + "&to=" + TO + "&interval=day", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(new JsonArray("""
                            [{"time":"2026-11-21T00:00:00Z","starts":9,"streams":9,"time_s":9.0,"downloads":9,"iab_downloads":0,"devices":1,"devices_exact":true},
                             {"time":"2026-11-22T00:00:00Z","starts":2,"streams":1,"time_s":80.0,"downloads":1,"iab_downloads":2,"devices":3,"devices_exact":true},
                             {"time":"2026-11-23T00:00:00Z","starts":8,"streams":3,"time_s":187.5,"downloads":1,"iab_downloads":0,"devices":6,"devices_exact":false}]"""),
                            reply.bodyAsJsonArray());
                    test.completeNow();
                })));
    }

    @Test
    void groupedByPropertyWithAMissingPropertyUnderOthers(VertxTestContext test) {
        get("/playback?accountid=" + ACCOUNT + "&from=" + FROM + "&to=" + TO + "&interval=day&group_by=property", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(new JsonArray("""
                            [{"time":"2026-11-23T00:00:00Z","property":"Others","starts":4,"streams":0,"time_s":2.0,"downloads":0,"iab_downloads":0,"devices":4,"devices_exact":true},
                             {"time":"2026-11-23T00:00:00Z","property":"app","starts":1,"streams":1,"time_s":60.0,"downloads":1,"iab_downloads":0,"devices":2,"devices_exact":true},
                             {"time":"2026-11-23T00:00:00Z","property":"web","starts":3,"streams":2,"time_s":125.5,"downloads":0,"iab_downloads":0,"devices":2,"devices_exact":true}]"""),
                            reply.bodyAsJsonArray());
                    test.completeNow();
                })));
    }

    @Test
    void oneContentAsCsvGroupedByContent(VertxTestContext test) {
        get("/playback?accountid=" + ACCOUNT + "&from=" + FROM + "&to=" + TO + "&contentid=news-1&group_by=content&format=csv", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals("text/csv; charset=utf-8", reply.getHeader("content-type"));
                    assertEquals("""
                            time,content_id,starts,streams,time_s,downloads,iab_downloads,devices,devices_exact
                            2026-11-23T10:00:00Z,news-1,4,3,185.5,1,0,3,false
                            """, reply.bodyAsString());
                    test.completeNow();
                })));
    }

    @Test
    void aKeyOfTheAccountReadsItAndNoOther(VertxTestContext test) {
        get("/playback?accountid=" + ACCOUNT + "&from=" + FROM + "&to=" + TO, TENANT_KEY)
                .compose(own -> {
                    test.verify(() -> assertEquals(200, own.statusCode(), own.bodyAsString()));
                    return get("/playback?accountid=other-account&from=" + FROM + "&to=" + TO, TENANT_KEY);
                })
                .onComplete(test.succeeding(other -> test.verify(() -> {
                    assertEquals(403, other.statusCode(), other.bodyAsString());
                    test.completeNow();
                })));
    }

    @Test
    void groupedByDeviceClassWithARecordFromBeforeDeviceClassesUnderNone(VertxTestContext test) {
        get("/playback?accountid=" + ACCOUNT + "&from=" + (FROM - 3 * 86_400) + "&to=" + TO + "&interval=day&group_by=device_class", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(new JsonArray("""
                            [{"time":"2026-11-21T00:00:00Z","device_class":null,"starts":9,"streams":9,"time_s":9.0,"downloads":9,"iab_downloads":0,"devices":1,"devices_exact":true},
                             {"time":"2026-11-22T00:00:00Z","device_class":"Phone","starts":2,"streams":1,"time_s":80.0,"downloads":1,"iab_downloads":2,"devices":3,"devices_exact":true},
                             {"time":"2026-11-23T00:00:00Z","device_class":"Desktop","starts":3,"streams":2,"time_s":125.5,"downloads":0,"iab_downloads":0,"devices":2,"devices_exact":true},
                             {"time":"2026-11-23T00:00:00Z","device_class":"Phone","starts":5,"streams":1,"time_s":62.0,"downloads":1,"iab_downloads":0,"devices":6,"devices_exact":false}]"""),
                            reply.bodyAsJsonArray());
                    test.completeNow();
                })));
    }

    @Test
    void groupedBySourceAsCsvWithAnAbsentSourceEmpty(VertxTestContext test) {
        get("/playback?accountid=" + ACCOUNT + "&from=" + (FROM - 3 * 86_400) + "&to=" + TO + "&interval=day&group_by=source&format=csv", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals("""
                            time,source,starts,streams,time_s,downloads,iab_downloads,devices,devices_exact
                            2026-11-21T00:00:00Z,,9,9,9.0,9,0,1,true
                            2026-11-22T00:00:00Z,cdn-log,2,1,80.0,1,2,3,true
                            2026-11-23T00:00:00Z,cmcd,4,0,2.0,0,0,4,true
                            2026-11-23T00:00:00Z,player,4,3,185.5,1,0,3,false
                            """, reply.bodyAsString());
                    test.completeNow();
                })));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "device_class=Phone&source=cmcd; [{\"time\":\"2026-11-23T11:00:00Z\",\"starts\":4,\"streams\":0,\"time_s\":2.0,\"downloads\":0,\"iab_downloads\":0,\"devices\":4,\"devices_exact\":true}]",
            "property=web; [{\"time\":\"2026-11-23T10:00:00Z\",\"starts\":3,\"streams\":2,\"time_s\":125.5,\"downloads\":0,\"iab_downloads\":0,\"devices\":2,\"devices_exact\":true}]",
            "property=Others&category=sports; [{\"time\":\"2026-11-23T11:00:00Z\",\"starts\":4,\"streams\":0,\"time_s\":2.0,\"downloads\":0,\"iab_downloads\":0,\"devices\":4,\"devices_exact\":true}]",
            "contentid=news-1&content_type=vod&show=morning&device_class=Phone; [{\"time\":\"2026-11-23T10:00:00Z\",\"starts\":1,\"streams\":1,\"time_s\":60.0,\"downloads\":1,\"iab_downloads\":0,\"devices\":2,\"devices_exact\":true}]",
            "content_type=vod&device_class=Tablet; []",
            "distributor=acme; []",
            "producer=acme; []",
            "zone=latam; []",
    })
    void everyDimensionFiltersAndFiltersCombine(String filters, String expected, VertxTestContext test) {
        get("/playback?accountid=" + ACCOUNT + "&from=" + FROM + "&to=" + TO + "&" + filters, KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals(new JsonArray(expected), reply.bodyAsJsonArray());
                    test.completeNow();
                })));
    }

    @Test
    void aFilterLeavesOutRecordsWithoutItsDimensionAndGroupsStillSplit(VertxTestContext test) {
        get("/playback?accountid=" + ACCOUNT + "&from=" + (FROM - 3 * 86_400) + "&to=" + TO + "&interval=day&source=player&group_by=property", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(new JsonArray("""
                            [{"time":"2026-11-23T00:00:00Z","property":"app","starts":1,"streams":1,"time_s":60.0,"downloads":1,"iab_downloads":0,"devices":2,"devices_exact":true},
                             {"time":"2026-11-23T00:00:00Z","property":"web","starts":3,"streams":2,"time_s":125.5,"downloads":0,"iab_downloads":0,"devices":2,"devices_exact":true}]"""),
                            reply.bodyAsJsonArray());
                    test.completeNow();
                })));
    }

    @Test
    void audioFromCdnLogsIsASourceWithItsIabDownloads(VertxTestContext test) {
        get("/playback?accountid=" + ACCOUNT + "&from=" + (FROM - 86_400) + "&to=" + TO + "&source=cdn-log&group_by=property&format=csv", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals("""
                            time,property,starts,streams,time_s,downloads,iab_downloads,devices,devices_exact
                            2026-11-22T09:00:00Z,Spotify,2,1,80.0,1,2,3,true
                            """, reply.bodyAsString());
                    test.completeNow();
                })));
    }

    @Test
    void monthsAreTheSumsOfTheirHoursInTheRange(VertxTestContext test) {
        // from 2026-10-20: October's rows are only its days in the range
        long from = Instant.parse("2026-10-20T00:00:00Z").getEpochSecond();
        get("/playback?accountid=" + ACCOUNT + "&from=" + from + "&to=" + TO + "&interval=month", KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(new JsonArray("""
                            [{"time":"2026-10-01T00:00:00Z","starts":1,"streams":1,"time_s":30.0,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true},
                             {"time":"2026-11-01T00:00:00Z","starts":19,"streams":13,"time_s":276.5,"downloads":11,"iab_downloads":2,"devices":9,"devices_exact":false}]"""),
                            reply.bodyAsJsonArray());
                    test.completeNow();
                })));
    }

    @Test
    void retentionGivesEachWatchedBucketWithItsShareOfStartsAndTheMostWatched(VertxTestContext test) {
        // from and to inside the day: the whole UTC day
        get("/playback/retention?accountid=" + ACCOUNT + "&contentid=news-1&from=" + (FROM + 3_600) + "&to=" + (FROM + 7_200), KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals("application/json", reply.getHeader("content-type"));
                    assertEquals(new JsonObject("""
                            {"content_id":"news-1","from":"2026-11-23T00:00:00Z","to":"2026-11-24T00:00:00Z","bucket_s":10,"starts":4,
                             "buckets":[{"from_s":0,"to_s":10,"playbacks":4,"share":1.0},
                                        {"from_s":10,"to_s":20,"playbacks":3,"share":0.75},
                                        {"from_s":20,"to_s":30,"playbacks":2,"share":0.5},
                                        {"from_s":70,"to_s":80,"playbacks":3,"share":0.75},
                                        {"from_s":80,"to_s":90,"playbacks":1,"share":0.25}],
                             "top":[{"from_s":0,"to_s":10,"playbacks":4,"share":1.0},
                                    {"from_s":10,"to_s":20,"playbacks":3,"share":0.75},
                                    {"from_s":70,"to_s":80,"playbacks":3,"share":0.75},
                                    {"from_s":20,"to_s":30,"playbacks":2,"share":0.5},
                                    {"from_s":80,"to_s":90,"playbacks":1,"share":0.25}]}"""), reply.bodyAsJsonObject());
                    test.completeNow();
                })));
    }

    @Test
    void retentionLeavesOutTheStartsOfAudioFromCdnLogsWhichHaveNoPosition(VertxTestContext test) {
        get("/playback/retention?accountid=" + ACCOUNT + "&contentid=ep42&from=" + (FROM - 86_400) + "&to=" + FROM, KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals(new JsonObject("""
                            {"content_id":"ep42","from":"2026-11-22T00:00:00Z","to":"2026-11-23T00:00:00Z","bucket_s":10,
                             "starts":0,"buckets":[],"top":[]}"""), reply.bodyAsJsonObject());
                    test.completeNow();
                })));
    }

    @Test
    void retentionOfAContentWithNothingIsEmpty(VertxTestContext test) {
        get("/playback/retention?accountid=" + ACCOUNT + "&contentid=never-played&from=" + FROM + "&to=" + TO, KEY)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(200, reply.statusCode(), reply.bodyAsString());
                    assertEquals(new JsonObject("""
                            {"content_id":"never-played","from":"2026-11-23T00:00:00Z","to":"2026-11-24T00:00:00Z","bucket_s":10,
                             "starts":0,"buckets":[],"top":[]}"""), reply.bodyAsJsonObject());
                    test.completeNow();
                })));
    }

    @Test
    void retentionWithAKeyOfTheAccountReadsItAndNoOther(VertxTestContext test) {
        get("/playback/retention?accountid=" + ACCOUNT + "&contentid=news-1&from=" + FROM + "&to=" + TO, TENANT_KEY)
                .compose(own -> {
                    test.verify(() -> assertEquals(200, own.statusCode(), own.bodyAsString()));
                    return get("/playback/retention?accountid=other-account&contentid=news-1&from=" + FROM + "&to=" + TO, TENANT_KEY);
                })
                .onComplete(test.succeeding(other -> test.verify(() -> {
                    assertEquals(403, other.statusCode(), other.bodyAsString());
                    test.completeNow();
                })));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "/playback?from=1764000000&to=1764086400; 400; accountid is required",
            "/playback?accountid=123456789&to=1764086400; 400; from is required",
            "/playback?accountid=123456789&from=yesterday&to=1764086400; 400; from must be Unix time",
            "/playback?accountid=123456789&from=1764086400&to=1764086400; 400; to must be after from",
            "/playback?accountid=123456789&from=1760000000&to=1764086400; 400; the range is at most 35 days",
            "/playback?accountid=123456789&from=1764000000&to=1764086400&interval=week; 400; interval must be hour, day or month",
            "/playback?accountid=123456789&from=1764000000&to=1764086400&group_by=device; 400; group_by must be one of content, content_type, property, category, distributor, producer, show, zone, device_class, source",
            "/playback?accountid=123456789&from=1764000000&to=1764086400&contentid=; 400; contentid must be 1-256 characters",
            "/playback?accountid=123456789&from=1764000000&to=1764086400&device_class=; 400; device_class must be 1-256 characters",
            "/playback?accountid=123456789&from=1764000000&to=1764086400&format=xml; 400; format must be json or csv",
            "/playback/retention?accountid=123456789&from=1764000000&to=1764086400; 400; contentid is required",
            "/playback/retention?contentid=news-1&from=1764000000&to=1764086400; 400; accountid is required",
            "/playback/retention?accountid=123456789&contentid=news-1&from=1764086400&to=1764000000; 400; to must be after from",
            "/playback/retention?accountid=123456789&contentid=news-1&from=1760000000&to=1764086400; 400; the range is at most 35 days",
    })
    void badQueriesAreRefusedWithTheirReason(String query, int status, String reason, VertxTestContext test) {
        get(query, KEY).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(status, reply.statusCode(), reply.bodyAsString());
            assertEquals(true, reply.bodyAsJsonObject().getString("error").startsWith(reason), reply.bodyAsString());
            test.completeNow();
        })));
    }

    @Test
    void withoutTheKeyNothing(VertxTestContext test) {
        client.get("/playback?accountid=" + ACCOUNT + "&from=" + FROM + "&to=" + TO).send()
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(401, reply.statusCode(), reply.bodyAsString());
                    test.completeNow();
                })));
    }

    private static io.vertx.core.Future<HttpResponse<Buffer>> get(String pathAndQuery, String key) {
        return client.get(pathAndQuery).putHeader("x-api-key", key).send();
    }
}
