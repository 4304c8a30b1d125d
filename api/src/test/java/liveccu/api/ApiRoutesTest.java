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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import liveccu.model.Audience;
import liveccu.model.Beacon;
import liveccu.model.MinuteCount;
import liveccu.model.Side;
import liveccu.model.Viewer;
import liveccu.model.ViewerSession;
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
 * The query API's HTTP routes on the real verticle, its views filled directly (no Kafka): the key
 * check, query validation, the answers' shapes and content types, CORS and health.
 */
@ExtendWith(VertxExtension.class)
class ApiRoutesTest {

    private static final String KEY = "test-api-key";
    /** A per-account key of the other account, with the counts and viewers scopes. */
    private static final String OTHER_ACCOUNTS_KEY = "ccu_otheraccount_reads-the-other-account";
    private static final String JOB = "142bbf588a574e018de94136a664cfaf";
    private static final String STALE_JOB = "242bbf588a574e018de94136a664cfaf";
    private static final String SHARED_JOB = "342bbf588a574e018de94136a664cfaf";
    /** A job with minutes over two hours and two days, for peaks; over a day ago, so not in the recent lists. */
    private static final String PEAK_JOB = "442bbf588a574e018de94136a664cfaf";
    private static final String ACCOUNT = "123456789";
    /** Another customer that also calls its viewers {@code gold}. */
    private static final String OTHER_ACCOUNT = "other.account";
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:30Z");
    /** The minute before the current one, and the current one, epoch seconds. */
    private static final long EARLIER = Instant.parse("2026-11-23T11:59:00Z").getEpochSecond();
    private static final long CURRENT = EARLIER + 60;
    private static final String NOT_A_BROKER = "127.0.0.1:9";  // the views' readers are never started

    static MinuteCountsView counts;
    static ViewerSessionsView sessions;
    static WebClient client;
    static AccessRecords records;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void deploy(Vertx vertx, VertxTestContext test) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        counts = new MinuteCountsView(NOT_A_BROKER, stateDir.resolve("minute-counts"), Duration.ofDays(7), Duration.ofHours(24), clock);
        sessions = new ViewerSessionsView(NOT_A_BROKER, Duration.ofHours(48), clock);
        fill();
        // wired as Api.start wires it, the views filled here instead of by their readers
        OpsRoutes ops = new OpsRoutes(HealthCheck.ALWAYS, HealthCheck.ALWAYS, Metrics.newRegistry("api"));
        KeyRing keys = KeyRing.detached();
        keys.apply("otheraccount", new ApiKey("otheraccount", "the other account's reports", KeyText.sha256(OTHER_ACCOUNTS_KEY),
                List.of(OTHER_ACCOUNT), List.of("counts", "viewers"), 0, 0));
        Access access = new Access(Optional.of(KEY), keys, new KeyUses(Metrics.newRegistry("api"), Optional.empty(), clock), clock);
        records = new AccessRecords(NOT_A_BROKER, "route-test");
        ApiVerticle verticle = new ApiVerticle(0, new CcuRoutes(counts, new BlockingQueries(4), clock, Duration.ofDays(7), Duration.ofDays(31), Duration.ofHours(24)),
                new ViewerReportRoutes(sessions, new JobAccounts(counts), new BlockingQueries(4), clock, Duration.ofDays(7)),
                new ViewerErasureRoutes(sessions, HealthCheck.ALWAYS, erasures -> CompletableFuture.completedFuture(null), clock),
                access, new KeyAdminRoutes(keys, records, clock), ops,
                new PlaybackRoutes(new PlaybackCountsView(NOT_A_BROKER, Duration.ofDays(35), clock),
                        new RetentionView(NOT_A_BROKER, Duration.ofDays(35), clock), new BlockingQueries(4)),
                new CdnRoutes(new CdnTrafficView(NOT_A_BROKER, Duration.ofDays(35), clock), new BlockingQueries(4)),
                new QoeRoutes(new QoeView(NOT_A_BROKER, Duration.ofDays(35), clock), new BlockingQueries(4)));
        vertx.deployVerticle(verticle).onComplete(test.succeeding(id -> {
            client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(verticle.actualPort()));
            test.completeNow();
        }));
    }

    @AfterAll
    static void closeReaders() {
        counts.close();
        sessions.reader().close();
        records.close();
    }

    private static void fill() {
        for (MinuteCount count : List.of(
                new MinuteCount(Audience.job(ACCOUNT, JOB).key(), EARLIER * 1000, 3, 2, EARLIER * 1000 + 59_000),
                new MinuteCount(Audience.job(ACCOUNT, JOB).key(), CURRENT * 1000, 1, 0, CURRENT * 1000 + 20_000),
                new MinuteCount(Audience.job(ACCOUNT, STALE_JOB).key(), (EARLIER - 2 * 86_400) * 1000, 5, 5, (EARLIER - 2 * 86_400) * 1000),
                // written before jobs were scoped by account: the minute of the upgrade, and one two hours before
                new MinuteCount(Audience.unscopedJob(JOB).key(), EARLIER * 1000, 2, 2, EARLIER * 1000 + 10_000),
                new MinuteCount(Audience.unscopedJob(JOB).key(), (EARLIER - 7200) * 1000, 8, 6, (EARLIER - 7200) * 1000 + 50_000),
                // one job id named by two accounts' beacons
                new MinuteCount(Audience.job(ACCOUNT, SHARED_JOB).key(), CURRENT * 1000, 1, 1, CURRENT * 1000 + 1_000),
                new MinuteCount(Audience.job(OTHER_ACCOUNT, SHARED_JOB).key(), CURRENT * 1000, 4, 0, CURRENT * 1000 + 2_000),
                new MinuteCount(Audience.account(ACCOUNT).key(), CURRENT * 1000, 4, 1, CURRENT * 1000 + 20_000),
                peakMinute("2026-11-21T23:50:00Z", 9, 9),
                peakMinute("2026-11-22T10:05:00Z", 4, 1),
                peakMinute("2026-11-22T10:17:00Z", 6, 3),
                peakMinute("2026-11-22T10:40:00Z", 6, 3),  // as high again, later: the peak stays at 10:17
                peakMinute("2026-11-22T10:59:00Z", 2, 0),
                peakMinute("2026-11-22T11:30:00Z", 1, 0),  // no player side in the hour
                new MinuteCount(Audience.tracking(ACCOUNT, "gold").key(), EARLIER * 1000, 2, 1, EARLIER * 1000 + 30_000),
                new MinuteCount(Audience.trackingInJob(ACCOUNT, JOB, "gold").key(), EARLIER * 1000, 2, 1, EARLIER * 1000 + 30_000),
                new MinuteCount(Audience.tracking(OTHER_ACCOUNT, "gold").key(), EARLIER * 1000, 7, 0, EARLIER * 1000 + 40_000),
                // written before tracking ids were scoped by account: every account's gold together
                new MinuteCount(Audience.unscopedTracking("gold").key(), (EARLIER - 3600) * 1000, 9, 8, (EARLIER - 3600) * 1000 + 5_000),
                new MinuteCount(Audience.unscopedTrackingInJob(JOB, "gold").key(), (EARLIER - 3600) * 1000, 6, 5,
                        (EARLIER - 3600) * 1000 + 5_000))) {
            counts.apply(count.key(), count);
        }
        String gold = "11111111111111111111111111111111";
        String unsigned = "22222222222222222222222222222222";
        Beacon goldSs = beacon(gold, Side.SS, EARLIER + 5).withViewer(new Viewer("gold", "plan=gold, \"annual\"", "viewer-1", true));
        sessions.apply(gold, ViewerSession.of(goldSs).plus(beacon(gold, Side.CS, CURRENT + 5).withViewer(goldSs.viewer())));
        sessions.apply(unsigned, ViewerSession.of(beacon(unsigned, Side.SS, CURRENT + 10)
                .withViewer(new Viewer("silver", null, null, false))));
        String otherGold = "44444444444444444444444444444444";
        sessions.apply(otherGold, ViewerSession.of(new Beacon("33333333333333333333333333333333", STALE_JOB, otherGold, OTHER_ACCOUNT,
                Side.SS, (EARLIER + 7) * 1000, (EARLIER + 7) * 1000).withViewer(new Viewer("gold", "theirs", null, true))));
    }

    private static MinuteCount peakMinute(String time, long ssccu, long csccu) {
        long ms = Instant.parse(time).toEpochMilli();
        return new MinuteCount(Audience.job(ACCOUNT, PEAK_JOB).key(), ms, ssccu, csccu, ms + 30_000);
    }

    private static Beacon beacon(String session, Side side, long epochSeconds) {
        return new Beacon("33333333333333333333333333333333", JOB, session, ACCOUNT, side, epochSeconds * 1000, epochSeconds * 1000);
    }

    static Future<HttpResponse<Buffer>> get(String pathAndQuery) {
        return client.get(pathAndQuery).putHeader("x-api-key", KEY).send();
    }

    static String range(long in, long out) {
        return "&in=" + in + "&out=" + out;
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "GET, /ccu?jobid=JOB, 401, missing x-api-key header, ",
            "GET, /ccu?jobid=JOB, 401, wrong API key, ccu_abcdefghijkm_wrong",
            "GET, /jobs, 401, missing x-api-key header, ",
            "GET, /accounts, 401, missing x-api-key header, ",
            "GET, /tracking, 401, missing x-api-key header, ",
            "GET, /ccu/account?accountid=123456789, 401, missing x-api-key header, ",
            "GET, /ccu/tracking?trackingid=gold, 401, missing x-api-key header, ",
            "GET, /viewers?jobid=JOB, 401, wrong API key, " + KEY + "x",
            "GET, /ccu, 400, jobid is required, " + KEY,
            "GET, /ccu?jobid=123, 400, jobid must be 32 hex digits, " + KEY,
            "GET, /ccu?jobid=JOB&in=abc, 400, in must be Unix time, " + KEY,
            "GET, /ccu?jobid=JOB&out=-5, 400, out must be Unix time, " + KEY,
            "GET, /ccu?jobid=JOB&in=1534640160&out=1534640040, 400, out must not be before in, " + KEY,
            "GET, /ccu?jobid=JOB&in=1500000000&out=1534640040, 400, range too large, " + KEY,
            "GET, /ccu/account?accountid=a%20b, 400, accountid is required, " + KEY,
            "GET, /ccu?jobid=JOB&interval=week, 400, 'interval must be minute, hour or day', " + KEY,
            "GET, /ccu/account?accountid=123456789&interval=hour&in=1500000000&out=1500700000, 400, at most 168 hours per query with interval=hour, " + KEY,
            "GET, /ccu/tracking?accountid=123456789&trackingid=gold&interval=day&in=1500000000&out=1503000000, 400, at most 31 days per query with interval=day, " + KEY,
            "GET, /ccu/tracking, 400, trackingid is required, " + KEY,
            "GET, /ccu/tracking?accountid=a:b&trackingid=gold, 400, accountid is required, " + KEY,
            "GET, /ccu/tracking?trackingid=silver, 400, give accountid: tracking ids are scoped by account, " + KEY,
            "GET, /ccu/tracking?trackingid=silver&jobid=JOB, 400, give accountid: tracking ids are scoped by account, " + KEY,
            "GET, /tracking?jobid=nope, 400, jobid must be 32 hex digits, " + KEY,
            "GET, /tracking?accountid=, 400, accountid is required, " + KEY,
            "GET, /viewers?in=1534640040, 400, give either jobid or accountid and trackingid, " + KEY,
            "GET, /viewers?jobid=JOB&trackingid=gold, 400, give either jobid or accountid and trackingid, " + KEY,
            "GET, /viewers?trackingid=gold, 400, give accountid: tracking ids are scoped by account, " + KEY,
            "GET, /viewers?jobid=JOB&format=xml, 400, format must be json or csv, " + KEY,
            "GET, /nothing-here, 404, no such resource, " + KEY,
            "POST, /ccu?jobid=JOB, 405, not allowed, " + KEY,
            "DELETE, /jobs, 405, not allowed, " + KEY,
    })
    void refusedRequestsGetTheirStatusAndAJsonReason(String method, String pathAndQuery, int status, String reason, String key,
                                                     VertxTestContext test) {
        var request = client.request(HttpMethod.valueOf(method), pathAndQuery.replace("JOB", JOB));
        if (key != null) {
            request.putHeader("x-api-key", key);
        }
        request.send().onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(status, reply.statusCode(), reply.bodyAsString());
            assertEquals("application/json", reply.getHeader("content-type"));
            assertTrue(reply.bodyAsJsonObject().getString("error").contains(reason), reply.bodyAsString());
            test.completeNow();
        })));
    }

    @Test
    void aJobsMinutesNewestFirstInTheSeedShape(VertxTestContext test) {
        String dashedUpperCase = "142BBF58-8A57-4E01-8DE9-4136A664CFAF";
        get("/ccu?jobid=" + JOB + range(EARLIER, CURRENT + 60))
                .compose(exact -> get("/ccu?jobid=" + dashedUpperCase).map(byDefault -> List.of(exact, byDefault)))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    HttpResponse<Buffer> exact = replies.get(0);
                    assertEquals(200, exact.statusCode());
                    assertEquals("application/json", exact.getHeader("content-type"));
                    assertEquals("no-store", exact.getHeader("cache-control"));
                    assertEquals(new JsonArray()
                            .add(new JsonObject().put("jobid", JOB).put("accountid", ACCOUNT).put("time", "2026-11-23T12:00:00.000Z")
                                    .put("ssccu", 1).put("csccu", 0).put("last_rx_at", "2026-11-23T12:00:20.000Z"))
                            .add(new JsonObject().put("jobid", JOB).put("accountid", ACCOUNT).put("time", "2026-11-23T11:59:00.000Z")
                                    .put("ssccu", 3).put("csccu", 2).put("last_rx_at", "2026-11-23T11:59:59.000Z")),
                            exact.bodyAsJsonArray(), "the job's one account found by itself; its scoped minute wins over the unscoped one");
                    assertEquals(exact.bodyAsJsonArray(), replies.get(1).bodyAsJsonArray(),
                            "a dashed upper-case job id is the same job; without in and out, the last hour");
                    test.completeNow();
                })));
    }

    @Test
    void anotherAccountsJobIsA404ForCcuAndViewersAlikeWithTheBodyOfAJobNobodySent(VertxTestContext test) {
        String nobodys = "542bbf588a574e018de94136a664cfaf";
        List<String> paths = List.of("/ccu?jobid=" + JOB, "/viewers?jobid=" + JOB, "/ccu?jobid=" + nobodys, "/viewers?jobid=" + nobodys);
        Future.all(paths.stream().map(path -> client.get(path).putHeader("x-api-key", OTHER_ACCOUNTS_KEY).send()).toList())
                .onComplete(test.succeeding(all -> test.verify(() -> {
                    List<HttpResponse<Buffer>> replies = all.list();
                    assertEquals(List.of(404, 404, 404, 404), replies.stream().map(HttpResponse::statusCode).toList());
                    List<String> bodies = replies.stream().map(reply -> reply.bodyAsString().replace(JOB, "J").replace(nobodys, "J"))
                            .toList();
                    assertEquals(List.of(bodies.get(0)), bodies.stream().distinct().toList(), "one answer, whoever has the job");
                    assertEquals("no job " + JOB + " in the accounts this key reads (" + OTHER_ACCOUNT + ")",
                            replies.get(1).bodyAsJsonObject().getString("error"));
                    test.completeNow();
                })));
    }

    @Test
    void minutesCountedBeforeJobsWereScopedFillTheRestAndAJobOfTwoAccountsNeedsOne(VertxTestContext test) {
        get("/ccu?jobid=" + JOB + range(EARLIER - 7200, EARLIER + 60))
                .compose(upgrade -> get("/ccu?jobid=" + SHARED_JOB)
                        .compose(shared -> get("/ccu?jobid=" + SHARED_JOB + "&accountid=" + OTHER_ACCOUNT)
                                .map(other -> List.of(upgrade, shared, other))))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    assertEquals(List.of(List.of(ACCOUNT, 3L), List.of("", 8L)), replies.get(0).bodyAsJsonArray().stream()
                            .map(row -> List.<Object>of(((JsonObject) row).getString("accountid", ""), ((JsonObject) row).getLong("ssccu")))
                            .toList(), "the scoped minute, then the unscoped one before the upgrade (it names no account)");
                    assertEquals(400, replies.get(1).statusCode());
                    assertTrue(replies.get(1).bodyAsJsonObject().getString("error")
                            .contains("has viewers in accounts " + ACCOUNT + ", " + OTHER_ACCOUNT + ": give accountid"));
                    assertEquals(List.of(4L), replies.get(2).bodyAsJsonArray().stream()
                            .map(row -> ((JsonObject) row).getLong("ssccu")).toList(), "only that account's viewers");
                    test.completeNow();
                })));
    }

    @Test
    void eachHoursPeakWithItsMinuteOverTheWholeHoursTheRangeTouches(VertxTestContext test) {
        long in = Instant.parse("2026-11-22T10:30:00Z").getEpochSecond();
        get("/ccu?jobid=" + PEAK_JOB + "&interval=hour" + range(in, in + 3660)).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(200, reply.statusCode());
            assertEquals("application/json", reply.getHeader("content-type"));
            assertEquals(new JsonArray()
                    .add(peak("2026-11-22T11:00:00.000Z", "hour", 1, "2026-11-22T11:30:00.000Z", 0, null))
                    .add(peak("2026-11-22T10:00:00.000Z", "hour", 6, "2026-11-22T10:17:00.000Z", 3, "2026-11-22T10:17:00.000Z")),
                    reply.bodyAsJsonArray(), "newest first; 10:05 counts though it is before in: the whole hour");
            test.completeNow();
        })));
    }

    @Test
    void eachUtcDaysPeakOverMoreThanTheMinutesRange(VertxTestContext test) {
        long in = NOW.getEpochSecond() - 30 * 86_400;
        get("/ccu?jobid=" + PEAK_JOB + "&interval=day" + range(in, NOW.getEpochSecond()))
                .compose(days -> get("/ccu/account?accountid=" + ACCOUNT + "&interval=HOUR").map(account -> List.of(days, account)))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    assertEquals(new JsonArray()
                            .add(peak("2026-11-22T00:00:00.000Z", "day", 6, "2026-11-22T10:17:00.000Z", 3, "2026-11-22T10:17:00.000Z"))
                            .add(peak("2026-11-21T00:00:00.000Z", "day", 9, "2026-11-21T23:50:00.000Z", 9, "2026-11-21T23:50:00.000Z")),
                            replies.get(0).bodyAsJsonArray(), "30 days: over the minutes' 168 hours, within the days' 31");
                    assertEquals(new JsonArray().add(new JsonObject().put("accountid", ACCOUNT).put("time", "2026-11-23T12:00:00.000Z")
                                    .put("interval", "hour").put("peak_ssccu", 4).put("peak_ssccu_at", "2026-11-23T12:00:00.000Z")
                                    .put("peak_csccu", 1).put("peak_csccu_at", "2026-11-23T12:00:00.000Z")),
                            replies.get(1).bodyAsJsonArray(), "an account's hours; without in and out the last hour's");
                    test.completeNow();
                })));
    }

    private static JsonObject peak(String time, String interval, long ssccu, String ssccuAt, long csccu, String csccuAt) {
        return new JsonObject().put("jobid", PEAK_JOB).put("accountid", ACCOUNT).put("time", time).put("interval", interval)
                .put("peak_ssccu", ssccu).put("peak_ssccu_at", ssccuAt).put("peak_csccu", csccu).put("peak_csccu_at", csccuAt);
    }

    @Test
    void aRangeHoldsTheMinutesFromInUpToButNotIncludingOut(VertxTestContext test) {
        get("/ccu?jobid=" + JOB + range(EARLIER, CURRENT)).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(List.of("2026-11-23T11:59:00.000Z"),
                    reply.bodyAsJsonArray().stream().map(row -> ((JsonObject) row).getString("time")).toList());
            test.completeNow();
        })));
    }

    @Test
    void jobsAccountsAndTrackingIdsListWhatHadViewersRecentlyWithTheirLatestMinute(VertxTestContext test) {
        get("/jobs").compose(jobs -> get("/accounts").compose(accounts -> get("/tracking?accountid=" + ACCOUNT + "&jobid=" + JOB)
                        .map(tracking -> List.of(jobs, accounts, tracking))))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    assertEquals(List.of(List.of(ACCOUNT, JOB, "2026-11-23T12:00:00.000Z"),
                                    List.of(ACCOUNT, SHARED_JOB, "2026-11-23T12:00:00.000Z"),
                                    List.of(OTHER_ACCOUNT, SHARED_JOB, "2026-11-23T12:00:00.000Z")),
                            rows(replies.get(0), "accountid", "jobid"),
                            "each job in its account; the job from two days ago is not recent, nor the unscoped minutes of before");
                    assertEquals(List.of(List.of(ACCOUNT, "2026-11-23T12:00:00.000Z")), rows(replies.get(1), "accountid"));
                    assertEquals(List.of(List.of(ACCOUNT, JOB, "gold", "2026-11-23T11:59:00.000Z")),
                            rows(replies.get(2), "accountid", "jobid", "trackingid"));
                    test.completeNow();
                })));
    }

    @Test
    void trackingIdsAreListedPerAccountAndNeverMerged(VertxTestContext test) {
        get("/tracking").compose(all -> get("/tracking?accountid=" + OTHER_ACCOUNT).compose(other -> get("/tracking?jobid=" + JOB)
                        .map(inJob -> List.of(all, other, inJob))))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    assertEquals(List.of(List.of(ACCOUNT, "gold", "2", "2026-11-23T11:59:00.000Z"),
                                    List.of(OTHER_ACCOUNT, "gold", "7", "2026-11-23T11:59:00.000Z")),
                            rows(replies.get(0), "accountid", "trackingid", "ssccu"),
                            "each account's gold apart; the unscoped gold of before is not listed");
                    assertEquals(List.of(List.of(OTHER_ACCOUNT, "gold", "7", "2026-11-23T11:59:00.000Z")),
                            rows(replies.get(1), "accountid", "trackingid", "ssccu"));
                    assertEquals(List.of(List.of(ACCOUNT, JOB, "gold", "2026-11-23T11:59:00.000Z")),
                            rows(replies.get(2), "accountid", "jobid", "trackingid"), "a job's breakdown names its account");
                    test.completeNow();
                })));
    }

    /** Each row's fields (as text), then its time. */
    private static List<List<String>> rows(HttpResponse<Buffer> reply, String... fields) {
        assertEquals(200, reply.statusCode(), reply.bodyAsString());
        return reply.bodyAsJsonArray().stream().map(JsonObject.class::cast).map(row -> {
            List<String> values = new ArrayList<>();
            for (String field : fields) {
                values.add(String.valueOf(row.getValue(field)));
            }
            values.add(row.getString("time"));
            return values;
        }).toList();
    }

    @Test
    void accountAndTrackingIdCounts(VertxTestContext test) {
        get("/ccu/account?accountid=" + ACCOUNT).compose(account -> get("/ccu/tracking?accountid=" + ACCOUNT + "&trackingid=gold&jobid="
                        + JOB + range(EARLIER, CURRENT + 60)).map(tracking -> List.of(account, tracking)))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    JsonObject account = replies.get(0).bodyAsJsonArray().getJsonObject(0);
                    assertEquals(List.of(ACCOUNT, 4, 1), List.of(account.getString("accountid"), account.getInteger("ssccu"),
                            account.getInteger("csccu")));
                    assertEquals(List.of(List.of(ACCOUNT, JOB, "gold", "2", "1", "2026-11-23T11:59:00.000Z")),
                            rows(replies.get(1), "accountid", "jobid", "trackingid", "ssccu", "csccu"));
                    test.completeNow();
                })));
    }

    @Test
    void theSameTrackingIdInTwoAccountsIsCountedApart(VertxTestContext test) {
        String gold = "/ccu/tracking?trackingid=gold" + range(EARLIER, CURRENT + 60);
        get(gold + "&accountid=" + ACCOUNT).compose(mine -> get(gold + "&accountid=" + OTHER_ACCOUNT)
                        .map(theirs -> List.of(mine, theirs)))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    assertEquals(List.of(List.of(ACCOUNT, "gold", "2", "1", "2026-11-23T11:59:00.000Z")),
                            rows(replies.get(0), "accountid", "trackingid", "ssccu", "csccu"));
                    assertEquals(List.of(List.of(OTHER_ACCOUNT, "gold", "7", "0", "2026-11-23T11:59:00.000Z")),
                            rows(replies.get(1), "accountid", "trackingid", "ssccu", "csccu"));
                    test.completeNow();
                })));
    }

    @Test
    void withoutAnAccountTrackingIdsCountedBeforeTheyWereScopedStayReadable(VertxTestContext test) {
        String legacy = "/ccu/tracking?trackingid=gold" + range(EARLIER - 7200, CURRENT + 60);
        get(legacy).compose(all -> get(legacy + "&jobid=" + JOB).map(inJob -> List.of(all, inJob)))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    assertEquals(List.of(List.of("null", "gold", "9", "8", "2026-11-23T10:59:00.000Z")),
                            rows(replies.get(0), "accountid", "trackingid", "ssccu", "csccu"),
                            "only the unscoped minutes of before, as they were answered then (no account)");
                    assertEquals(List.of(List.of("null", JOB, "gold", "6", "2026-11-23T10:59:00.000Z")),
                            rows(replies.get(1), "accountid", "jobid", "trackingid", "ssccu"));
                    test.completeNow();
                })));
    }

    @Test
    void theViewerReportAsJsonAndAsACsvDownload(VertxTestContext test) {
        String report = "/viewers?jobid=" + JOB + range(EARLIER, CURRENT + 60);
        get(report).compose(json -> get(report + "&format=csv").compose(csv -> get("/viewers?accountid=" + ACCOUNT + "&trackingid=gold"
                        + range(EARLIER, CURRENT))
                        .map(gold -> List.of(json, csv, gold))))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    HttpResponse<Buffer> json = replies.get(0);
                    assertEquals(List.of(200, "application/json", "no-store"),
                            List.of(json.statusCode(), json.getHeader("content-type"), json.getHeader("cache-control")));
                    JsonObject first = json.bodyAsJsonArray().getJsonObject(0);
                    assertEquals(List.of("11111111111111111111111111111111", "gold", "plan=gold, \"annual\"", "viewer-1", true, 2, "ss+cs"),
                            List.of(first.getString("sessionid"), first.getString("trackingid"), first.getString("custom_viewer_data"),
                                    first.getString("user_id"), first.getBoolean("trusted"), first.getInteger("minutes_watched"),
                                    first.getString("sides")));
                    JsonObject second = json.bodyAsJsonArray().getJsonObject(1);
                    assertEquals(List.of("silver", false, 1, "ss"), List.of(second.getString("trackingid"), second.getBoolean("trusted"),
                            second.getInteger("minutes_watched"), second.getString("sides")));

                    HttpResponse<Buffer> csv = replies.get(1);
                    assertEquals(List.of(200, "text/csv; charset=utf-8", "attachment; filename=\"viewers.csv\""),
                            List.of(csv.statusCode(), csv.getHeader("content-type"), csv.getHeader("content-disposition")));
                    List<String> lines = csv.bodyAsString().lines().toList();
                    assertEquals("sessionid,jobid,accountid,trackingid,custom_viewer_data,user_id,trusted,first_seen,last_seen,"
                            + "minutes_watched,sides", lines.get(0));
                    assertEquals(3, lines.size(), csv.bodyAsString());
                    assertTrue(lines.get(1).contains(",\"plan=gold, \"\"annual\"\"\",viewer-1,true,"), "quoted and escaped: " + lines.get(1));

                    assertEquals(List.of(List.of(ACCOUNT, "gold", 1)), replies.get(2).bodyAsJsonArray().stream().map(JsonObject.class::cast)
                                    .map(row -> List.of(row.getString("accountid"), row.getString("trackingid"), row.getInteger("minutes_watched")))
                                    .toList(),
                            "by tracking id of the account (not the other account's gold), minutes counted within the range only");
                    test.completeNow();
                })));
    }

    @Test
    void aViewerRowsFirstAndLastSeenAreBothMinutesSoTheLastIsNeverBeforeTheFirst(VertxTestContext test) {
        // gold: beacons at EARLIER + 5 s and CURRENT + 5 s; silver: one at CURRENT + 10 s
        get("/viewers?jobid=" + JOB + range(EARLIER, CURRENT + 60)).onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals(List.of(List.of(Instant.ofEpochSecond(EARLIER).toString(), Instant.ofEpochSecond(CURRENT).toString()),
                            List.of(Instant.ofEpochSecond(CURRENT).toString(), Instant.ofEpochSecond(CURRENT).toString())),
                    reply.bodyAsJsonArray().stream().map(JsonObject.class::cast)
                            .map(row -> List.of(row.getString("first_seen"), row.getString("last_seen"))).toList());
            test.completeNow();
        })));
    }

    @Test
    void answersTheBrowserPreflightAsTheSeedApiDid(VertxTestContext test) {
        client.request(HttpMethod.OPTIONS, "/ccu?jobid=" + JOB)
                .putHeader("Origin", "http://dashboard.example")
                .putHeader("Access-Control-Request-Method", "GET")
                .putHeader("Access-Control-Request-Headers", "content-type,x-api-key")
                .send().onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertEquals(204, reply.statusCode());
                    assertEquals("*", reply.getHeader("access-control-allow-origin"));
                    assertTrue(reply.getHeader("access-control-allow-headers").toLowerCase().contains("x-api-key"));
                    assertEquals("3600", reply.getHeader("access-control-max-age"));
                    test.completeNow();
                })));
    }

    @Test
    void theDashboardPageHealthAndMetricsNeedNoKey(VertxTestContext test) {
        client.get("/").send().compose(page -> client.get("/health/ready").send().compose(ready -> client.get("/metrics").send()
                        .map(metrics -> List.of(page, ready, metrics))))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    assertEquals(200, replies.get(0).statusCode());
                    assertTrue(replies.get(0).getHeader("content-type").startsWith("text/html"), replies.get(0).getHeader("content-type"));
                    assertEquals(List.of(200, "{\"status\":\"UP\"}"), List.of(replies.get(1).statusCode(), replies.get(1).bodyAsString()));
                    assertEquals(200, replies.get(2).statusCode());
                    test.completeNow();
                })));
    }

    @Test
    void servesTheDescriptionInDocsAsWrittenAndAsJsonWithoutAKey(VertxTestContext test) throws Exception {
        byte[] written = java.nio.file.Files.readAllBytes(Path.of("../docs/openapi.yaml"));
        client.get("/openapi.yaml").send().compose(yaml -> client.get("/openapi.json").send().map(json -> List.of(yaml, json)))
                .onComplete(test.succeeding(replies -> test.verify(() -> {
                    HttpResponse<Buffer> yaml = replies.get(0);
                    assertEquals(200, yaml.statusCode(), yaml.bodyAsString());
                    assertEquals("application/yaml; charset=utf-8", yaml.getHeader("content-type"));
                    assertTrue(java.util.Arrays.equals(written, yaml.bodyAsBuffer().getBytes()), "the file in docs/, byte for byte");
                    HttpResponse<Buffer> json = replies.get(1);
                    assertEquals(List.of(200, "application/json"), List.of(json.statusCode(), json.getHeader("content-type")));
                    assertEquals(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(written),
                            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.bodyAsString()));
                    test.completeNow();
                })));
    }
}
