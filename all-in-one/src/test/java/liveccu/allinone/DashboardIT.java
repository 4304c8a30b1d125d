package liveccu.allinone;

import static liveccu.allinone.CdnResults.traffic;
import static liveccu.allinone.Viewers.minuteAgo;
import static liveccu.allinone.Viewers.randomHex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import liveccu.model.CdnTraffic;
import liveccu.model.Side;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Rectangle;

/**
 * The dashboard as an operator sees it: the real system, real beacons over HTTP, and the page in a
 * real headless chromium. Screenshots go to {@code target/dashboard-screenshots}.
 */
class DashboardIT {

    private static final String BROWSER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/120.0.0.0 Safari/537.36";
    private static final String PHONE_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final Duration PAGE_WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** What a job's panel shows: the table's rows, the chart's points and the big numbers. */
    record Panel(String state, long renderedAt, List<Row> rows, List<String> labels, List<Long> server,
                 List<Long> player, String provisionalMinute, Headline headline) {
    }

    record Row(String time, long ssccu, long csccu, boolean provisional) {
    }

    record Headline(String minute, long ssccu, long csccu, String gap, String receivedAgo, String openMinute) {
    }

    private static final String READ_PANEL = """
            const panel = document.querySelector(`.panel[data-jobid="${arguments[0]}"]`);
            if (!panel || !panel.dataset.renderedAt) return null;
            const chart = Chart.getChart(panel.querySelector('canvas'));
            const metric = name => panel.querySelector(`[data-metric="${name}"]`);
            return JSON.stringify({
              state: panel.dataset.state,
              renderedAt: Number(panel.dataset.renderedAt),
              rows: [...panel.querySelectorAll('details.data:not(.tracking) tbody tr')].map(row => ({
                time: row.dataset.time, ssccu: Number(row.dataset.ssccu), csccu: Number(row.dataset.csccu),
                provisional: row.dataset.provisional === 'true' })),
              labels: chart.data.labels,
              server: chart.data.datasets[0].data,
              player: chart.data.datasets[1].data,
              provisionalMinute: panel.querySelector('canvas').dataset.provisionalMinute,
              headline: {
                minute: metric('minute').dataset.value,
                ssccu: Number(metric('ssccu').dataset.value),
                csccu: Number(metric('csccu').dataset.value),
                gap: metric('gap').dataset.value,
                receivedAgo: metric('received-ago').textContent,
                openMinute: metric('open-minute').textContent },
            });""";

    /**
     * What the Playback view shows: totals, the chart's hourly points, its tables' rows
     * (name:starts:streams:time:downloads; sources name:label:starts:streams:time:downloads:IAB downloads), the
     * filters in effect (name=value), and the IAB downloads' total, with whether their tile is shown.
     */
    record PlaybackShown(String state, List<Double> totals, List<String> labels, List<Double> starts, List<Double> streams,
                         List<Double> minutes, List<String> contents, List<String> properties, List<String> deviceClasses,
                         List<String> sources, List<String> filters, double iabDownloads, boolean iabShown) {
    }

    private static final String READ_PLAYBACK = """
            const view = document.querySelector('#playback-view');
            if (view.hidden || view.dataset.accountid !== arguments[0] || !view.dataset.renderedAt) return null;
            const chart = Chart.getChart(view.querySelector('canvas'));
            const total = name => Number(view.querySelector(`[data-total="${name}"]`).dataset.value);
            const rows = role => [...view.querySelectorAll(`[data-role="${role}"] tbody tr`)].map(row =>
                [row.dataset.name, row.dataset.starts, row.dataset.streams, row.dataset.time, row.dataset.downloads].join(':'));
            return JSON.stringify({
              state: document.querySelector('#state').dataset.state,
              totals: ['starts', 'streams', 'time', 'downloads'].map(total),
              labels: chart.data.labels,
              starts: chart.data.datasets[0].data,
              streams: chart.data.datasets[1].data,
              minutes: chart.data.datasets[2].data,
              contents: rows('top-contents'),
              properties: rows('by-property'),
              deviceClasses: rows('by-device-class'),
              sources: [...view.querySelectorAll('[data-role="by-source"] tbody tr')].map(row => [row.dataset.name,
                  row.querySelector('th').textContent, row.dataset.starts, row.dataset.streams, row.dataset.time,
                  row.dataset.downloads, row.dataset.iabDownloads].join(':')),
              filters: [...view.querySelectorAll('[data-role=playback-filters] .filter')].map(filter => filter.dataset.filter),
              iabDownloads: total('iab_downloads'),
              iabShown: getComputedStyle(view.querySelector('.tile.iab')).display !== 'none',
            });""";

    /**
     * What the CDN view shows: its interval, totals (values, then texts), the charts' points per interval
     * (traffic; hits, misses, other; 1xx to 5xx) and its PoP table's rows (name:bytes:requests:hit ratio:errors).
     */
    record CdnShown(String state, String interval, List<String> totals, List<String> totalsText, List<String> labels,
                    List<Double> traffic, List<List<Double>> cache, List<List<Double>> status, List<String> pops) {
    }

    private static final String READ_CDN = """
            const view = document.querySelector('#cdn-view');
            if (view.hidden || view.dataset.accountid !== arguments[0] || !view.dataset.renderedAt) return null;
            const chart = name => Chart.getChart(view.querySelector(`canvas[data-chart="${name}"]`));
            const totals = ['bytes', 'requests', 'hit-ratio', 'errors'].map(name => view.querySelector(`[data-total="${name}"]`));
            return JSON.stringify({
              state: document.querySelector('#state').dataset.state,
              interval: view.dataset.interval,
              totals: totals.map(total => total.dataset.value),
              totalsText: totals.map(total => total.textContent),
              labels: chart('traffic').data.labels,
              traffic: chart('traffic').data.datasets[0].data,
              cache: chart('cache').data.datasets.map(dataset => dataset.data),
              status: chart('status').data.datasets.map(dataset => dataset.data),
              pops: [...view.querySelectorAll('[data-role=by-pop] tbody tr')].map(row =>
                  [row.dataset.name, row.dataset.bytes, row.dataset.requests, row.dataset.hitRatio, row.dataset.errors].join(':')),
            });""";

    /** The account of the CDN log source the dashboard's audio test pushes to, and the episode its catalogue has. */
    /**
     * What the Experience view shows: its interval, tiles (values, then texts) with the live tiles' minute, the
     * views started and failure % per interval, the startup distribution's bins, the breakdown's rows
     * (name:views:value:impact) and what it breaks down by.
     */
    record QoeShown(String state, String interval, List<String> totals, List<String> totalsText, String liveMinute,
                    List<String> labels, List<Double> started, List<Double> failurePct, List<String> bins,
                    List<Double> distribution, List<String> breakdown, String dimension, String metric) {
    }

    private static final String READ_QOE = """
            const view = document.querySelector('#qoe-view');
            if (view.hidden || view.dataset.accountid !== arguments[0] || !view.dataset.renderedAt) return null;
            const chart = name => Chart.getChart(view.querySelector(`canvas[data-chart="${name}"]`));
            const totals = ['views', 'playing', 'rebuffering', 'failures', 'exits', 'startup-p50', 'startup-p90']
                .map(name => view.querySelector(`[data-total="${name}"]`));
            return JSON.stringify({
              state: document.querySelector('#state').dataset.state,
              interval: view.dataset.interval,
              totals: totals.map(total => total.dataset.value),
              totalsText: totals.map(total => total.textContent),
              liveMinute: view.querySelector('[data-role=live-minute]').dataset.minute,
              labels: chart('views').data.labels,
              started: chart('views').data.datasets[0].data,
              failurePct: chart('quality').data.datasets[1].data,
              bins: chart('distribution').data.labels,
              distribution: chart('distribution').data.datasets[0].data,
              breakdown: [...view.querySelectorAll('[data-role=breakdown] tbody tr')].map(row =>
                  [row.dataset.name, row.dataset.views, row.dataset.value, row.dataset.impact].join(':')),
              dimension: document.querySelector('#qoe-dimension').value,
              metric: document.querySelector('#qoe-metric').value,
            });""";

    private static final String AUDIO_ACCOUNT = "pb-audio-" + randomHex32().substring(0, 8);
    private static final String AUDIO_SOURCE = "dashboard-cdn";
    private static final String AUDIO_TOKEN = "dashboard-cdn-token-0123456789";
    private static final String EPISODE = "ep-" + AUDIO_ACCOUNT;

    @TempDir
    static Path dataDir;
    @TempDir
    static Path browserDir;
    static LocalSystem system;
    static Viewers viewers;
    static Browser browser;

    @BeforeAll
    static void startSystemAndBrowser() throws Exception {
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        // a podcast episode at 128 kbps: 16,000 bytes a second
        env.put("CCU_CONTENT_CATALOGUE", Files.writeString(dataDir.resolve("catalogue.csv"),
                "content_id,path_pattern,bitrate_kbps,type\n" + EPISODE + ",/podcasts/dash-ep*.mp3,128,vod\n").toString());
        env.put("CCU_LOG_SOURCES", AUDIO_SOURCE + ":cloudflare:" + AUDIO_ACCOUNT + ":podcasts");
        env.put("CCU_LOG_SOURCE_TOKENS", AUDIO_SOURCE + "=" + AUDIO_TOKEN);
        system = LocalSystem.start(new Env(env));
        viewers = new Viewers(system);
        Eventually.await(Duration.ofSeconds(30), "collector ready",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 200);
        browser = Browser.start(browserDir, SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        system.close();
    }

    @Test
    void listsTheRecentJobsAndOpensOneInOneClick() throws IOException {
        String job = randomHex32();
        long minute = minuteAgo(1);
        audience(job, minute, 3, 2);

        open("/?refresh=1", Viewers.API_KEY);
        String card = ".job-card[data-jobid='" + job + "']";
        Eventually.await(PAGE_WAIT, "the job in the list", () -> browser.js(
                "const c = document.querySelector(arguments[0]);"
                        + "return c && [c.querySelector('[data-metric=ssccu]').dataset.value,"
                        + " c.querySelector('[data-metric=csccu]').dataset.value].join('/');", card),
                "3/2"::equals);
        assertEquals("ok", state());
        browser.screenshot("jobs");

        browser.find(card + " a").click();

        awaitPanel(job, p -> p.rows().equals(List.of(new Row(iso(minute), 3, 2, false))));
        assertTrue(browser.currentUrl().contains("jobid=" + job), browser.currentUrl());
    }

    @Test
    void showsEachMinutesCountsTheBigNumbersAndTheBeaconDelay() throws IOException {
        String job = randomHex32();
        Map<String, long[]> sent = new TreeMap<>();
        long current = minuteAgo(0);
        for (int ago = 12; ago >= 0; ago--) {
            int server = 14 + (ago * 7) % 9;
            int player = server - 2 - ago % 4;
            audience(job, current - 60L * ago, server, player);
            sent.put(iso(current - 60L * ago), new long[] {server, player});
        }

        open("/?jobid=" + job + "&refresh=1", Viewers.API_KEY);
        Panel panel = awaitPanel(job, p -> p.rows().size() == sent.size() && matches(p.rows(), sent));

        // The chart: one point per minute of the last hour, 0 where nobody watched.
        assertEquals(60, panel.labels().size());
        for (int i = 0; i < panel.labels().size(); i++) {
            long[] counts = sent.getOrDefault(panel.labels().get(i), new long[2]);
            assertEquals(counts[0], panel.server().get(i), "server side at " + panel.labels().get(i));
            assertEquals(counts[1], panel.player().get(i), "player side at " + panel.labels().get(i));
        }
        // The open minute, and only it, is provisional.
        String openMinute = iso(minuteStartSeconds(panel.renderedAt()));
        assertEquals(openMinute, panel.provisionalMinute());
        for (Row row : panel.rows()) {
            assertEquals(row.time().equals(openMinute), row.provisional(), row.toString());
        }
        // The big numbers: the last full minute before the page drew.
        Headline headline = panel.headline();
        String lastFullMinute = iso(minuteStartSeconds(panel.renderedAt()) - 60);
        assertEquals(lastFullMinute, headline.minute());
        long[] expected = sent.getOrDefault(lastFullMinute, new long[2]);
        assertEquals(expected[0], headline.ssccu());
        assertEquals(expected[1], headline.csccu());
        assertEquals((expected[0] - expected[1]) * 100.0 / expected[0], Double.parseDouble(headline.gap()), 0.051);
        assertTrue(headline.receivedAgo().matches("[0-9.]+ s"), "since the latest beacon: " + headline.receivedAgo());
        // The open minute so far, apart from the big numbers (unless the minute sent to has ended since).
        long[] open = sent.get(openMinute);
        if (open != null) {
            assertTrue(headline.openMinute().contains("provisional")
                    && headline.openMinute().endsWith(open[0] + " server side · " + open[1] + " player side"),
                    headline.openMinute());
        }
        assertEquals("ok", state());
        // Nothing but the API itself was asked: the page works without internet.
        @SuppressWarnings("unchecked")
        List<String> requested = (List<String>) browser.js(
                "return performance.getEntriesByType('resource').map(e => e.name);");
        String origin = origin();
        assertTrue(requested.stream().allMatch(url -> url.startsWith(origin + "/")), requested.toString());
        assertTrue(requested.stream().anyMatch(url -> url.contains("/webjars/chart.js/")), requested.toString());
        browser.find(".panel[data-jobid='" + job + "'] details.data summary").click();
        browser.screenshot("job");
    }

    @Test
    void updatesLiveWhenMoreBeaconsArriveWithoutReloading() throws IOException {
        String job = randomHex32();
        long earlier = minuteAgo(2);
        audience(job, earlier, 2, 1);
        open("/?jobid=" + job + "&refresh=1", Viewers.API_KEY);
        awaitPanel(job, p -> p.rows().equals(List.of(new Row(iso(earlier), 2, 1, false))));
        browser.js("window.stillTheSamePage = true;");

        audience(job, earlier, 2, 2);
        long now = minuteAgo(0);
        audience(job, now, 1, 1);

        Panel panel = awaitPanel(job, p -> p.rows().size() == 2 && p.rows().get(1).equals(new Row(iso(earlier), 4, 3, false))
                && p.rows().get(0).time().equals(iso(now)) && p.rows().get(0).ssccu() == 1);
        int earlierPoint = panel.labels().indexOf(iso(earlier));
        assertEquals(4, panel.server().get(earlierPoint));
        assertEquals(3, panel.player().get(earlierPoint));
        assertEquals(true, browser.js("return window.stillTheSamePage === true;"), "updated without a reload");
    }

    @Test
    void exportsTheShownRangeAsCsvAndJson() throws IOException {
        String job = randomHex32();
        long earlier = minuteAgo(3);
        long later = earlier + 120;
        audience(job, earlier, 3, 2);
        audience(job, later, 1, 1);
        viewers.awaitCounts(job, earlier, later + 60, List.of(Viewers.minute(later, 1, 1), Viewers.minute(earlier, 3, 2)));
        List<Map<String, Object>> answered = viewers.ccu(job, earlier, later + 60);
        open("/?jobid=" + job, Viewers.API_KEY);
        awaitPanel(job, p -> p.rows().size() == 2);

        browser.find(".panel[data-jobid='" + job + "'] [data-export=json]").click();
        assertEquals(answered, Viewers.parse(browser.awaitDownload(".json")), "the API's own answer");

        browser.find(".panel[data-jobid='" + job + "'] [data-export=csv]").click();
        List<String> csv = new ArrayList<>(List.of("jobid,time,ssccu,csccu,last_rx_at"));
        answered.forEach(m -> csv.add(String.join(",", List.of(job, (String) m.get("time"), m.get("ssccu").toString(),
                m.get("csccu").toString(), (String) m.get("last_rx_at")))));
        assertEquals(String.join("\r\n", csv) + "\r\n", browser.awaitDownload(".csv"));
    }

    @Test
    void breaksTheJobDownByTrackingIdAndDownloadsTheViewerReport() throws IOException {
        String job = randomHex32();
        String sameAccountJob = randomHex32();
        String otherAccountJob = randomHex32();
        String otherAccount = "other-account";
        long minute = minuteAgo(2);
        for (String tracking : List.of("gold", "gold", "silver")) {
            String session = randomHex32();
            String path = Viewers.beaconPath(job, session, Side.SS, Long.toString(minute + 5)) + "?trackingId=" + tracking;
            assertEquals(200, Http.get(system.collectorPort(), path).status());
            if (tracking.equals("silver")) {
                assertEquals(200, Http.get(system.collectorPort(),
                        Viewers.beaconPath(job, session, Side.CS, Long.toString(minute + 9)) + "?trackingId=silver").status());
            }
        }
        // gold is scoped by account: one more of the account's viewers on another of its jobs, and another
        // account's four viewers also called gold, which must never be counted in this account's gold
        assertEquals(200, Http.get(system.collectorPort(),
                Viewers.beaconPath(sameAccountJob, randomHex32(), Side.SS, Long.toString(minute + 6)) + "?trackingId=gold").status());
        for (int i = 0; i < 4; i++) {
            assertEquals(200, Http.get(system.collectorPort(), Viewers.beaconPath(otherAccountJob, randomHex32(), otherAccount, Side.SS,
                    Long.toString(minute + 7)) + "?trackingId=gold").status());
        }
        // what the page and the report downloads are then checked for, from the API itself
        viewers.awaitCounts(job, minute, minute + 60, List.of(Viewers.minute(minute, 3, 1)));
        viewers.awaitCounts(otherAccountJob, minute, minute + 60, List.of(Viewers.minute(minute, 4, 0)));
        viewers.awaitCounts("/ccu/tracking?accountid=" + Viewers.ACCOUNT + "&trackingid=gold&in=" + minute + "&out=" + (minute + 60),
                List.of(Viewers.minute(minute, 3, 0)));
        viewers.awaitViewerReport("jobid=" + job + "&in=" + minute + "&out=" + (minute + 60), List.of("trackingid", "sides"),
                List.of(List.of("gold", "ss"), List.of("gold", "ss"), List.of("silver", "ss+cs")), PAGE_WAIT);
        open("/?jobid=" + job + "&jobid=" + otherAccountJob, Viewers.API_KEY);
        String readTracking = """
                return [...document.querySelectorAll(`.panel[data-jobid="${arguments[0]}"] [data-role=tracking] tbody tr`)]
                    .map(row => [row.dataset.accountid, row.dataset.trackingid, row.dataset.ssccu, row.dataset.csccu,
                        row.dataset.accountSsccu, row.dataset.accountCsccu].join(':')).sort().join(' ');""";
        // account:tracking id:this job's server:player side:all the account's jobs' server:player side
        Eventually.await(PAGE_WAIT, "tracking ids of the job, and in all the account's jobs", () -> browser.js(readTracking, job),
                (Viewers.ACCOUNT + ":gold:2:0:3:0 " + Viewers.ACCOUNT + ":silver:1:1:1:1")::equals);
        Eventually.await(PAGE_WAIT, "the other account's gold, apart", () -> browser.js(readTracking, otherAccountJob),
                (otherAccount + ":gold:4:0:4:0")::equals);
        browser.screenshot("tracking-breakdown");

        browser.find(".panel[data-jobid='" + job + "'] [data-report=csv]").click();
        List<String> report = browser.awaitDownload(".csv").lines().toList();
        assertEquals("sessionid,jobid,accountid,trackingid,custom_viewer_data,user_id,trusted,first_seen,last_seen,minutes_watched,sides",
                report.get(0));
        assertEquals(List.of("gold", "gold", "silver"), report.stream().skip(1).map(line -> line.split(",")[3]).sorted().toList());
        browser.find(".panel[data-jobid='" + job + "'] [data-report=json]").click();
        assertEquals(3, Viewers.parse(browser.awaitDownload(".json")).size());
    }

    @Test
    void theSeedDeepLinkOpensStraightToTheJobAndRangeWithItsSecret() {
        String job = randomHex32();
        long first = minuteAgo(5);
        audience(job, first, 2, 2);
        audience(job, first + 60, 3, 1);
        audience(job, first + 180, 1, 0);
        viewers.awaitCounts(job, first, first + 240, List.of(
                Viewers.minute(first + 180, 1, 0), Viewers.minute(first + 60, 3, 1), Viewers.minute(first, 2, 2)));

        // As the seed page was linked: the key in `secret`, none stored.
        open("/?jobid=" + job + "&in=" + first + "&out=" + (first + 120) + "&secret=" + Viewers.API_KEY, null);

        Panel panel = awaitPanel(job, p -> !p.rows().isEmpty());
        assertEquals(List.of(iso(first), iso(first + 60)), panel.labels());
        assertEquals(List.of(2L, 3L), panel.server());
        assertEquals(List.of(2L, 1L), panel.player());
        assertEquals(List.of(new Row(iso(first + 60), 3, 1, false), new Row(iso(first), 2, 2, false)), panel.rows());
        assertEquals("", panel.provisionalMinute());
        assertEquals(iso(first + 60), panel.headline().minute(), "the range's last minute");
        assertNull(browser.js("return localStorage.getItem('liveccu.apiKey');"), "a link's key is not stored");
    }

    @Test
    void aWrongOrMissingKeyIsSaidAndTheRightOneFixesIt() throws IOException {
        String job = randomHex32();
        audience(job, minuteAgo(1), 1, 1);

        open("/", null);
        awaitState("need-key");

        open("/?jobid=" + job + "&refresh=1", "not-the-key");
        awaitState("wrong-key");

        open("/?jobid=" + job + "&refresh=1&secret=wrong", null);
        awaitState("wrong-key");
        assertTrue(browser.find("#key-form").isDisplayed());
        assertTrue(browser.find("#state-message").getText().contains("wrong API key"));
        browser.screenshot("wrong-key");

        browser.find("#key-input").sendKeys(Viewers.API_KEY);
        browser.find("#key-form button[type=submit]").click();

        awaitState("ok");
        awaitPanel(job, p -> p.rows().size() == 1);
        assertFalse(browser.currentUrl().contains("secret"), browser.currentUrl());
        assertEquals(Viewers.API_KEY, browser.js("return localStorage.getItem('liveccu.apiKey');"));
    }

    @Test
    void aJobWithoutBeaconsSaysNoDataYet() {
        String job = randomHex32();

        open("/?jobid=" + job, Viewers.API_KEY);

        awaitState("no-data");
        assertEquals("no-data", awaitPanel(job, p -> true).state());
        assertTrue(browser.find("#state-message").getText().startsWith("No data yet"));
    }

    @Test
    void severalJobsSideBySideThenOneAfterAnother() throws IOException {
        String left = randomHex32();
        String right = randomHex32();
        long minute = minuteAgo(2);
        audience(left, minute, 5, 4);
        audience(right, minute, 2, 1);

        open("/?jobid=" + left + "&jobid=" + right, Viewers.API_KEY);

        awaitPanel(left, p -> p.rows().equals(List.of(new Row(iso(minute), 5, 4, false))));
        awaitPanel(right, p -> p.rows().equals(List.of(new Row(iso(minute), 2, 1, false))));
        Rectangle leftBox = browser.find(".panel[data-jobid='" + left + "']").getRect();
        Rectangle rightBox = browser.find(".panel[data-jobid='" + right + "']").getRect();
        assertEquals(leftBox.getY(), rightBox.getY(), "side by side");
        assertTrue(leftBox.getX() < rightBox.getX(), "in the order of the link");
        browser.screenshot("side-by-side");

        browser.find(".panel[data-jobid='" + left + "'] [data-action=close]").click();
        Eventually.await(PAGE_WAIT, "one panel left", () -> browser.js("return document.querySelectorAll('.panel').length;"),
                count -> ((Number) count).intValue() == 1);
        browser.back();
        Eventually.await(PAGE_WAIT, "both panels again", () -> browser.js("return document.querySelectorAll('.panel').length;"),
                count -> ((Number) count).intValue() == 2);
    }

    @Test
    void anUnreachableApiIsSaidAndTheLastNumbersStay() throws IOException {
        String job = randomHex32();
        long minute = minuteAgo(1);
        audience(job, minute, 2, 1);
        open("/?jobid=" + job + "&refresh=1", Viewers.API_KEY);
        Row shown = new Row(iso(minute), 2, 1, false);
        awaitPanel(job, p -> p.rows().equals(List.of(shown)));

        browser.offline(true);
        try {
            awaitState("unreachable");
            assertEquals(List.of(shown), readPanel(job).rows(), "the last numbers");
            browser.screenshot("unreachable");
        } finally {
            browser.offline(false);
        }
        awaitState("ok");
    }

    @Test
    void aFailedRefreshIsSaidAndLiveUpdatesGoOn() throws IOException {
        String job = randomHex32();
        long minute = minuteAgo(2);
        audience(job, minute, 2, 1);
        open("/?jobid=" + job + "&refresh=1", Viewers.API_KEY);
        awaitPanel(job, p -> p.rows().equals(List.of(new Row(iso(minute), 2, 1, false))));

        // A page bug while drawing: the chart library throws on every update for a while.
        browser.js("window.realChartUpdate = Chart.prototype.update;"
                + "Chart.prototype.update = function () { throw new Error('injected chart failure'); };");
        try {
            awaitState("page-error");
            assertTrue(browser.find("#state-message").getText().contains("injected chart failure"),
                    browser.find("#state-message").getText());
            browser.screenshot("page-error");
        } finally {
            browser.js("Chart.prototype.update = window.realChartUpdate;");
        }

        long next = minuteAgo(1);
        audience(job, next, 3, 3);
        awaitPanel(job, p -> p.rows().equals(List.of(new Row(iso(next), 3, 3, false), new Row(iso(minute), 2, 1, false))));
        awaitState("ok");
    }

    @Test
    void aPerAccountKeySeesOnlyItsAccountsJobsAndIsToldWhichScopeIsMissing() throws IOException {
        String tenant = "tenant-" + randomHex32().substring(0, 8);
        String job = randomHex32();
        long minute = minuteAgo(1);
        for (int i = 0; i < 2; i++) {
            assertEquals(200, Http.get(system.collectorPort(), "/" + randomHex32() + "/" + job + "/" + randomHex32() + "/" + tenant
                    + "/" + (minute + i) + "/" + Side.SS.pathSuffix()).status());
        }
        audience(randomHex32(), minute, 1, 0);  // another account's job, which this key must not list
        String countsKey = createKey(tenant + " dashboard", tenant, "counts");

        open("/?refresh=1", countsKey);
        Eventually.await(PAGE_WAIT, "only the tenant's job listed", () -> browser.js(
                "return [...document.querySelectorAll('.job-card')].map(c => c.dataset.jobid).join(',');"),
                job::equals);
        String identity = browser.find("#key-identity").getText();
        assertTrue(identity.contains(tenant + " dashboard") && identity.contains("account " + tenant) && identity.contains("counts"),
                identity);
        browser.find(".job-card[data-jobid='" + job + "'] a").click();
        awaitPanel(job, panel -> panel.rows().size() == 1 && panel.rows().get(0).ssccu() == 2);
        String note = (String) browser.js("const p = document.querySelector(`.panel[data-jobid='${arguments[0]}'] .report-actions`);"
                + "return [...p.querySelectorAll('button')].every(b => b.disabled) + ' ' + p.textContent;", job);
        assertTrue(note.startsWith("true") && note.contains("Needs a key with scope viewers (this key has: counts)"), note);
        browser.screenshot("per-account-key");

        open("/?refresh=1", createKey(tenant + " reports", tenant, "viewers"));
        awaitState("forbidden");
        String message = browser.find("#state-message").getText();
        assertTrue(message.contains("lacks scope counts"), message);
    }

    /** The words of the Playback view's table headers and names that the page breaks across lines (Con|ten|t). */
    private static final String WORDS_BROKEN_ACROSS_LINES = """
            const broken = [];
            document.querySelectorAll('#playback-view .playback-tables th').forEach(cell => {
              const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
              for (let text = texts.nextNode(); text; text = texts.nextNode()) {
                for (const word of text.data.matchAll(/\\S+/g)) {
                  const range = document.createRange();
                  range.setStart(text, word.index);
                  range.setEnd(text, word.index + word[0].length);
                  if (range.getClientRects().length > 1) broken.push(word[0]);
                }
              }
            });
            return broken;
            """;

    @Test
    void thePlaybackViewShowsAnAccountsTotalsHoursTopContentsPropertiesAndDeviceClassesAndFilters() throws IOException {
        String account = "pb-" + randomHex32().substring(0, 8);
        String news = "news-" + account;
        String movie = "movie-" + account;
        long t = System.currentTimeMillis() - 5 * 60_000;
        long hour = t / 3_600_000 * 3_600_000;
        if (t + 61_000 >= hour + 3_600_000) {
            t = hour += 3_600_000;  // every event in one hour
        }
        // a plays news 10 s on the web player (a stream), b the movie 3 s on tv (a start only), both on a
        // desktop browser; c downloads news on a phone, from a player that names no property (Others)
        postPlayerEvents(account, """
                {"event":"play","playback_id":"a","time":%1$d,"content_id":"%2$s","content_type":"vod","property":"web"}
                {"event":"playing","playback_id":"a","time":%4$d,"content_id":"%2$s","seconds":10,"position":10}
                {"event":"playback_start","playback_id":"b","time":%1$d,"content_id":"%3$s","content_type":"vod","property":"tv"}
                {"event":"playing","playback_id":"b","time":%5$d,"content_id":"%3$s","seconds":3,"position":3}
                """.formatted(t, news, movie, t + 10_000, t + 3_000), BROWSER_AGENT);
        postPlayerEvents(account, """
                {"event":"file_downloaded","playback_id":"c","time":%1$d,"content_id":"%2$s","content_type":"vod"}
                """.formatted(t, news), PHONE_AGENT);
        long nowS = System.currentTimeMillis() / 1000;
        String totalsQuery = "/playback?accountid=" + account + "&from=" + (nowS - 3 * 3600) + "&to=" + (nowS + 3600);
        Eventually.await(PAGE_WAIT.multipliedBy(2), "the API counted the playbacks",
                () -> Viewers.playbackTotals(system.apiPort(), totalsQuery),
                List.of(2.0, 1.0, 13.0, 1.0)::equals);

        open("/?refresh=1", Viewers.API_KEY);
        browser.find("[data-view-link=playback]").click();
        browser.find("#playback-account").clear();
        browser.find("#playback-account").sendKeys(account);
        browser.find("#playback-account-form button[type=submit]").click();

        PlaybackShown shown = Eventually.await(PAGE_WAIT, "account " + account + "'s playback on the page", () -> readPlayback(account),
                view -> view != null && view.totals().equals(List.of(2.0, 1.0, 13.0, 1.0)));
        assertEquals("ok", shown.state());
        assertTrue(browser.currentUrl().contains("view=playback") && browser.currentUrl().contains("accountid=" + account),
                browser.currentUrl());
        // One point per hour of the last 24 hours and the current one; only the events' hour has any.
        assertTrue(shown.labels().size() == 24 || shown.labels().size() == 25, shown.labels().toString());
        String eventsHour = Instant.ofEpochMilli(hour).toString().replace("Z", ".000Z");
        assertTrue(shown.labels().contains(eventsHour), shown.labels() + " has " + eventsHour);
        for (int i = 0; i < shown.labels().size(); i++) {
            boolean theHour = shown.labels().get(i).equals(eventsHour);
            assertEquals(theHour ? 2.0 : 0.0, shown.starts().get(i), "starts at " + shown.labels().get(i));
            assertEquals(theHour ? 1.0 : 0.0, shown.streams().get(i), "streams at " + shown.labels().get(i));
            assertEquals(theHour ? 13.0 / 60 : 0.0, shown.minutes().get(i), 1e-9, "minutes watched at " + shown.labels().get(i));
        }
        assertEquals(List.of(news + ":1:1:10:1", movie + ":1:0:3:0"), shown.contents(), "most starts first, then most time");
        assertEquals(List.of("web:1:1:10:0", "tv:1:0:3:0", "Others:0:0:0:1"), shown.properties());
        assertEquals(List.of("Desktop:2:1:13:0", "Phone:0:0:0:1"), shown.deviceClasses());
        assertEquals(List.of(), shown.filters());
        assertEquals(List.of(), browser.js(WORDS_BROKEN_ACROSS_LINES), "at 1,400 px the breakdowns' headers and names have room");
        browser.screenshot("playback");

        // a device class's name shows only its playbacks, everywhere in the view
        browser.click("[data-role=by-device-class] tbody tr[data-name='Phone'] a");
        PlaybackShown phone = Eventually.await(PAGE_WAIT, "only the phone's playbacks", () -> readPlayback(account),
                view -> view != null && view.totals().equals(List.of(0.0, 0.0, 0.0, 1.0)));
        assertEquals(List.of("device_class=Phone"), phone.filters());
        assertEquals(List.of("Phone:0:0:0:1"), phone.deviceClasses());
        assertEquals(List.of("Others:0:0:0:1"), phone.properties());
        assertEquals(List.of(news + ":0:0:0:1"), phone.contents());
        assertTrue(browser.currentUrl().contains("device_class=Phone"), browser.currentUrl());
        browser.screenshot("playback-filtered");
        // its × takes the filter away; the form filters by any dimension
        browser.click("[data-role=playback-filters] .filter a");
        Eventually.await(PAGE_WAIT, "every playback again", () -> readPlayback(account),
                view -> view != null && view.totals().equals(List.of(2.0, 1.0, 13.0, 1.0)) && view.filters().isEmpty());
        browser.js("document.querySelector('#playback-filter-dimension').value = 'property';");
        browser.find("#playback-filter-value").sendKeys("tv");
        browser.find("#playback-filter-form button[type=submit]").click();
        PlaybackShown tv = Eventually.await(PAGE_WAIT, "only the tv player's playbacks", () -> readPlayback(account),
                view -> view != null && view.totals().equals(List.of(1.0, 0.0, 3.0, 0.0)));
        assertEquals(List.of("property=tv"), tv.filters());
        assertEquals(List.of(movie + ":1:0:3:0"), tv.contents());
        assertEquals(List.of("Desktop:1:0:3:0"), tv.deviceClasses());
        browser.click("[data-role=playback-filters] .filter a");
        Eventually.await(PAGE_WAIT, "every playback again", () -> readPlayback(account),
                view -> view != null && view.totals().equals(List.of(2.0, 1.0, 13.0, 1.0)) && view.filters().isEmpty());

        // a content's name opens its retention curve: a played news from 0 to 10 s, its one start
        browser.click("[data-role=top-contents] tbody tr[data-name='" + news + "'] a");
        String curve = Eventually.await(PAGE_WAIT, "news' retention curve", () -> (String) browser.js("""
                const section = document.querySelector('[data-role=retention]');
                if (section.hidden || !section.dataset.renderedAt
                    || section.querySelector('[data-role=retention-content]').textContent !== arguments[0]) return null;
                const chart = Chart.getChart(section.querySelector('canvas'));
                return JSON.stringify([chart.data.labels, chart.data.datasets[0].data,
                    section.querySelector('[data-role=retention-top]').textContent]);""", news), json -> json != null);
        assertEquals("[[\"0:00\"],[100],\"Most watched: 0:00–0:10 (1 of 1 starts).\"]", curve);
        assertTrue(browser.currentUrl().contains("contentid=" + news), browser.currentUrl());
        browser.screenshot("playback-retention");

        browser.find("[data-view-link=ccu]").click();
        Eventually.await(PAGE_WAIT, "back on the CCU view's job list", () -> browser.js(
                "return !document.querySelector('#jobs-view').hidden && document.querySelector('#playback-view').hidden;"),
                Boolean.TRUE::equals);
        assertFalse(browser.currentUrl().contains("view=playback"), browser.currentUrl());
    }

    @Test
    void thePlaybackViewBreaksPlaybacksDownBySourceWithAudioFromCdnLogsAndItsIabDownloads() throws IOException {
        String account = AUDIO_ACCOUNT;
        String news = "news-" + account;
        long t = System.currentTimeMillis() - 5 * 60_000;
        long hour = t / 3_600_000 * 3_600_000;
        if (t + 61_000 >= hour + 3_600_000) {
            t = hour += 3_600_000;  // every event and line in one hour
        }
        // the platform's player: news played 10 s on the web player of a desktop browser
        postPlayerEvents(account, """
                {"event":"play","playback_id":"a","time":%1$d,"content_id":"%2$s","content_type":"vod","property":"web"}
                {"event":"playing","playback_id":"a","time":%3$d,"content_id":"%2$s","seconds":10,"position":10}
                """.formatted(t, news, t + 10_000), BROWSER_AGENT);
        // the CDN: Spotify on an iPhone fetches the episode in two ranges, 600,000 bytes: a start, 37.5 s, a stream;
        // Apple Podcasts downloads the whole file, 1,000,000 bytes: a download, and an IAB download (over a minute)
        String spotify = "Spotify/8.8.0 iOS/16.5 (iPhone14,2)";
        String podcasts = "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0";
        String path = "/podcasts/dash-ep-1.mp3";
        String lines = String.join("\n",
                CdnLogs.cloudflareLine(t + 1_000, "203.0.113.70", spotify, "GET", path, 206, 300_000, "0-299999"),
                CdnLogs.cloudflareLine(t + 20_000, "203.0.113.70", spotify, "GET", path, 206, 300_000, "300000-599999"),
                CdnLogs.cloudflareLine(t + 30_000, "203.0.113.71", podcasts, "GET", path, 200, 1_000_000, null));
        Http.Reply pushed = Http.post(system.collectorPort(), "/v1/logs/" + AUDIO_SOURCE, lines, "x-ccu-log-token", AUDIO_TOKEN);
        assertEquals(204, pushed.status(), pushed.body());
        long nowS = System.currentTimeMillis() / 1000;
        String bySource = "/playback?accountid=" + account + "&from=" + (nowS - 3 * 3600) + "&to=" + (nowS + 3600) + "&group_by=source";
        String counted = """
                [{"time":"%1$s","source":"cdn-log","starts":1,"streams":1,"time_s":37.5,"downloads":1,"iab_downloads":1,"devices":2,"devices_exact":false},
                 {"time":"%1$s","source":"player","starts":1,"streams":1,"time_s":10.0,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true}]"""
                .formatted(Instant.ofEpochMilli(hour));
        Eventually.await(PAGE_WAIT.multipliedBy(2), "the API counted the player's playback and the CDN's audio",
                () -> tree(Http.get(system.apiPort(), bySource, "x-api-key", Viewers.API_KEY).body()), tree(counted)::equals);

        open("/?view=playback&accountid=" + account, Viewers.API_KEY);
        PlaybackShown shown = Eventually.await(PAGE_WAIT, "account " + account + "'s playback and audio on the page",
                () -> readPlayback(account), view -> view != null && view.totals().equals(List.of(2.0, 2.0, 47.5, 1.0)));
        assertEquals("ok", shown.state());
        assertEquals(List.of("cdn-log:CDN logs (audio):1:1:37.5:1:1", "player:Player events:1:1:10:0:0"), shown.sources());
        assertEquals(1.0, shown.iabDownloads());
        assertTrue(shown.iabShown(), "the IAB downloads' tile where there are some");
        assertEquals(List.of("Spotify:1:1:37.5:0", "web:1:1:10:0", "Apple Podcasts:0:0:0:1"), shown.properties());
        assertEquals(List.of("Phone:1:1:37.5:0", "Desktop:1:1:10:0", "Mobile:0:0:0:1"), shown.deviceClasses());
        assertEquals(List.of(EPISODE + ":1:1:37.5:1", news + ":1:1:10:0"), shown.contents());
        browser.screenshot("playback-sources");

        // a source's name shows only what it measured; the player's playbacks have no IAB downloads, nor their tile
        browser.click("[data-role=by-source] tbody tr[data-name='cdn-log'] a");
        PlaybackShown audio = Eventually.await(PAGE_WAIT, "only the audio from CDN logs", () -> readPlayback(account),
                view -> view != null && view.totals().equals(List.of(1.0, 1.0, 37.5, 1.0)));
        assertEquals(List.of("source=cdn-log"), audio.filters());
        assertEquals(List.of("cdn-log:CDN logs (audio):1:1:37.5:1:1"), audio.sources());
        assertTrue(audio.iabShown());
        browser.click("[data-role=playback-filters] .filter a");
        Eventually.await(PAGE_WAIT, "everything again", () -> readPlayback(account),
                view -> view != null && view.totals().equals(List.of(2.0, 2.0, 47.5, 1.0)) && view.filters().isEmpty());
        browser.click("[data-role=by-source] tbody tr[data-name='player'] a");
        PlaybackShown player = Eventually.await(PAGE_WAIT, "only the player's playbacks", () -> readPlayback(account),
                view -> view != null && view.totals().equals(List.of(1.0, 1.0, 10.0, 0.0)));
        assertEquals(List.of("source=player"), player.filters());
        assertEquals(0.0, player.iabDownloads());
        assertFalse(player.iabShown(), "no IAB downloads: no tile");
    }

    @Test
    void thePlaybackViewSaysWhenThereIsNoDataYetAndWhatAKeyLacks() throws IOException {
        String account = "pb-empty-" + randomHex32().substring(0, 8);
        open("/?view=playback&accountid=" + account, Viewers.API_KEY);
        awaitState("no-data");
        assertTrue(browser.find("#state-message").getText().startsWith("No playback data yet for account " + account),
                browser.find("#state-message").getText());
        browser.screenshot("playback-no-data");

        open("/?view=playback", createKey(account + " reports", account, "viewers"));
        awaitState("forbidden");
        String message = browser.find("#state-message").getText();
        assertTrue(message.contains("lacks scope counts"), message);
    }

    @Test
    void theCdnViewShowsAnAccountsTotalsOverTimeTrafficPerPopAndFilters() throws Exception {
        String account = "cdn-" + randomHex32().substring(0, 8);
        long currentHour = System.currentTimeMillis() / CdnTraffic.HOUR_MS * CdnTraffic.HOUR_MS;
        long twoHoursAgo = currentHour - 2 * CdnTraffic.HOUR_MS;
        long anHourAgo = currentHour - CdnTraffic.HOUR_MS;
        long hour = CdnTraffic.HOUR_MS;
        // the hours' totals as the aggregator writes them (FRA's first record replaced by a newer one)
        CdnResults.write(system.broker().orElseThrow().bootstrapServers(), List.of(
                traffic(account, hour, twoHoursAgo, "vod-zone", "media.example.com", "FRA", "ep-1", 3, 3_000, 3, 0, 0, 3, 0, 0, 0),
                traffic(account, hour, twoHoursAgo, "vod-zone", "media.example.com", "FRA", "ep-1", 10, 700_000, 6, 3, 0, 8, 0, 1, 1),
                traffic(account, hour, twoHoursAgo, "vod-zone", "media.example.com", "AMS", "ep-1", 4, 200_000, 4, 0, 0, 4, 0, 0, 0),
                traffic(account, hour, anHourAgo, "live-zone", "live.example.com", "FRA", null, 6, 60_000, 0, 2, 0, 5, 1, 0, 0)));

        open("/?refresh=1", Viewers.API_KEY);
        browser.find("[data-view-link=cdn]").click();
        browser.find("#cdn-account").clear();
        browser.find("#cdn-account").sendKeys(account);
        browser.find("#cdn-account-form button[type=submit]").click();

        CdnShown shown = Eventually.await(PAGE_WAIT, "account " + account + "'s CDN figures on the page", () -> readCdn(account),
                view -> view != null && view.totals().equals(List.of("960000", "20", "0.6667", "1")));
        assertEquals("ok", shown.state());
        assertEquals("hour", shown.interval(), "the last 24 hours, per hour");
        assertEquals(List.of("960.0 kB", "20", "66.7 %", "1"), shown.totalsText());
        assertTrue(browser.currentUrl().contains("view=cdn") && browser.currentUrl().contains("accountid=" + account),
                browser.currentUrl());
        assertTrue(shown.labels().size() == 24 || shown.labels().size() == 25, shown.labels().toString());
        for (int i = 0; i < shown.labels().size(); i++) {
            long t = Instant.parse(shown.labels().get(i)).toEpochMilli();
            String at = "at " + shown.labels().get(i);
            assertEquals(t == twoHoursAgo ? 900_000.0 : t == anHourAgo ? 60_000.0 : 0.0, shown.traffic().get(i), "traffic " + at);
            List<Double> cache = List.of(shown.cache().get(0).get(i), shown.cache().get(1).get(i), shown.cache().get(2).get(i));
            assertEquals(t == twoHoursAgo ? List.of(10.0, 3.0, 1.0) : t == anHourAgo ? List.of(0.0, 2.0, 4.0) : List.of(0.0, 0.0, 0.0),
                    cache, "hits, misses, other " + at);
            int point = i;
            List<Double> status = shown.status().stream().map(group -> group.get(point)).toList();
            assertEquals(t == twoHoursAgo ? List.of(0.0, 12.0, 0.0, 1.0, 1.0) : t == anHourAgo ? List.of(0.0, 5.0, 1.0, 0.0, 0.0)
                    : List.of(0.0, 0.0, 0.0, 0.0, 0.0), status, "1xx to 5xx " + at);
        }
        assertEquals(List.of("FRA:760000:16:0.5455:1", "AMS:200000:4:1:0"), shown.pops(), "the most traffic first");
        browser.screenshot("cdn");

        // one zone: its hour alone, its one PoP, no hit at all
        browser.find("#cdn-zone").sendKeys("live-zone");
        browser.find("#cdn-filters button[type=submit]").click();
        CdnShown live = Eventually.await(PAGE_WAIT, "the live zone's figures", () -> readCdn(account),
                view -> view != null && view.totals().equals(List.of("60000", "6", "0", "0")));
        assertEquals(List.of("FRA:60000:6:0:0"), live.pops());
        assertTrue(browser.currentUrl().contains("zone=live-zone"), browser.currentUrl());

        // 30 days: per UTC day, the same hour summed into its day
        browser.find("#cdn-view [data-last='43200']").click();
        CdnShown days = Eventually.await(PAGE_WAIT, "the live zone per day", () -> readCdn(account),
                view -> view != null && view.interval().equals("day"));
        assertEquals(List.of("60000", "6", "0", "0"), days.totals());
        assertTrue(days.labels().size() == 30 || days.labels().size() == 31, days.labels().toString());
        String theDay = Instant.ofEpochMilli(anHourAgo / 86_400_000 * 86_400_000).toString().replace("Z", ".000Z");
        assertEquals(60_000.0, days.traffic().get(days.labels().indexOf(theDay)), days.labels() + " has " + theDay);
        // 1 hour: per minute, and none of this zone's minutes were written
        browser.find("#cdn-view [data-last='60']").click();
        CdnShown minutes = Eventually.await(PAGE_WAIT, "the live zone per minute", () -> readCdn(account),
                view -> view != null && view.interval().equals("minute"));
        assertEquals(60, minutes.labels().size(), minutes.labels().toString());
        assertEquals("no-data", minutes.state());

        browser.find("[data-view-link=ccu]").click();
        Eventually.await(PAGE_WAIT, "back on the CCU view's job list", () -> browser.js(
                "return !document.querySelector('#jobs-view').hidden && document.querySelector('#cdn-view').hidden;"),
                Boolean.TRUE::equals);
        assertFalse(browser.currentUrl().contains("zone="), browser.currentUrl());
    }

    @Test
    void theCdnViewSaysWhenThereIsNoDataYetAndWhatAKeyLacks() throws IOException {
        String account = "cdn-empty-" + randomHex32().substring(0, 8);
        open("/?view=cdn&accountid=" + account, Viewers.API_KEY);
        awaitState("no-data");
        assertTrue(browser.find("#state-message").getText().startsWith("No CDN data yet for account " + account),
                browser.find("#state-message").getText());

        open("/?view=cdn", createKey(account + " reports", account, "viewers"));
        awaitState("forbidden");
        assertTrue(browser.find("#state-message").getText().contains("lacks scope counts"), browser.find("#state-message").getText());

        open("/?view=cdn&accountid=another-" + account, createKey(account + " counts", account, "counts"));
        awaitState("forbidden");
        assertTrue(browser.find("#state-message").getText().contains("may not read account another-" + account),
                browser.find("#state-message").getText());
    }

    @Test
    void theExperienceViewShowsLiveTilesMinutesTheBreakdownByImpactAndTheStartupDistribution() throws IOException {
        String account = "qoe-" + randomHex32().substring(0, 8);
        String content = "match-" + account;
        String job = randomHex32();
        long now = System.currentTimeMillis();
        long t0 = now / 60_000 * 60_000 - 4 * 60_000;
        // five views four minutes ago as hls.js, Shaka and the platform's player report them (QoePlayers): hls.js
        // plays, its 404 fails, its stalled start exits; Shaka plays (Firefox); the player's events play
        QoePlayers.Report r = new QoePlayers.Report(content, t0);
        QoePlayers.postCmcd(system.collectorPort(), account, job, r.hlsJs("hls") + r.hlsJsManifest404("hls-404")
                + r.hlsJsExit("hls-exit"), QoePlayers.CHROME);
        QoePlayers.postCmcd(system.collectorPort(), account, job, r.shaka("shaka"), QoePlayers.FIREFOX);
        QoePlayers.postEvents(system.collectorPort(), account, r.playerEvents("player"), QoePlayers.CHROME);
        // and one watching now: hls.js started 150 s ago, its first frame 1 s later, reporting every 30 s until now
        QoePlayers.Report live = new QoePlayers.Report(content, now - 150_000);
        StringBuilder liveView = new StringBuilder(live.line("live", "ps", "s", 0, 0, 3000L) + live.line("live", "ps", "p", 1_000, 1, 3000L));
        for (int i = 1; i <= 5; i++) {
            liveView.append(live.line("live", "t", "p", i * 30_000L, 1 + i, 3000L));
        }
        QoePlayers.postCmcd(system.collectorPort(), account, job, liveView.toString(), QoePlayers.CHROME);
        long liveStartup = 1_000;
        long livePlayed = 149_000;
        long nowS = now / 1000;
        String range = "accountid=" + account + "&from=" + (nowS - 3 * 3600) + "&to=" + (nowS + 3600);
        Eventually.await(PAGE_WAIT.multipliedBy(2), "the API counted the six views", () -> List.of(
                        Viewers.parse(Http.get(system.apiPort(), "/qoe?" + range + "&interval=hour", "x-api-key", Viewers.API_KEY).body())
                                .stream().mapToLong(row -> ((Number) row.get("views")).longValue()).sum(),
                        tree(Http.get(system.apiPort(), "/qoe/startup?" + range, "x-api-key", Viewers.API_KEY).body()).get("startups").asLong(),
                        Viewers.parse(Http.get(system.apiPort(), "/qoe?" + range.replace(nowS - 3 * 3600 + "&", nowS - 3600 + "&")
                                + "&interval=minute", "x-api-key", Viewers.API_KEY).body()).stream()
                                .mapToLong(row -> ((Number) row.get("exits_before_start")).longValue()).sum()),
                List.of(6L, 4L, 1L)::equals);

        open("/?refresh=1", Viewers.API_KEY);
        browser.find("[data-view-link=qoe]").click();
        browser.find("#qoe-account").clear();
        browser.find("#qoe-account").sendKeys(account);
        browser.find("#qoe-account-form button[type=submit]").click();
        QoeShown shown = Eventually.await(PAGE_WAIT, "account " + account + "'s experience on the page", () -> readQoe(account),
                view -> view != null && view.totals().get(0).equals("6") && view.breakdown().size() == 2);
        assertEquals("ok", shown.state());
        assertEquals("minute", shown.interval(), "the last hour, per minute");
        assertTrue(browser.currentUrl().contains("view=qoe") && browser.currentUrl().contains("accountid=" + account),
                browser.currentUrl());
        // the live tiles are the last whole minute's: only the live view plays there, without a stall
        long liveMinute = Long.parseLong(shown.liveMinute());
        boolean livePlays = now - 149_000 < liveMinute + 60_000 && now > liveMinute;
        // 4 startups (1.0, 1.2, 1.8, 2.0 s): the median the 2nd (rank 1.5), p90 the 3rd (rank 2.7), as the API's buckets read
        long p50 = QoePlayers.bucketMs(QoePlayers.HLS_STARTUP);
        long p90 = QoePlayers.bucketMs(QoePlayers.SHAKA_STARTUP);
        assertEquals(List.of("6", livePlays ? "1" : "0", livePlays ? "0" : "", "1", "1", String.valueOf(p50), String.valueOf(p90)),
                shown.totals());
        assertEquals(List.of("6", livePlays ? "1" : "0", livePlays ? "0.0 %" : "–", "1", "1",
                String.format(java.util.Locale.ROOT, "%.2f s", p50 / 1000.0), String.format(java.util.Locale.ROOT, "%.2f s", p90 / 1000.0)),
                shown.totalsText());
        // per minute over the last hour: five views started in t0's minute, the live one in its own; 1 failure of 5 at t0
        assertEquals(60, shown.labels().size(), shown.labels().toString());
        String liveStart = Instant.ofEpochMilli((now - 150_000) / 60_000 * 60_000).toString().replace("Z", ".000Z");
        String first = Instant.ofEpochMilli(t0).toString().replace("Z", ".000Z");
        for (int i = 0; i < shown.labels().size(); i++) {
            String label = shown.labels().get(i);
            assertEquals(label.equals(first) ? 5.0 : label.equals(liveStart) ? 1.0 : 0.0, shown.started().get(i), "views started at " + label);
        }
        assertEquals(20.0, shown.failurePct().get(shown.labels().indexOf(first)));
        // the startup times in bins, each by the time its 1 % bucket stands for
        List<Long> startups = List.of(liveStartup, QoePlayers.HLS_STARTUP, QoePlayers.SHAKA_STARTUP, QoePlayers.PLAYER_STARTUP);
        long[] upper = {500, 1_000, 2_000, 3_000, 5_000, 8_000, 15_000, Long.MAX_VALUE};
        List<Double> bins = new ArrayList<>(java.util.Collections.nCopies(upper.length, 0.0));
        for (long startup : startups) {
            int bin = 0;
            while (QoePlayers.bucketMs(startup) >= upper[bin]) {
                bin++;
            }
            bins.set(bin, bins.get(bin) + 1);
        }
        assertEquals(bins, shown.distribution());
        assertEquals(List.of("0–0.5 s", "0.5–1 s", "1–2 s", "2–3 s", "3–5 s", "5–8 s", "8–15 s", "15 s and more"), shown.bins());
        // the breakdown by browser ranked by failure %: Chrome's 1 of 5 drags the overall 1 of 6 up
        assertEquals(List.of("browser", "failure_pct"), List.of(shown.dimension(), shown.metric()));
        double overall = 100.0 / 6;
        assertEquals(List.of("Chrome:5:20:" + impact(20.0 - overall, 5 / 6.0), "Firefox:1:0:" + impact(0 - overall, 1 / 6.0)),
                shown.breakdown());
        browser.screenshot("experience");

        // ranked by rebuffering instead: each browser's stalls over its watch time, weighed by its share of watch time
        browser.js("const select = document.querySelector('#qoe-metric'); select.value = 'rebuffer_pct';"
                + " select.dispatchEvent(new Event('change'));");
        long chromeStalls = QoePlayers.HLS_REBUFFER + QoePlayers.PLAYER_REBUFFER;
        long chromeWatch = QoePlayers.HLS_PLAYED + QoePlayers.PLAYER_PLAYED + livePlayed + chromeStalls;
        long firefoxWatch = QoePlayers.SHAKA_PLAYED + QoePlayers.SHAKA_REBUFFER;
        double all = 100.0 * (chromeStalls + QoePlayers.SHAKA_REBUFFER) / (chromeWatch + firefoxWatch);
        double chrome = 100.0 * chromeStalls / chromeWatch;
        double firefox = 100.0 * QoePlayers.SHAKA_REBUFFER / firefoxWatch;
        double chromeShare = chromeWatch / (double) (chromeWatch + firefoxWatch);
        List<String> expected = new ArrayList<>(List.of(
                "Chrome:5:" + number(Math.round(chrome * 100) / 100.0) + ":" + impact(chrome - all, chromeShare),
                "Firefox:1:" + number(Math.round(firefox * 100) / 100.0) + ":" + impact(firefox - all, 1 - chromeShare)));
        expected.sort(java.util.Comparator.comparingDouble(row -> -Double.parseDouble(row.substring(row.lastIndexOf(':') + 1))));
        QoeShown stalls = Eventually.await(PAGE_WAIT, "ranked by rebuffering", () -> readQoe(account),
                view -> view != null && view.metric().equals("rebuffer_pct") && view.breakdown().equals(expected));
        assertTrue(browser.currentUrl().contains("metric=rebuffer_pct"), browser.currentUrl());
        assertEquals(6, stalls.breakdown().stream().mapToInt(row -> Integer.parseInt(row.split(":")[1])).sum());
    }

    @Test
    void theExperienceViewSaysWhenThereIsNoDataYet() {
        String account = "qoe-empty-" + randomHex32().substring(0, 8);
        open("/?view=qoe&accountid=" + account, Viewers.API_KEY);
        awaitState("no-data");
        assertTrue(browser.find("#state-message").getText().startsWith("No experience data yet for account " + account),
                browser.find("#state-message").getText());
    }

    // ---------------------------------------------------------------- helpers

    /** An impact as the page holds it: the API's, rounded to 4 decimals, as JavaScript writes a number. */
    private static String impact(double excess, double share) {
        return number(Math.round(excess * share * 10_000) / 10_000.0);
    }

    /** A number as JavaScript writes it: whole numbers without a decimal point. */
    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static QoeShown readQoe(String account) {
        String json = (String) browser.js(READ_QOE, account);
        try {
            return json == null ? null : JSON.readValue(json, QoeShown.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CdnShown readCdn(String account) {
        String json = (String) browser.js(READ_CDN, account);
        try {
            return json == null ? null : JSON.readValue(json, CdnShown.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Player events as the platform's players post them (with a browser's user agent: Java's HTTP
     * client is a robot, whose playbacks count nothing), once the collector has acknowledged them.
     */
    private static void postPlayerEvents(String account, String ndjson, String userAgent) {
        Eventually.await(PAGE_WAIT, "player events accepted", () -> Http.post(system.collectorPort(),
                        "/v1/accounts/" + account + "/events", ndjson, "content-type", "application/x-ndjson",
                        "user-agent", userAgent),
                reply -> reply.status() == 204);
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PlaybackShown readPlayback(String account) {
        String json = (String) browser.js(READ_PLAYBACK, account);
        try {
            return json == null ? null : JSON.readValue(json, PlaybackShown.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A per-account key made with the operator key, once the API serves it. */
    private static String createKey(String label, String account, String scope) throws IOException {
        Http.Reply created = Http.post(system.apiPort(), "/admin/keys",
                "{\"label\":\"" + label + "\",\"accounts\":[\"" + account + "\"],\"scopes\":[\"" + scope + "\"]}",
                "content-type", "application/json", "x-api-key", Viewers.API_KEY);
        assertEquals(201, created.status(), created.body());
        String key = JSON.readTree(created.body()).get("key").asText();
        Eventually.await(PAGE_WAIT, "the API knows the new key", () -> Http.get(system.apiPort(), "/access", "x-api-key", key).status(),
                status -> status == 200);
        return key;
    }

    /** {@code server} sessions send heartbeats in the minute; the first {@code player} of them also csheartbeats. */
    private static void audience(String job, long minuteStart, int server, int player) {
        for (int i = 0; i < server; i++) {
            String session = randomHex32();
            assertEquals(200, viewers.beacon(job, session, Side.SS, minuteStart + i % 60).status());
            if (i < player) {
                assertEquals(200, viewers.beacon(job, session, Side.CS, minuteStart + (i * 7) % 60).status());
            }
        }
    }

    /** Opens a page of the dashboard with this key stored in the browser (none: no key stored). */
    private static void open(String pathAndQuery, String storedKey) {
        browser.open(origin() + "/favicon.svg"); // the dashboard's origin, to reach its storage
        browser.js("localStorage.clear(); if (arguments[0]) localStorage.setItem('liveccu.apiKey', arguments[0]);",
                storedKey);
        browser.open(origin() + pathAndQuery);
    }

    private static String origin() {
        return "http://127.0.0.1:" + system.apiPort();
    }

    private static String state() {
        return (String) browser.js("return document.querySelector('#state').dataset.state;");
    }

    private static void awaitState(String expected) {
        Eventually.await(PAGE_WAIT, "the page's state " + expected, DashboardIT::state, expected::equals);
    }

    private static Panel readPanel(String job) {
        String json = (String) browser.js(READ_PANEL, job);
        try {
            return json == null ? null : JSON.readValue(json, Panel.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Panel awaitPanel(String job, Predicate<Panel> done) {
        return Eventually.await(PAGE_WAIT, "job " + job + " on the page", () -> readPanel(job),
                panel -> panel != null && done.test(panel));
    }

    private static boolean matches(List<Row> rows, Map<String, long[]> sent) {
        return rows.stream().allMatch(row -> sent.containsKey(row.time())
                && sent.get(row.time())[0] == row.ssccu() && sent.get(row.time())[1] == row.csccu());
    }

    private static long minuteStartSeconds(long epochMs) {
        return epochMs / 60_000 * 60;
    }

    private static String iso(long epochSeconds) {
        return Instant.ofEpochSecond(epochSeconds).toString().replace("Z", ".000Z");
    }
}
