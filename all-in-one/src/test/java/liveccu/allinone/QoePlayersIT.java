package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import liveccu.allinone.CmcdReports.Report;
import liveccu.model.QoeRules;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quality of experience from real players (issue 24, "Proof"): hls.js 1.7.4 and Shaka Player 5.2.12 (npm, pinned in
 * the all-in-one pom) in Debian's headless chromium play one ffmpeg-made stream (fMP4 HLS, 4 segments of 2 s) from an
 * origin that misbehaves on purpose, and report CMCD v2 in event mode to the real collector, configured as the README
 * tells operators to. Per case the test keeps every report the player sent (and what its video element did), works
 * out from them what docs/qoe.md says that view is ({@link CmcdReports#view}), and waits for exactly those numbers
 * from the system — never numbers the test assumed from what it made the origin do.
 *
 * <p>One system, one stream, one browser for all cases; each case is its own content, so the numbers of one view are
 * the content's numbers.
 */
class QoePlayersIT {

    // `./liveccu test` installs Debian's ffmpeg here, or passes the one an operator chose.
    private static final Path FFMPEG = Path.of(System.getenv().getOrDefault("CCU_TEST_FFMPEG", "/usr/bin/ffmpeg"));
    // Unpacked by the download plugin (pre-integration-test) from the npm tarballs the pom pins.
    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target");
    private static final Path HLS_JS = TARGET.resolve("hlsjs/package/dist/hls.min.js");
    private static final Path SHAKA_DIST = TARGET.resolve("shaka/package/dist");
    /** The Shaka build an application gets from the package ({@code main}: 5.2.12 sends no play state from it). */
    private static final String SHAKA_RELEASE = "shaka-player.compiled.js";
    /** The debug build of the same tarball: its CMCD reporter sends the play states. */
    private static final String SHAKA_DEBUG = "shaka-player.compiled.debug.js";
    private static final Path SCREENSHOTS = TARGET.resolve("player-screenshots");
    private static final int SEGMENTS = 4;
    private static final int SEGMENT_SECONDS = 2;
    /** How long a held-back segment stays back once the player stalls for it: the rebuffer is measured, not this. */
    private static final Duration STALL = Duration.ofSeconds(3);
    private static final Duration PLAY = Duration.ofSeconds(60);
    private static final Duration COUNTED = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static MisbehavingOrigin origin;
    static Browser browser;
    static String target;

    @BeforeAll
    static void startSystemOriginAndBrowser() throws Exception {
        Path webRoot = Files.createDirectories(dataDir.resolve("web"));
        Path stream = makeStream(Files.createDirectories(dataDir.resolve("stream")));
        copyPlayer(HLS_JS, webRoot);
        copyPlayer(SHAKA_DIST.resolve(SHAKA_RELEASE), webRoot);
        copyPlayer(SHAKA_DIST.resolve(SHAKA_DEBUG), webRoot);
        for (String page : List.of("player-page.js", "hlsjs.html", "shaka.html")) {
            try (InputStream in = QoePlayersIT.class.getResourceAsStream("/qoe-players/" + page)) {
                Files.copy(in, webRoot.resolve(page));
            }
        }
        system = LocalSystem.start(new Env(Viewers.testEnv(dataDir.resolve("system"))));
        origin = MisbehavingOrigin.start(system.vertx(), webRoot, stream);
        target = "http://localhost:" + system.collectorPort() + "/cmcd/" + Viewers.ACCOUNT + "/" + Viewers.randomHex32();
        browser = Browser.start(dataDir.resolve("browser"), SCREENSHOTS);
        Eventually.await(Duration.ofSeconds(30), "collector ready",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (origin != null) {
            origin.close();
        }
        if (system != null) {
            system.close();
        }
    }

    private static void copyPlayer(Path file, Path webRoot) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: the all-in-one build unpacks it before the"
                    + " integration tests (run through ./mvnw verify)");
        }
        Files.copy(file, webRoot.resolve(file.getFileName()));
    }

    /**
     * An on-demand stream: H.264 test pattern and AAC sine in fragmented MP4 (both players play it through MSE
     * without transmuxing), {@value #SEGMENTS} segments of {@value #SEGMENT_SECONDS} s, a multivariant playlist
     * {@code master.m3u8} naming the variant's bandwidth (the players' {@code br}).
     */
    private static Path makeStream(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(FFMPEG)) {
            throw new IllegalStateException(FFMPEG + " is missing: `./liveccu test` installs ffmpeg, or set CCU_TEST_FFMPEG");
        }
        Path log = dir.resolveSibling("ffmpeg.log");
        Process ffmpeg = new ProcessBuilder(FFMPEG.toString(), "-hide_banner", "-nostdin", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", Integer.toString(SEGMENTS * SEGMENT_SECONDS),
                "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
                "-b:v", "300k", "-maxrate", "300k", "-bufsize", "600k",
                "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
                "-c:a", "aac", "-b:a", "64k", "-ac", "2",
                "-f", "hls", "-hls_time", Integer.toString(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
                "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", "init.mp4",
                "-hls_segment_filename", dir.resolve("seg%d.m4s").toString(),
                "-master_pl_name", "master.m3u8", dir.resolve("index.m3u8").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!ffmpeg.waitFor(60, TimeUnit.SECONDS) || ffmpeg.exitValue() != 0) {
            ffmpeg.destroyForcibly();
            throw new IllegalStateException("ffmpeg could not make the stream: " + Files.readString(log));
        }
        return dir;
    }

    // ---- hls.js ------------------------------------------------------------------------------------------------

    @Test
    void hlsJsHeldBackSegmentIsOneRebufferAsLongAsTheStallItReported() throws Exception {
        String name = "hlsjs-held-segment";
        MisbehavingOrigin.Hold hold = origin.holdBack(name, "seg2.m4s");
        Player player = Player.open("hlsjs.html", name, "");
        player.await("the first frame, then a stall for the held-back segment", p -> p.stalledAt(2 * SEGMENT_SECONDS));
        hold.releaseAfter(STALL);
        player.await("the end of the stream, every report answered", p -> p.ended() && p.allAnswered());
        List<Report> reports = player.reports();
        CmcdReports.View view = CmcdReports.view(reports);

        // what the player did: its video's stalls after the first frame are the rebuffers of its reports (r → p),
        // as long (hls.js reports on the video's own waiting and playing events), the held-back segment's among them
        player.assertRebuffersAreTheVideosStalls(view, Duration.ofMillis(300));
        assertTrue(player.stalls().stream().anyMatch(stall -> stall.ms() >= STALL.toMillis()), "held back: " + player.stalls());
        assertEquals(1, view.startups(), reports.toString());
        // its media attached before loadSource(), autoplay: ps s then t s, before the playlist (no st), never a t
        // without a state first; st from its first frame on
        assertEquals(List.of("ps s -", "t s -"), firstReports(reports, 2), reports.toString());
        assertEquals("vod", view.streamType(), reports.toString());
        assertNull(reports.stream().map(Report::msd).filter(m -> m != null).findAny().orElse(null), "hls.js 1.7.4 sends no msd");

        awaitCounted(player, view);
    }

    @Test
    void hlsJsManifestAnswering404IsAVideoStartupFailureUnderItsErrorCode() throws Exception {
        String name = "hlsjs-manifest-404";
        origin.answerNotFound(name, "master.m3u8");
        Player player = Player.open("hlsjs.html", name, "");
        player.await("a fatal error and its error report, every report answered", p -> p.fatalErrors() > 0
                && p.allAnswered() && p.reports().stream().anyMatch(r -> "e".equals(r.e())));
        List<Report> reports = player.reports();
        CmcdReports.View view = CmcdReports.view(reports);
        assertEquals(List.of(1L, 1L, 0L), List.of(view.failures(), view.startupFailures(), view.exitsBeforeStart()), reports.toString());
        assertEquals("manifestLoadError", view.errorCode(), "the code of its e=e report: " + reports);

        awaitCounted(player, view);
    }

    @Test
    void hlsJsFirstSegmentNeverComingAndThePageClosedIsAnExitBeforeVideoStart() throws Exception {
        String name = "hlsjs-exit";
        origin.neverAnswer(name, "seg0.m4s");
        Player player = Player.open("hlsjs.html", name, "");
        player.await("the player asking for the first segment, every report answered",
                p -> origin.requested(name, "seg0.m4s") && p.allAnswered() && !p.reports().isEmpty());
        List<Report> reports = player.reports();
        browser.open("about:blank");  // the viewer gives up: the page is gone, and says nothing more
        CmcdReports.View view = CmcdReports.view(reports);
        assertEquals(List.of(1L, 0L, 1L), List.of(view.views(), view.failures(), view.exitsBeforeStart()), reports.toString());

        awaitCounted(player, view);
    }

    @Test
    void hlsJsSeekIntoAnUnbufferedPositionIsNoRebuffer() throws Exception {
        String name = "hlsjs-seek";
        MisbehavingOrigin.Hold hold = origin.holdBack(name, "seg3.m4s");
        // the page seeks into the last segment, held back, on its first frame
        Player player = Player.open("hlsjs.html", name, "&seekTo=" + ((SEGMENTS - 1) * SEGMENT_SECONDS + 0.5));
        player.await("the seek", p -> p.eventTypes().contains("seeking"));
        hold.releaseAfter(STALL);
        player.await("the end of the stream, every report answered", p -> p.ended() && p.allAnswered());
        List<Report> reports = player.reports();
        CmcdReports.View view = CmcdReports.view(reports);

        // what the player did: a stall of the held-back segment's length right after the seek, which it reported as
        // seeking k, rebuffering r, playing p; no rebuffer but the video's stalls that no seek began (none, normally)
        List<String> states = reports.stream().filter(r -> "ps".equals(r.e())).map(Report::sta).toList();
        assertTrue(String.join("", states).contains("krp"), "hls.js reports r after a seek: " + reports);
        assertTrue(player.stalls().stream().anyMatch(stall -> stall.afterSeek() && stall.ms() >= STALL.toMillis()),
                "the seek stalled for the held-back segment: " + player.stalls());
        player.assertRebuffersAreTheVideosStalls(view, Duration.ofMillis(300));

        awaitCounted(player, view);
    }

    // ---- Shaka Player --------------------------------------------------------------------------------------------

    @Test
    void shakaStartupIsItsMsdAndItsHeldBackSegmentOneRebuffer() throws Exception {
        String name = "shaka-held-segment";
        MisbehavingOrigin.Hold hold = origin.holdBack(name, "seg2.m4s");
        Player player = Player.open("shaka.html", name, "&build=" + SHAKA_DEBUG);
        player.await("the first frame, then a stall for the held-back segment", p -> p.stalledAt(2 * SEGMENT_SECONDS));
        hold.releaseAfter(STALL);
        player.await("the end of the stream, every report answered", p -> p.ended() && p.allAnswered());
        List<Report> reports = player.reports();
        CmcdReports.View view = CmcdReports.view(reports);

        // what Shaka said: no starting state, r before its first frame (startup, not a rebuffer), msd once; its first
        // t (no state) and its r before the manifest, without st
        assertEquals(List.of("t - -", "ps r -"), firstReports(reports, 2), reports.toString());
        assertEquals("vod", view.streamType(), reports.toString());
        assertTrue(reports.stream().noneMatch(r -> "s".equals(r.sta())), "Shaka 5.2 never says s: " + reports);
        assertEquals("r", reports.stream().map(Report::sta).filter(s -> s != null).findFirst().orElse(null), reports.toString());
        assertEquals(1, reports.stream().filter(r -> r.msd() != null).count(), reports.toString());
        // its stalls after the first frame are its rebuffers (Shaka reports its buffering observer's view, which
        // polls, not the video's events: a wider margin)
        player.assertRebuffersAreTheVideosStalls(view, Duration.ofSeconds(1));
        assertTrue(player.stalls().stream().anyMatch(stall -> stall.ms() >= STALL.toMillis()), "held back: " + player.stalls());

        awaitCounted(player, view);
    }

    @Test
    void shakaReleaseBuildSendsNoPlayStateAndItsMsdReportIsAViewWithThatStartup() throws Exception {
        String name = "shaka-release";
        Player player = Player.open("shaka.html", name, "&build=" + SHAKA_RELEASE);
        // its msd goes out on its next time-interval report after the first frame: up to the interval (30 s) later
        player.await("the first frame, then the report carrying msd, every report answered", p -> p.allAnswered()
                && p.eventTypes().contains("playing") && p.reports().stream().anyMatch(r -> r.msd() != null));
        List<Report> reports = player.reports();
        browser.open("about:blank");
        assertTrue(reports.stream().allMatch(r -> r.sta() == null && !"ps".equals(r.e())),
                "Shaka 5.2.12's release build sends no sta and no ps event (Closure renamed the key): " + reports);
        List<Report> withMsd = reports.stream().filter(r -> r.msd() != null).toList();
        assertEquals(1, withMsd.size(), reports.toString());
        long msd = withMsd.get(0).msd();
        // what the player did: msd runs from load(), which comes after the reporter's first report (at configure()),
        // to the first frame: no longer than the page saw from that report to its video's first playing
        long firstFrame = player.firstPlayingAt();
        assertTrue(msd > 0 && msd <= firstFrame - reports.get(0).ts() + 50,
                "msd " + msd + " against the first frame " + (firstFrame - reports.get(0).ts()) + " ms after the first report");
        assertTrue(withMsd.get(0).ts() >= firstFrame, "msd comes after the first frame: " + reports);

        // what docs/qoe.md makes of it: a view started and played at that report, its startup the msd it sent, nothing more
        CmcdReports.View view = CmcdReports.view(reports);
        assertEquals(List.of(1L, 1L, msd, 0L, 0L, 0L, 0L), List.of(view.views(), view.startups(), view.startupMs(),
                view.playedMs(), view.rebuffers(), view.failures(), view.exitsBeforeStart()), reports.toString());

        awaitCounted(player, view);
    }

    /** The first reports as {@code e sta st} ({@code -} when absent). */
    private static List<String> firstReports(List<Report> reports, int n) {
        return reports.stream().limit(n).map(r -> r.e() + " " + (r.sta() == null ? "-" : r.sta()) + " "
                + (r.st() == null ? "-" : r.st())).toList();
    }

    // ---- what the API answers ---------------------------------------------------------------------------------------

    /**
     * One content's (one view's) numbers as the API answers them: {@code /qoe} by minute summed over its minutes (the
     * counts, times in ms, the startup time and bitrate of the minute that has them), the error code {@code
     * /qoe/breakdown?dimension=error_code} ranks for its failures, its experience score from {@code /qoe} by hour, and
     * the stream type its views are under ({@code /qoe?group_by=stream_type}).
     */
    record Answered(long views, long failures, long startupFailures, long exitsBeforeStart, long startups, long startupMs,
                    long playedMs, long rebufferMs, long rebuffers, Double avgBitrateKbps, String errorCode, Double score,
                    String streamType) {

        /** What the API must answer for a view whose reports make these numbers (docs/qoe.md; the score per QoeRules). */
        static Answered of(CmcdReports.View v) {
            QoeRules.Outcome outcome = v.failures() > 0 ? QoeRules.Outcome.FAILED
                    : v.played() ? QoeRules.Outcome.PLAYED : QoeRules.Outcome.EXITED_BEFORE_START;
            // a view that said no state (Shaka's release build) has no smoothness
            double score = QoeRules.experienceScore(outcome, outcome == QoeRules.Outcome.PLAYED && v.startups() > 0
                    ? v.startupMs() : null, v.stated() ? QoeRules.smoothnessScore(v.rebuffers(), v.rebufferMs(), v.playedMs()) : null);
            return new Answered(v.views(), v.failures(), v.startupFailures(), v.exitsBeforeStart(), v.startups(),
                    v.startupMs(), v.playedMs(), v.rebufferMs(), v.rebuffers(),
                    v.bitrateMs() == 0 ? null : Math.round(v.bitrateKbpsMs() * 10.0 / v.bitrateMs()) / 10.0, v.errorCode(),
                    Math.round(QoeRules.scaled(score) / 10.0) / 100.0, v.streamType());
        }
    }

    /** Waits until the API answers for the case's content exactly what the player's reports make. */
    private static void awaitCounted(Player player, CmcdReports.View view) throws IOException {
        // kept beside the screenshots: what each player really sent, line for line, and what the video did
        Files.writeString(SCREENSHOTS.resolve(player.name + "-cmcd-reports.txt"), player.sentBodies());
        Answered expected = Answered.of(view);
        Eventually.await(COUNTED, "the API to answer for " + player.content + " " + expected + " (from " + view + ")",
                () -> answered(player.content), expected::equals);
        // and what the API answered, by hour and stream type, and by error code
        Files.writeString(SCREENSHOTS.resolve(player.name + "-qoe-answers.json"),
                get("/qoe?interval=hour&group_by=stream_type&" + range(player.content)) + "\n"
                        + get("/qoe/breakdown?dimension=error_code&metric=failure_pct&" + range(player.content)) + "\n");
        if (view.startups() > 0) {
            // a quantile is a bucket's value: within 1 % of the startup time
            Map<String, Object> startup = apiObject("/qoe/startup?" + range(player.content));
            long p50 = ((Number) startup.get("startup_p50_ms")).longValue();
            assertTrue(Math.abs(p50 - view.startupMs()) <= view.startupMs() * QoeRules.STARTUP_RELATIVE_ACCURACY + 1,
                    "p50 " + p50 + " ms of a startup of " + view.startupMs() + " ms: " + startup);
        }
    }

    private static Answered answered(String content) {
        long[] sums = new long[9];
        Double bitrate = null;
        for (Map<String, Object> minute : api("/qoe?interval=minute&" + range(content))) {
            long startups = number(minute, "startups");
            long[] add = {number(minute, "views"), number(minute, "failures"), number(minute, "startup_failures"),
                    number(minute, "exits_before_start"), startups,
                    startups == 0 ? 0 : number(minute, "startup_mean_ms") * startups,
                    Math.round(((Number) minute.get("played_s")).doubleValue() * 1000),
                    Math.round(((Number) minute.get("rebuffer_s")).doubleValue() * 1000), number(minute, "rebuffers")};
            for (int i = 0; i < sums.length; i++) {
                sums[i] += add[i];
            }
            if (minute.get("avg_bitrate_kbps") != null) {
                // one level in the stream: every minute that played has its bitrate
                bitrate = ((Number) minute.get("avg_bitrate_kbps")).doubleValue();
            }
        }
        Map<String, Object> byCode = apiObject("/qoe/breakdown?dimension=error_code&metric=failure_pct&" + range(content));
        @SuppressWarnings("unchecked")
        String code = ((List<Map<String, Object>>) byCode.get("values")).stream()
                .filter(value -> ((Number) value.get("value")).doubleValue() > 0)
                .map(value -> String.valueOf(value.get("error_code")))   // "null" while a failure has no code yet
                .findFirst().orElse(null);
        Double score = api("/qoe?interval=hour&" + range(content)).stream().filter(hour -> number(hour, "scored") > 0)
                .map(hour -> ((Number) hour.get("score")).doubleValue()).findFirst().orElse(null);
        // the stream type its views are under (a view's whole numbers: one stream type)
        List<String> streamTypes = api("/qoe?interval=hour&group_by=stream_type&" + range(content)).stream()
                .filter(hour -> number(hour, "views") > 0).map(hour -> (String) hour.get("stream_type")).toList();
        String streamType = streamTypes.isEmpty() ? null : streamTypes.get(0);
        return new Answered(sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7], sums[8], bitrate, code,
                score, streamType);
    }

    /** The account, the content and a range around the test run (an exit counts 2 min after its last report). */
    private static String range(String content) {
        long now = System.currentTimeMillis() / 1000;
        return "accountid=" + Viewers.ACCOUNT + "&contentid=" + content + "&from=" + (now - 3600) + "&to=" + (now + 3600);
    }

    private static List<Map<String, Object>> api(String query) {
        return Viewers.parse(get(query));
    }

    private static Map<String, Object> apiObject(String query) {
        try {
            return JSON.readValue(get(query), new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String get(String query) {
        Http.Reply reply = Http.get(system.apiPort(), query, "x-api-key", Viewers.API_KEY);
        if (reply.status() != 200) {
            throw new AssertionError(query + " answered " + reply.status() + ": " + reply.body());
        }
        return reply.body();
    }

    private static long number(Map<String, Object> row, String name) {
        return ((Number) row.get(name)).longValue();
    }

    // ---- a player's page -------------------------------------------------------------------------------------------

    /** A player page in the browser: what the player sent (window.player.reports) and what its video did. */
    private static final class Player {
        final String name;
        final String content;
        private Map<String, Object> state = Map.of();

        private Player(String name, String content) {
            this.name = name;
            this.content = content;
        }

        /** Opens the page: the case's copy of the stream, its own content id, reports to the collector. */
        static Player open(String page, String name, String query) {
            Player player = new Player(name, "qoe-" + RUN + "-" + name);
            browser.open(origin.page(page + "?src=" + encode(origin.url(name, "master.m3u8")) + "&content="
                    + player.content + "&target=" + encode(target) + query));
            return player;
        }

        private static String encode(String text) {
            return URLEncoder.encode(text, StandardCharsets.UTF_8);
        }

        /** Polls the page until {@code done}; the page's state at that moment is then this player's. */
        void await(String what, Predicate<Player> done) throws IOException {
            try {
                Eventually.await(PLAY, name + ": " + what, () -> {
                    refresh();
                    return this;
                }, done);
            } catch (AssertionError e) {
                browser.screenshot(name);
                throw new AssertionError(e.getMessage() + "; page state: " + state, e);
            }
        }

        @SuppressWarnings("unchecked")
        private void refresh() {
            Object read = browser.js("return window.player ? JSON.parse(JSON.stringify(window.player)) : null;");
            if (read != null) {
                state = (Map<String, Object>) read;
            }
        }

        @SuppressWarnings("unchecked")
        private List<Map<String, Object>> list(String key) {
            return (List<Map<String, Object>>) state.getOrDefault(key, List.of());
        }

        /** The request bodies as sent, each after the collector's answer to it. */
        String sentBodies() {
            return list("reports").stream().map(r -> r.get("status") + "\n" + r.get("body").toString().strip())
                    .collect(Collectors.joining("\n")) + "\n" + state.get("name") + ", video events: " + list("events") + "\n";
        }

        List<Report> reports() {
            return CmcdReports.parse(list("reports").stream().map(r -> r.get("body").toString()).toList());
        }

        /** Every report request answered, and each with 204. */
        boolean allAnswered() {
            for (Map<String, Object> request : list("reports")) {
                Object status = request.get("status");
                if (status == null) {
                    return false;
                }
                assertEquals(204, ((Number) status).intValue(), "the collector's answer to " + request);
            }
            return true;
        }

        List<String> eventTypes() {
            return list("events").stream().map(e -> e.get("type").toString()).toList();
        }

        boolean ended() {
            return eventTypes().contains("ended");
        }

        /** When the video first played (its first {@code playing} event), by the page's clock. */
        long firstPlayingAt() {
            return list("events").stream().filter(e -> "playing".equals(e.get("type")))
                    .map(e -> ((Number) e.get("at")).longValue()).findFirst().orElseThrow();
        }

        long fatalErrors() {
            return list("errors").stream().filter(e -> Boolean.TRUE.equals(e.get("fatal"))).count();
        }

        /** A stall of the video after its first frame: its waiting, how long to its next playing, whether a seek began it. */
        record Stall(long atMs, double position, long ms, boolean afterSeek) {
        }

        /** The video's stalls after its first frame, by the page's clock (one not over yet has no length: -1). */
        List<Stall> stalls() {
            List<Stall> stalls = new ArrayList<>();
            boolean played = false;
            boolean seeking = false;
            Map<String, Object> waiting = null;
            boolean waitingAfterSeek = false;
            for (Map<String, Object> event : list("events")) {
                String type = event.get("type").toString();
                long at = ((Number) event.get("at")).longValue();
                if (type.equals("playing")) {
                    if (waiting != null) {
                        stalls.add(stall(waiting, at, waitingAfterSeek));
                        waiting = null;
                    }
                    played = true;
                    seeking = false;
                } else if (type.equals("seeking")) {
                    seeking = true;
                } else if (type.equals("waiting") && played && waiting == null) {
                    waiting = event;
                    waitingAfterSeek = seeking;
                }
            }
            if (waiting != null) {
                stalls.add(stall(waiting, -1, waitingAfterSeek));
            }
            return stalls;
        }

        private static Stall stall(Map<String, Object> waiting, long playingAt, boolean afterSeek) {
            long at = ((Number) waiting.get("at")).longValue();
            return new Stall(at, ((Number) waiting.get("time")).doubleValue(), playingAt < 0 ? -1 : playingAt - at, afterSeek);
        }

        /** Whether the video, after its first frame, waited for data at (or past) this position: the held-back segment. */
        boolean stalledAt(double position) {
            return stalls().stream().anyMatch(stall -> stall.position() >= position - 0.1);
        }

        /**
         * The view's rebuffers (from its reports) are its video's stalls that no seek began: as many, and as long within
         * {@code margin} each.
         */
        void assertRebuffersAreTheVideosStalls(CmcdReports.View view, Duration margin) {
            List<Stall> stalls = stalls().stream().filter(stall -> !stall.afterSeek()).toList();
            long videoMs = stalls.stream().mapToLong(Stall::ms).sum();
            String what = view + " against the video's stalls " + stalls + " in " + sentBodies();
            assertEquals(stalls.size(), view.rebuffers(), what);
            assertTrue(Math.abs(view.rebufferMs() - videoMs) <= margin.toMillis() * stalls.size(), what);
        }
    }
}
