package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import liveccu.model.CountingRules;
import liveccu.model.PlaybackRules;
import liveccu.model.RetentionCount;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real player: hls.js (npm, pinned in the all-in-one pom) in Debian's headless chromium plays an HLS
 * stream that ffmpeg made for the test (H.264 test pattern + AAC sine, 4 segments of 2 s), served
 * locally, with CMCD v2 event reporting pointed at the collector. Over the real path (collector, broker,
 * aggregator, query API) the player is the job's one client-side viewer in each minute it reported
 * while starting or playing, and its playback is one start and one stream with the playing time of
 * the reports it sent, counted under its device class (a desktop's headless chromium) and source
 * ({@code cmcd}), and its retention is what its reports' playheads ({@code pt}) cover.
 */
class HlsPlayerIT {

    // `./liveccu test` installs Debian's ffmpeg here, or passes the one an operator chose.
    private static final Path FFMPEG = Path.of(System.getenv().getOrDefault("CCU_TEST_FFMPEG", "/usr/bin/ffmpeg"));
    // Unpacked by the download plugin (pre-integration-test) from the npm tarball the pom pins.
    private static final Path HLS_JS = Path.of(System.getProperty("basedir", "."), "target", "hlsjs", "package",
            "dist", "hls.min.js");
    private static final Path SCREENSHOTS = Path.of("target", "player-screenshots");
    private static final int STREAM_SECONDS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static HttpServer webServer;

    @BeforeAll
    static void startSystemAndServeTheStream() throws Exception {
        Path webRoot = Files.createDirectories(dataDir.resolve("web"));
        makeStream(Files.createDirectories(webRoot.resolve("stream")));
        if (!Files.isRegularFile(HLS_JS)) {
            throw new IllegalStateException(HLS_JS + " is missing: the all-in-one build unpacks it before the"
                    + " integration tests (run through ./mvnw verify)");
        }
        Files.copy(HLS_JS, webRoot.resolve("hls.min.js"));
        try (InputStream page = HlsPlayerIT.class.getResourceAsStream("/hls-player/index.html")) {
            Files.copy(page, webRoot.resolve("index.html"));
        }

        system = LocalSystem.start(new Env(Viewers.testEnv(dataDir.resolve("system"))));
        Router router = Router.router(system.vertx());
        router.route().handler(StaticHandler.create(FileSystemAccess.ROOT, webRoot.toString()).setCachingEnabled(false));
        webServer = system.vertx().createHttpServer().requestHandler(router).listen(0)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Eventually.await(Duration.ofSeconds(30), "collector ready",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 200);
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (webServer != null) {
            webServer.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (system != null) {
            system.close();
        }
    }

    /** A VOD stream: H.264 (baseline) test pattern and AAC sine, segments of 2 s. */
    private static void makeStream(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(FFMPEG)) {
            throw new IllegalStateException(FFMPEG + " is missing: `./liveccu test` installs ffmpeg,"
                    + " or set CCU_TEST_FFMPEG");
        }
        Path log = dir.resolveSibling("ffmpeg.log");
        Process ffmpeg = new ProcessBuilder(FFMPEG.toString(), "-hide_banner", "-nostdin", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", Integer.toString(STREAM_SECONDS),
                "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
                "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
                "-c:a", "aac", "-b:a", "64k", "-ac", "2",
                "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
                "-hls_segment_filename", dir.resolve("seg%d.ts").toString(), dir.resolve("index.m3u8").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!ffmpeg.waitFor(60, TimeUnit.SECONDS) || ffmpeg.exitValue() != 0) {
            ffmpeg.destroyForcibly();
            throw new IllegalStateException("ffmpeg could not make the stream: " + Files.readString(log));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPlayingHlsJsPlayerIsAClientSideViewerAndItsPlaybackAStartAndAStreamWithItsPlayingTime() throws Exception {
        String job = Viewers.randomHex32();
        String content = "hlsjs-" + UUID.randomUUID();
        String target = "http://localhost:" + system.collectorPort() + "/cmcd/" + Viewers.ACCOUNT + "/" + job;
        String page = "http://localhost:" + webServer.actualPort() + "/index.html?src=stream/index.m3u8"
                + "&content=" + content + "&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8);

        try (Browser browser = Browser.start(dataDir.resolve("browser"), SCREENSHOTS)) {
            browser.open(page);
            Map<String, Object> player = player(browser);
            assertTrue(player.get("version").toString().matches("1\\.(7|8|9|\\d\\d)\\..*|[2-9]\\..*"),
                    "hls.js with CMCD v2 event mode (>= 1.7): " + player.get("version"));
            assertEquals(true, player.get("mse"), "Media Source Extensions in this chromium");
            assertEquals(true, player.get("h264aac"), "H.264/AAC in MSE in this chromium (Debian's plays it)");

            // The stream plays to its end, and the player has had the answer to its report of the end.
            player = Eventually.await(Duration.ofSeconds(45), "the player to play the stream to its end",
                    () -> player(browser), p -> {
                        if (!((List<?>) p.get("errors")).isEmpty()) {
                            throw new AssertionError("hls.js failed: " + p);
                        }
                        return p.get("endedAt") != null && sentReports(p).stream()
                                .anyMatch(r -> "e".equals(r.sta()) && r.status() != null);
                    });
            browser.screenshot("ended");
            List<Report> reports = sentReports(player);
            // A start needs a play-state report while playing: hls.js sent one.
            assertTrue(reports.stream().anyMatch(r -> "ps".equals(r.e()) && "p".equals(r.sta())), reports.toString());
            assertTrue(playingMs(reports) >= PlaybackRules.DEFAULT_STREAM_THRESHOLD.toMillis(),
                    "the player played at least 5 s: " + reports);

            // hls.js may report again after its end: seen here, sta=p then sta=e again ~0.1 s after its first end
            // report (some 80 ms more playing, counted as sent). So each answer below is compared with what the
            // reports the player has sent *so far* add up to, read before and after the answer.
            long now = System.currentTimeMillis() / 1000;
            long firstMinute = CountingRules.minuteStart(reports.get(0).ts()) / 1000;

            // csccu: the player, once, in each minute in which it reported starting or playing (and no other).
            Viewers viewers = new Viewers(system);
            awaitAgreement(browser, "the job's minutes", HlsPlayerIT::expectedCounts,
                    () -> viewers.counts(job, firstMinute - 600, now + 600), Object::equals);

            // playback: one start, one stream (>= 5 s of playing), the playing time of its reports, no download
            String query = "/playback?accountid=" + Viewers.ACCOUNT + "&from=" + (now - 3 * 3600) + "&to=" + (now + 3600)
                    + "&contentid=" + content;
            awaitAgreement(browser, query, sent -> List.of(1.0, 1.0, playingMs(sent) / 1000.0, 0.0),
                    () -> Viewers.playbackTotals(system.apiPort(), query), (expected, totals) -> totals.get(0) == 1
                            && totals.get(1) == 1 && Math.abs(totals.get(2) - expected.get(2)) < 0.0005 && totals.get(3) == 0);
            // under its device class and source: one record, so its one device is exact
            Http.Reply bySource = Http.get(system.apiPort(), query + "&group_by=source&interval=day", "x-api-key", Viewers.API_KEY);
            List<Map<String, Object>> rows = Viewers.parse(bySource.body());
            assertEquals(1, rows.size(), bySource.body());
            assertEquals(List.of("cmcd", 1, true), List.of(rows.get(0).get("source"), rows.get(0).get("devices"),
                    rows.get(0).get("devices_exact")), bySource.body());
            Http.Reply byClass = Http.get(system.apiPort(), query + "&group_by=device_class&interval=day", "x-api-key", Viewers.API_KEY);
            assertEquals("Desktop", Viewers.parse(byClass.body()).get(0).get("device_class"), byClass.body());

            // retention: what the reports' playheads cover, if the content is on demand. hls.js 1.7.4 sends no
            // pt at all (its CMCD controller never sets it), and st=v only once it has loaded the playlist, so
            // its first reports (starting) leave the content type unsaid: no bucket, however long it plays
            // (target/player-screenshots/cmcd-reports.txt). A player that sends both gets its buckets here.
            String retentionQuery = "/playback/retention?accountid=" + Viewers.ACCOUNT + "&contentid=" + content
                    + "&from=" + (now - 3 * 3600) + "&to=" + (now + 3600);
            List<Report> sent = awaitAgreement(browser, retentionQuery, r -> List.of(1, retentionBuckets(r)), () -> {
                Map<String, Object> answer = retention(Http.get(system.apiPort(), retentionQuery, "x-api-key", Viewers.API_KEY).body());
                return List.of(answer.get("starts"), bucketsOf(answer));
            }, Object::equals);

            // kept beside the screenshots: what this hls.js really sends (keys, pt or not) is worth a look
            Files.writeString(SCREENSHOTS.resolve("cmcd-reports.txt"), ((List<Map<String, Object>>) player(browser).get("reports"))
                    .stream().map(request -> request.get("status") + "\n" + request.get("body")).collect(Collectors.joining("\n")));
            for (Report report : sent) {
                assertTrue(report.status() instanceof Number n && n.intValue() == 204, "the collector's answer to " + report);
            }
        }
    }

    /**
     * Waits until {@code answer} matches what the player's reports add up to ({@code expected}), the reports read
     * before and after the answer, the same and all answered (so the answer can hold no report they lack); returns them.
     */
    private static <T> List<Report> awaitAgreement(Browser browser, String what, Function<List<Report>, T> expected,
                                                   Supplier<T> answer, BiPredicate<T, T> matches) {
        record Reading(List<Report> reports, Object expected, Object answer, boolean agree) {
        }
        return Eventually.await(Duration.ofSeconds(60), what + " to be what the player's reports add up to", () -> {
            List<Report> before = sentReports(player(browser));
            T actual = answer.get();
            List<Report> after = sentReports(player(browser));
            T wanted = expected.apply(after);
            boolean agree = before.equals(after) && after.stream().allMatch(r -> r.status() != null)
                    && matches.test(wanted, actual);
            return new Reading(after, wanted, actual, agree);
        }, Reading::agree).reports();
    }

    /** The job's minutes: the player, once, in each minute in which it reported starting or playing. */
    private static List<List<Object>> expectedCounts(List<Report> reports) {
        TreeSet<Long> minutes = new TreeSet<>(Comparator.reverseOrder());
        reports.stream().filter(r -> r.sta() != null && "psrkw".contains(r.sta()))
                .forEach(r -> minutes.add(CountingRules.minuteStart(r.ts()) / 1000));
        return minutes.stream().map(m -> Viewers.minute(m, 0, 1)).toList();
    }

    /** One CMCD report as the player sent it, with the collector's answer to its request (null: none yet). */
    record Report(String e, String sta, long ts, String st, Long pt, Object status) {
    }

    /**
     * docs/definitions.md's CMCD retention, from what the player sent, as [from_s, playbacks, share] of its one start:
     * none unless the content is on demand (its type is the earliest report's {@code st}), else the buckets
     * between each report in state playing and the next report with a state ({@link PlaybackRules#cmcdRetentionBuckets}),
     * once per UTC day of the later report.
     */
    private static List<List<Object>> retentionBuckets(List<Report> reports) {
        long firstTs = reports.get(0).ts();
        // the earliest report names the content; of several at that instant the ledger takes the least content key
        String contentType = reports.stream().filter(r -> r.ts() == firstTs)
                .map(r -> "v".equals(r.st()) ? "vod" : "l".equals(r.st()) ? "live" : "~").min(String::compareTo).orElseThrow();
        Map<Integer, Integer> playbacks = new TreeMap<>();
        if (PlaybackRules.hasTimeline(contentType)) {
            Map<Long, BitSet> days = new TreeMap<>();
            List<Report> withState = reports.stream().filter(r -> r.sta() != null).toList();
            for (int i = 0; i + 1 < withState.size(); i++) {
                Report from = withState.get(i);
                Report to = withState.get(i + 1);
                int[] covered = "p".equals(from.sta()) ? PlaybackRules.cmcdRetentionBuckets(from.ts(), from.pt(), to.ts(), to.pt()) : null;
                if (covered != null) {
                    days.computeIfAbsent(RetentionCount.dayStart(to.ts()), d -> new BitSet()).set(covered[0], covered[1] + 1);
                }
            }
            days.values().forEach(day -> day.stream().forEach(bucket -> playbacks.merge(bucket, 1, Integer::sum)));
        }
        long bucketS = PlaybackRules.RETENTION_BUCKET.toSeconds();
        return playbacks.entrySet().stream()
                .map(b -> List.<Object>of((int) (b.getKey() * bucketS), b.getValue(), (double) b.getValue())).toList();
    }

    private static Map<String, Object> retention(String json) {
        try {
            return JSON.readValue(json, new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> bucketsOf(Map<String, Object> retention) {
        return ((List<Map<String, Object>>) retention.get("buckets")).stream()
                .map(b -> List.of(b.get("from_s"), b.get("playbacks"), ((Number) b.get("share")).doubleValue())).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> player(Browser browser) {
        return (Map<String, Object>) browser.js("return window.player ? JSON.parse(JSON.stringify(window.player)) : null;");
    }

    /** Every report line of every request the player made ({@link CmcdReports#parse}), with the answer to its request. */
    @SuppressWarnings("unchecked")
    private static List<Report> sentReports(Map<String, Object> player) {
        List<Report> reports = new ArrayList<>();
        for (Map<String, Object> request : (List<Map<String, Object>>) player.get("reports")) {
            Object status = request.get("status");
            for (CmcdReports.Report report : CmcdReports.parse(List.of(request.get("body").toString()))) {
                reports.add(new Report(report.e(), report.sta(), report.ts(), report.st(), report.pt(), status));
            }
        }
        reports.sort(Comparator.comparingLong(Report::ts));
        return reports;
    }

    /**
     * docs/definitions.md's CMCD playing time, from what the player sent: from each report in state playing to the
     * next report with a state, at most {@link PlaybackRules#CMCD_MAX_GAP}.
     */
    private static long playingMs(List<Report> reports) {
        List<Report> withState = reports.stream().filter(r -> r.sta() != null).toList();
        long ms = 0;
        for (int i = 0; i + 1 < withState.size(); i++) {
            if ("p".equals(withState.get(i).sta())) {
                ms += Math.min(withState.get(i + 1).ts() - withState.get(i).ts(), PlaybackRules.CMCD_MAX_GAP.toMillis());
            }
        }
        return ms;
    }
}
