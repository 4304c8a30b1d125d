package liveccu.allinone;

import static liveccu.allinone.QoePlayers.CHROME;
import static liveccu.allinone.QoePlayers.FIREFOX;
import static liveccu.allinone.QoePlayers.HLS_PLAYED;
import static liveccu.allinone.QoePlayers.HLS_PLAYED_FIRST_MINUTE;
import static liveccu.allinone.QoePlayers.HLS_REBUFFER;
import static liveccu.allinone.QoePlayers.HLS_STARTUP;
import static liveccu.allinone.QoePlayers.PLAYER_PLAYED;
import static liveccu.allinone.QoePlayers.PLAYER_REBUFFER;
import static liveccu.allinone.QoePlayers.PLAYER_STARTUP;
import static liveccu.allinone.QoePlayers.SHAKA_PLAYED;
import static liveccu.allinone.QoePlayers.SHAKA_PLAYED_FIRST_MINUTE;
import static liveccu.allinone.QoePlayers.SHAKA_REBUFFER;
import static liveccu.allinone.QoePlayers.SHAKA_STARTUP;
import static liveccu.allinone.QoePlayers.bucketMs;
import static liveccu.allinone.QoePlayers.percent;
import static liveccu.allinone.QoePlayers.postCmcd;
import static liveccu.allinone.QoePlayers.postEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import liveccu.allinone.QoePlayers.Report;
import liveccu.model.CountingRules;
import liveccu.model.QoeRules;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quality of experience over the real path: CMCD reports shaped as hls.js 1.7.4 and Shaka Player 5.2 send them
 * (docs/qoe.md, "Which keys each player really sends") and the platform's player events, POSTed to the
 * collector, through a real broker and the aggregator, and {@code GET /qoe}, {@code /qoe/breakdown} and
 * {@code /qoe/startup} of the query API answering numbers worked out from what was sent: per minute (views
 * started, playing, rebuffering, failures, exits before start, startups) and per hour (by browser, scores); a
 * retried request changes nothing; a key of another account sees nothing of it. And how long after a
 * report's acknowledgement its minute shows it (freshness; issue 24 wants 5 s).
 */
class QoeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 4;   // CCU_TOPIC_PARTITIONS of Viewers.testEnv
    private static final long MINUTE = 60_000;
    /** The job in the players' CMCD target: one page, one URL, retries included. */
    private static final String JOB = Viewers.randomHex32();

    @TempDir
    static java.nio.file.Path dataDir;
    static LocalSystem system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = LocalSystem.start(new Env(Viewers.testEnv(dataDir)));
        Eventually.await(Duration.ofSeconds(30), "collector ready",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 200);
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    @Test
    void playersReportsGiveExactNumbersARetryChangesNothingAndAnotherAccountSeesNothing() {
        String content = "qoe-" + UUID.randomUUID();
        // four minutes ago, all in one hour (the views' reports span 3 minutes)
        long t0 = CountingRules.minuteStart(System.currentTimeMillis()) - 4 * MINUTE;
        t0 -= t0 % 3_600_000 > 3_600_000 - 4 * MINUTE ? 5 * MINUTE : 0;
        // every view on one partition, so that the last report sent is read after every other
        String run = UUID.randomUUID().toString().substring(0, 8);
        int partition = partitionOf("hls-" + run);
        String hls = "hls-" + run;
        String shaka = onPartition("shaka-" + run + "-", partition);
        String failed = onPartition("hls404-" + run + "-", partition);
        String exit = onPartition("exit-" + run + "-", partition);
        String player = onPartition("pb-" + run + "-", partition);
        Report r = new Report(content, t0);
        String hlsView = r.hlsJs(hls);
        String shakaView = r.shaka(shaka);
        String failedView = r.hlsJsManifest404(failed);
        String exitView = r.hlsJsExit(exit);
        String playerView = r.playerEvents(player);
        Runnable sendAll = () -> {
            postCmcd(system.collectorPort(), Viewers.ACCOUNT, JOB, hlsView + failedView + exitView, CHROME);
            postCmcd(system.collectorPort(), Viewers.ACCOUNT, JOB, shakaView, FIREFOX);
            postEvents(system.collectorPort(), Viewers.ACCOUNT, playerView, CHROME);
        };
        sendAll.run();

        // what each view did, from its reports (QoePlayers)
        long played = HLS_PLAYED + SHAKA_PLAYED + PLAYER_PLAYED;
        // minute 0: five intents, three playing (hls, Shaka, player) and rebuffering, the 404's failure, three startups;
        // minute 1: hls and Shaka play 60-70 s; minute 2: the exit, due 2 minutes after its last report (30 s)
        List<List<Object>> minutes = List.of(
                row(time(t0), 5, 3, 3, 1, 1, 0, 3, (HLS_PLAYED_FIRST_MINUTE + SHAKA_PLAYED_FIRST_MINUTE + PLAYER_PLAYED) / 1000.0,
                        (HLS_REBUFFER + SHAKA_REBUFFER + PLAYER_REBUFFER) / 1000.0, 3),
                row(time(t0 + MINUTE), 0, 2, 0, 0, 0, 0, 0, 20.0, 0.0, 0),
                row(time(t0 + 2 * MINUTE), 0, 0, 0, 0, 0, 1, 0, 0.0, 0.0, 0));
        String minuteQuery = "/qoe?accountid=" + Viewers.ACCOUNT + "&from=" + t0 / 1000 + "&to=" + (t0 / 1000 + 300)
                + "&contentid=" + content + "&interval=minute";
        awaitRows(minuteQuery, List.of("time", "views", "playing_views", "rebuffering_views", "failures", "startup_failures",
                "exits_before_start", "startups", "played_s", "rebuffer_s", "rebuffers"), minutes);

        // the hour by browser: Chrome has hls, the 404, the exit and the player events; Firefox the Shaka view
        long hour = t0 - t0 % 3_600_000;
        String hourRange = "accountid=" + Viewers.ACCOUNT + "&from=" + hour / 1000 + "&to=" + (hour / 1000 + 3600)
                + "&contentid=" + content;
        awaitRows("/qoe?" + hourRange + "&group_by=browser", List.of("browser", "views", "failures", "failure_pct",
                        "exits_before_start", "startups", "played_s", "rebuffer_pct", "avg_bitrate_kbps"),
                List.of(row("Chrome", 4, 1, 25.0, 1, 2, (HLS_PLAYED + PLAYER_PLAYED) / 1000.0,
                                percent(HLS_REBUFFER + PLAYER_REBUFFER, HLS_PLAYED + PLAYER_PLAYED + HLS_REBUFFER + PLAYER_REBUFFER),
                                3000.0),    // the player events carry no bitrate: hls.js's alone
                        row("Firefox", 1, 0, 0.0, 0, 1, SHAKA_PLAYED / 1000.0,
                                percent(SHAKA_REBUFFER, SHAKA_PLAYED + SHAKA_REBUFFER), 2500.0)));
        // scores, after Mux's components: two played views, a failure (0), an exit before start (50), and the player's
        double[] scores = {QoeRules.experienceScore(QoeRules.Outcome.PLAYED, HLS_STARTUP, 1, HLS_REBUFFER, HLS_PLAYED),
                QoeRules.experienceScore(QoeRules.Outcome.PLAYED, SHAKA_STARTUP, 1, SHAKA_REBUFFER, SHAKA_PLAYED),
                QoeRules.experienceScore(QoeRules.Outcome.PLAYED, PLAYER_STARTUP, 1, PLAYER_REBUFFER, PLAYER_PLAYED), 0, 50};
        double meanScore = Math.round(Arrays.stream(scores).map(QoeRules::scaled).sum() / (double) QoeRules.SCORE_SCALE
                / scores.length * 100) / 100.0;
        awaitRows("/qoe?" + hourRange + "&interval=hour", List.of("views", "failure_pct", "exit_before_start_pct",
                        "startup_mean_ms", "startup_p50_ms", "startup_p95_ms", "rebuffers", "played_s", "scored", "score"),
                // of three startups, p50 and p95 are the second (ranks 1 and 1.9: the bucket holding the rank, as DDSketch reads)
                List.of(row(5, 20.0, 20.0, Math.round((HLS_STARTUP + SHAKA_STARTUP + PLAYER_STARTUP) / 3.0), bucketMs(SHAKA_STARTUP),
                        bucketMs(SHAKA_STARTUP), 3,
                        played / 1000.0, 5, meanScore)));
        // ranked by negative impact: Chrome's 25 % on 80 % of the views is 4 points of the overall 20 %
        Map<String, Object> breakdown = awaitAnswer("/qoe/breakdown?" + hourRange + "&dimension=browser&metric=failure_pct",
                answer -> ((List<?>) answer.get("values")).size() == 2);
        assertEquals(row(20.0, 5), pick(map(breakdown.get("overall")), "value", "views"));
        assertEquals(List.of(row("Chrome", 25.0, 0.8, 4.0), row("Firefox", 0.0, 0.2, -4.0)),
                maps(breakdown.get("values")).stream().map(value -> pick(value, "browser", "value", "share", "impact")).toList());
        // the startup times' histogram: one view in each of three buckets
        Map<String, Object> startup = awaitAnswer("/qoe/startup?" + hourRange, answer -> true);
        assertEquals(row(3, bucketMs(SHAKA_STARTUP)), pick(startup, "startups", "startup_p50_ms"));
        assertEquals(List.of(row(QoeRules.startupBucket(HLS_STARTUP), 1), row(QoeRules.startupBucket(SHAKA_STARTUP), 1),
                        row(QoeRules.startupBucket(PLAYER_STARTUP), 1)),
                maps(startup.get("buckets")).stream().map(bucket -> pick(bucket, "bucket", "views")).toList());

        // every request again, as players retry after a 503; then hls.js plays 10 s more in minute 1 (on the same
        // partition, after the retry: once that is counted, so is the retry), and nothing else changes
        sendAll.run();
        postCmcd(system.collectorPort(), Viewers.ACCOUNT, JOB,
                r.line(hls, "ps", "p", 100_000, 13, 3000L) + r.line(hls, "ps", "a", 110_000, 14, 3000L), CHROME);
        List<List<Object>> after = new ArrayList<>(minutes);
        after.set(1, row(time(t0 + MINUTE), 0, 2, 0, 0, 0, 0, 0, 30.0, 0.0, 0));
        awaitRows(minuteQuery, List.of("time", "views", "playing_views", "rebuffering_views", "failures", "startup_failures",
                "exits_before_start", "startups", "played_s", "rebuffer_s", "rebuffers"), after);

        // a key of this account reads it; a key of another account may not, and its own account holds nothing of it
        String own = createKey(Viewers.ACCOUNT);
        String other = createKey("other-account");
        assertEquals(200, Http.get(system.apiPort(), minuteQuery, "x-api-key", own).status());
        for (String path : List.of(minuteQuery, "/qoe/breakdown?" + hourRange + "&dimension=browser&metric=score",
                "/qoe/startup?" + hourRange)) {
            Http.Reply refused = Http.get(system.apiPort(), path, "x-api-key", other);
            assertEquals(403, refused.status(), path + ": " + refused.body());
        }
        Http.Reply nothing = Http.get(system.apiPort(), minuteQuery.replace(Viewers.ACCOUNT, "other-account"), "x-api-key", other);
        assertEquals(List.of(200, "[]"), List.of(nothing.status(), nothing.body()));
    }

    /**
     * Freshness as the live view feels it: one view at a time starts (hls.js's starting report, timed now), and the
     * API is polled every 20 ms until its minute counts it; the time from the collector's 204 to that answer.
     */
    @Test
    void aReportsMinuteIsServedWithinFiveSeconds() {
        String content = "fresh-" + UUID.randomUUID();
        Report r = new Report(content, 0);
        List<Long> freshnessMs = new ArrayList<>();
        for (int probe = 1; probe <= 20; probe++) {
            long now = System.currentTimeMillis();
            String sid = "probe-" + UUID.randomUUID();
            String query = "/qoe?accountid=" + Viewers.ACCOUNT + "&from=" + (now / 1000 - 600) + "&to=" + (now / 1000 + 120)
                    + "&contentid=" + content + "&interval=minute";
            postCmcd(system.collectorPort(), Viewers.ACCOUNT, JOB, r.beforeManifest(sid, "ps", "s", now, 0, null), CHROME);
            long acknowledged = System.nanoTime();
            long deadline = acknowledged + Duration.ofSeconds(30).toNanos();
            while (views(query) < probe) {
                assertTrue(System.nanoTime() < deadline, "probe " + probe + " not counted in 30 s");
                sleep(20);
            }
            freshnessMs.add((System.nanoTime() - acknowledged) / 1_000_000);
        }
        List<Long> sorted = new ArrayList<>(freshnessMs);
        Collections.sort(sorted);
        String summary = "QoE minute freshness over " + sorted.size() + " probes (report 204 -> /qoe minute): p50 "
                + sorted.get(sorted.size() / 2) + " ms, p90 " + sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1)
                + " ms, max " + sorted.get(sorted.size() - 1) + " ms; all " + freshnessMs;
        System.out.println(summary);
        assertTrue(sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1) < 5_000, summary);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long views(String query) {
        Http.Reply reply = Http.get(system.apiPort(), query, "x-api-key", Viewers.API_KEY);
        if (reply.status() != 200) {
            throw new AssertionError(query + " answered " + reply.status() + ": " + reply.body());
        }
        return Viewers.parse(reply.body()).stream().mapToLong(row -> ((Number) row.get("views")).longValue()).sum();
    }

    /** Waits until the answer's rows, cut down to {@code columns}, are exactly {@code expected}. */
    private static void awaitRows(String query, List<String> columns, List<List<Object>> expected) {
        Eventually.await(Duration.ofSeconds(60), query + " = " + expected, () -> {
            Http.Reply reply = Http.get(system.apiPort(), query, "x-api-key", Viewers.API_KEY);
            if (reply.status() != 200) {
                return List.of(reply.status(), reply.body());
            }
            return Viewers.parse(reply.body()).stream().map(row -> pick(row, columns.toArray(String[]::new))).toList();
        }, expected::equals);
    }

    private static Map<String, Object> awaitAnswer(String query, java.util.function.Predicate<Map<String, Object>> done) {
        return Eventually.await(Duration.ofSeconds(60), query, () -> {
            Http.Reply reply = Http.get(system.apiPort(), query, "x-api-key", Viewers.API_KEY);
            assertEquals(200, reply.status(), reply.body());
            try {
                return JSON.readValue(reply.body(), new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, done);
    }

    /** A per-account key with scope counts, made by the operator. */
    private static String createKey(String account) {
        Http.Reply created = Http.post(system.apiPort(), "/admin/keys", "{\"label\":\"qoe-it\",\"accounts\":[\"" + account
                + "\"],\"scopes\":[\"counts\"]}", "content-type", "application/json", "x-api-key", Viewers.API_KEY);
        assertEquals(201, created.status(), created.body());
        String key = map(parseObject(created.body())).get("key").toString();
        Eventually.await(Duration.ofSeconds(10), "the API knows the new key",
                () -> Http.get(system.apiPort(), "/access", "x-api-key", key).status(), status -> status == 200);
        return key;
    }

    private static Object parseObject(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        return (List<Map<String, Object>>) value;
    }

    private static List<Object> pick(Map<String, Object> row, String... columns) {
        return row(Arrays.stream(columns).map(row::get).toArray());
    }

    /** Values to compare: whole numbers as Long, whatever JSON made of them; nulls allowed. */
    private static List<Object> row(Object... values) {
        return Arrays.stream(values).map(value -> value instanceof Integer n ? (Object) Long.valueOf(n) : value)
                .collect(Collectors.toCollection(ArrayList::new));
    }

    private static String time(long ms) {
        return Instant.ofEpochMilli(ms).toString();
    }

    /** The partition of a view's events (the producer's default: murmur2 of its playback id). */
    private static int partitionOf(String playbackId) {
        return Utils.toPositive(Utils.murmur2(playbackId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static String onPartition(String prefix, int partition) {
        for (int i = 0; ; i++) {
            if (partitionOf(prefix + i) == partition) {
                return prefix + i;
            }
        }
    }
}
