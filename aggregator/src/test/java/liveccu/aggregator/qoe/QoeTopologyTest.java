package liveccu.aggregator.qoe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import liveccu.aggregator.playback.DeviceClassifier;
import liveccu.aggregator.AggregatorTopology;
import liveccu.aggregator.audio.AudioSettings;
import liveccu.aggregator.cdn.CdnRules;
import liveccu.model.CountingRules;
import liveccu.model.PlaybackRules;
import liveccu.model.PlayerEvent;
import liveccu.model.QoeCount;
import liveccu.model.QoeRules;
import liveccu.model.RejectedBeacon;
import liveccu.model.Topics;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quality of experience through the production topology ({@link AggregatorTopology#build}), from reports shaped as hls.js
 * 1.7.4 and Shaka 5.2 send them (docs/qoe.md, "Which keys each player really sends"): exact numbers, derived from
 * the reports, per minute and hour.
 */
class QoeTopologyTest {

    private static final String ACCOUNT = "123456789";
    private static final long T = Instant.parse("2026-11-23T10:05:00Z").toEpochMilli();
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/120.0.0.0 Safari/537.36";
    private static final String JOB = "142bbf588a574e018de94136a664cfaf";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, PlayerEvent> events;
    private TestOutputTopic<String, QoeCount> minutes;
    private TestOutputTopic<String, QoeCount> hours;
    private TestOutputTopic<String, RejectedBeacon> rejected;
    private final Map<String, QoeCount> latest = new TreeMap<>();
    private long records;

    @BeforeEach
    void startDriver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "qoe-topology-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(AggregatorTopology.build(CountingRules.defaults(), Duration.ofMillis(100),
                PlaybackRules.defaults(), CdnRules.defaults(), AudioSettings.defaults()), props, Instant.ofEpochMilli(T));
        events = driver.createInputTopic(Topics.PLAYER_EVENTS.name(),
                Topics.PLAYER_EVENTS.keySerde().serializer(), Topics.PLAYER_EVENTS.valueSerde().serializer());
        minutes = driver.createOutputTopic(Topics.QOE_MINUTES.name(),
                Topics.QOE_MINUTES.keySerde().deserializer(), Topics.QOE_MINUTES.valueSerde().deserializer());
        hours = driver.createOutputTopic(Topics.QOE_HOURS.name(),
                Topics.QOE_HOURS.keySerde().deserializer(), Topics.QOE_HOURS.valueSerde().deserializer());
        rejected = driver.createOutputTopic(Topics.REJECTED.name(),
                Topics.REJECTED.keySerde().deserializer(), Topics.REJECTED.valueSerde().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    /**
     * hls.js 1.7.4, media attached before {@code loadSource()} without autoplay: {@code ps} and {@code t} in state
     * preloading {@code d} when the manifest starts loading (no {@code st} before the playlist), then the click; no
     * msd, no pt, states d, s, p, k, r, a; a seek reads r; a closed tab sends nothing.
     */
    private static List<PlayerEvent> hlsJsView() {
        String sid = "hls-1";
        return List.of(
                beforeManifest(cmcd(sid, "ps", "d", 0, 0, null, null, null)),  // preloading: no autoplay
                beforeManifest(cmcd(sid, "t", "d", 0, 1, null, null, null)),   // the reporter's first time interval
                cmcd(sid, "ps", "s", 5_000, 2, 3_000L, null, null),  // the click: the intent
                cmcd(sid, "ps", "p", 6_200, 3, 3_000L, null, null),  // first frame: 1.2 s startup
                cmcd(sid, "t", "p", 30_000, 4, 3_000L, null, null),
                cmcd(sid, "ps", "k", 40_000, 5, 3_000L, null, null),  // a seek into an unbuffered position…
                cmcd(sid, "ps", "r", 40_010, 6, 3_000L, null, null),  // …reads as rebuffering: not counted
                cmcd(sid, "ps", "p", 40_900, 7, 3_000L, null, null),
                cmcd(sid, "ps", "r", 50_000, 8, 3_000L, null, null),  // a segment held back 3.5 s: a rebuffer
                cmcd(sid, "ps", "p", 53_500, 9, 3_000L, null, null),
                cmcd(sid, "t", "p", 60_000, 10, 3_000L, null, null),
                cmcd(sid, "ps", "a", 70_000, 11, 3_000L, null, null),
                cmcd(sid, "t", "a", 90_000, 12, 3_000L, null, null)); // then the tab is closed: nothing more
    }

    /**
     * Shaka 5.2 (a debug build: the release builds send no state): no starting state, no st before the manifest, r
     * during startup, msd on the report after the first playing, f + e when it recovers.
     */
    private static List<PlayerEvent> shakaView() {
        String sid = "shaka-1";
        return List.of(
                beforeManifest(cmcd(sid, "t", null, 0, 0, null, null, null)),   // the reporter starts: the intent
                beforeManifest(cmcd(sid, "ps", "r", 100, 1, null, null, null)), // load(): buffering before the first frame
                cmcd(sid, "ps", "p", 1_800, 2, 2_500L, null, null),
                cmcd(sid, "t", "p", 30_000, 3, 2_500L, 1_750L, null),  // msd = load() → playing
                cmcd(sid, "ps", "r", 40_000, 4, 2_500L, null, null),   // a held segment: a rebuffer…
                cmcd(sid, "ps", "f", 42_000, 5, 2_500L, null, null),   // …with a recoverable error in it
                cmcd(sid, "e", "f", 42_000, 6, 2_500L, null, null),    // Shaka's error report: no ec
                cmcd(sid, "ps", "p", 44_000, 7, 2_500L, null, null),   // playing again: no failure
                cmcd(sid, "t", "p", 60_000, 8, 2_500L, null, null),
                cmcd(sid, "ps", "e", 70_000, 9, 2_500L, null, null));
    }

    /** hls.js, a manifest that answers 404 (autoplay): s, f and an error report naming it; never an st. */
    private static List<PlayerEvent> hlsJsManifest404() {
        return List.of(beforeManifest(cmcd("hls-404", "ps", "s", 0, 0, null, null, null)),
                beforeManifest(cmcd("hls-404", "t", "s", 1, 1, null, null, null)),
                beforeManifest(cmcd("hls-404", "ps", "f", 1_500, 2, null, null, null)),
                beforeManifest(cmcd("hls-404", "e", "f", 1_500, 3, null, null, "manifestLoadError")));
    }

    /**
     * hls.js (autoplay), a first segment that never comes and a closed page: s before the playlist, then silence but
     * for its time-interval report, which says st (the segment was asked for, so the playlist was loaded).
     */
    private static List<PlayerEvent> hlsJsExit() {
        return List.of(beforeManifest(cmcd("hls-exit", "ps", "s", 0, 0, null, null, null)),
                beforeManifest(cmcd("hls-exit", "t", "s", 1, 1, null, null, null)),
                cmcd("hls-exit", "t", "s", 30_000, 2, null, null, null));
    }

    private static List<PlayerEvent> fourViews() {
        List<PlayerEvent> all = new ArrayList<>(hlsJsView());
        all.addAll(shakaView());
        all.addAll(hlsJsManifest404());
        all.addAll(hlsJsExit());
        return all;
    }

    @Test
    void hlsJsAndShakaReportsGiveEachViewsNumbersPerHour() {
        fourViews().forEach(this::send);

        QoeCount hour = sum(QoeCount.HOUR_MS, T - T % QoeCount.HOUR_MS);
        long hlsPlayed = (30_000 - 6_200) + (40_000 - 30_000) + (50_000 - 40_900) + (60_000 - 53_500) + (70_000 - 60_000);
        long shakaPlayed = (30_000 - 1_800) + (40_000 - 30_000) + (60_000 - 44_000) + (70_000 - 60_000);
        long hlsRebuffer = 53_500 - 50_000;
        long shakaRebuffer = 42_000 - 40_000;
        assertEquals(4, hour.views());
        assertEquals(List.of(1L, 1L, 1L), List.of(hour.failures(), hour.startupFailures(), hour.exitsBeforeStart()));
        assertEquals(List.of(2L, 1_200L + 1_750L), List.of(hour.startups(), hour.startupMsSum()));
        assertEquals(Map.of(QoeRules.startupBucket(1_200), 1L, QoeRules.startupBucket(1_750), 1L), hour.startupBuckets());
        assertEquals(hlsPlayed + shakaPlayed, hour.playedMs());
        assertEquals(List.of(2L, hlsRebuffer + shakaRebuffer), List.of(hour.rebuffers(), hour.rebufferMs()));
        assertEquals(3_000 * hlsPlayed + 2_500 * shakaPlayed, hour.bitrateKbpsMs());
        assertEquals(hlsPlayed + shakaPlayed, hour.bitrateMs());
        assertEquals(List.of(2L, 2L), List.of(hour.playingViews(), hour.rebufferingViews()));
        double hls = QoeRules.experienceScore(QoeRules.Outcome.PLAYED, 1_200L, 1, hlsRebuffer, hlsPlayed);
        double shaka = QoeRules.experienceScore(QoeRules.Outcome.PLAYED, 1_750L, 1, shakaRebuffer, shakaPlayed);
        assertEquals(4, hour.scored());
        assertEquals(QoeRules.scaled(hls) + QoeRules.scaled(shaka) + QoeRules.scaled(0) + QoeRules.scaled(50), hour.scoreSum());
        assertEquals(QoeRules.scaled(100 + 100 + 0 + 50), hour.successSum());
        assertEquals(QoeRules.scaled(QoeRules.startupScore(1_200)) + QoeRules.scaled(QoeRules.startupScore(1_750)),
                hour.startupScoreSum());
        // the failed view is under its error code, with the browser's dimensions and the network's
        QoeCount failed = latest.values().stream().filter(c -> "manifestLoadError".equals(c.dimensions().errorCode()))
                .findFirst().orElseThrow();
        assertEquals(List.of("Desktop", "Windows NT", "Chrome", "DE", "3320"), List.of(failed.dimensions().deviceClass(),
                failed.dimensions().os(), failed.dimensions().browser(), failed.dimensions().country(),
                String.valueOf(failed.dimensions().asn())));
        assertEquals(List.of(1L, 1L, 1L), List.of(failed.views(), failed.failures(), failed.startupFailures()));
        // each view's stream type is its earliest report's that says one: every view's first reports say none; the
        // 404's manifest never loaded, so it never said one
        assertEquals(null, failed.dimensions().streamType());
        assertEquals(Map.of("live", 3L, "none", 1L), viewsByStreamType(QoeCount.HOUR_MS));
    }

    @Test
    void shakasReleaseBuildViewIsAStartAtItsMsdReportWithThatStartupTime() {
        // Shaka 5.2.12's release build: no sta (Closure renamed the key), so only t reports, every 30 s; msd on the first
        // after the first frame
        String sid = "shaka-release";
        List<PlayerEvent> view = List.of(beforeManifest(cmcd(sid, "t", null, 0, 0, null, null, null)),
                cmcd(sid, "t", null, 30_000, 1, 2_500L, 366L, null),
                cmcd(sid, "t", null, 60_000, 2, 2_500L, null, null));
        view.forEach(this::send);

        QoeCount minute = sum(QoeCount.MINUTE_MS, T);
        assertEquals(List.of(1L, 1L, 366L, Map.of(QoeRules.startupBucket(366), 1L)),
                List.of(minute.views(), minute.startups(), minute.startupMsSum(), minute.startupBuckets()));
        // it played, but its reports tell no playing time, stall or bitrate
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), List.of(minute.playingViews(), minute.playedMs(), minute.rebuffers(),
                minute.bitrateMs(), minute.exitsBeforeStart()));
        QoeCount hour = sum(QoeCount.HOUR_MS, T - T % QoeCount.HOUR_MS);
        assertEquals(List.of(1L, 0L, 0L, 0L), List.of(hour.views(), hour.failures(), hour.exitsBeforeStart(), hour.smoothnessScored()));
        assertEquals(List.of(1L, QoeRules.scaled(QoeRules.startupScore(366))), List.of(hour.scored(), hour.scoreSum()));
        assertEquals(Map.of("live", 1L), viewsByStreamType(QoeCount.HOUR_MS));

        Map<String, QoeCount> inOrder = new TreeMap<>(latest);
        closeDriver();
        startDriver();
        latest.clear();
        List<PlayerEvent> shuffled = new ArrayList<>(view);
        shuffled.addAll(view);
        Collections.shuffle(shuffled, new Random(24));
        shuffled.forEach(this::send);
        assertEquals(inOrder, latest);
    }

    @Test
    void theLiveMinuteHasViewsStartedPlayingRebufferingFailuresExitsAndStartups() {
        fourViews().forEach(this::send);

        QoeCount first = sum(QoeCount.MINUTE_MS, T);
        assertEquals(List.of(4L, 2L, 2L, 1L, 1L), List.of(first.views(), first.playingViews(), first.rebufferingViews(),
                first.failures(), first.startupFailures()));
        assertEquals(2, first.startups());
        assertEquals(1_200.0, QoeRules.startupQuantile(first.startupBuckets(), 0.0), 1_200 * QoeRules.STARTUP_RELATIVE_ACCURACY);
        assertEquals(1_750.0, QoeRules.startupQuantile(first.startupBuckets(), 1.0), 1_750 * QoeRules.STARTUP_RELATIVE_ACCURACY);
        QoeCount second = sum(QoeCount.MINUTE_MS, T + 60_000);
        assertEquals(List.of(0L, 2L, 0L, 0L), List.of(second.views(), second.playingViews(), second.rebufferingViews(),
                second.exitsBeforeStart()));
        assertEquals(10_000L + 10_000L, second.playedMs());       // both played [60 s, 70 s)
        // the exit is due 2 minutes after the silent view's last report (30 s)
        assertEquals(1, sum(QoeCount.MINUTE_MS, T + 120_000).exitsBeforeStart());
        // a minute is one record per content and stream type, whatever the browsers and networks: the first minute has
        // the live views and the 404's, which never said a stream type
        assertEquals(Set.of(T + "|live", T + "|null", T + 60_000 + "|live", T + 120_000 + "|live"),
                latest.values().stream().filter(c -> c.periodMs() == QoeCount.MINUTE_MS && !c.isZero())
                        .map(c -> c.periodStartMs() + "|" + c.dimensions().streamType()).collect(Collectors.toSet()));
        assertEquals(0, sum(QoeCount.MINUTE_MS, T).scored());     // scores are the hours'
    }

    @Test
    void copiesAndAnyOrderWithinTheGraceGiveTheSameNumbers() {
        List<PlayerEvent> all = fourViews();
        all.forEach(this::send);
        Map<String, QoeCount> inOrder = new TreeMap<>(latest);
        long written = records;

        all.forEach(this::send);                                  // a retried request: nothing changes, nothing written
        assertEquals(inOrder, latest);
        assertEquals(written, records);

        closeDriver();
        startDriver();
        latest.clear();
        List<PlayerEvent> shuffled = new ArrayList<>(all);
        shuffled.addAll(all);
        Collections.shuffle(shuffled, new Random(24));
        shuffled.forEach(this::send);
        assertEquals(inOrder, latest);
    }

    @Test
    void aLateEarlierIntentMovesTheViewsStartupTimeToAnotherBucket() {
        String sid = "hls-late";
        send(cmcd(sid, "ps", "s", 5_000, 2, null, null, null));
        send(cmcd(sid, "ps", "p", 6_200, 3, null, null, null));
        QoeCount before = sum(QoeCount.HOUR_MS, T - T % QoeCount.HOUR_MS);
        assertEquals(Map.of(QoeRules.startupBucket(1_200), 1L), before.startupBuckets());

        // the player's earlier starting report, retried after a network error, arrives 10 minutes late (within the grace)
        send(late(cmcd(sid, "ps", "s", 3_000, 1, null, null, null), 600_000));

        QoeCount after = sum(QoeCount.HOUR_MS, T - T % QoeCount.HOUR_MS);
        assertEquals(Map.of(QoeRules.startupBucket(3_200), 1L), after.startupBuckets());
        assertEquals(List.of(1L, 1L, 3_200L), List.of(after.views(), after.startups(), after.startupMsSum()));
    }

    @Test
    void aCopyOfASettledReportIsRefusedAndCountsNothing() {
        String sid = "hls-long";
        List<PlayerEvent> view = new ArrayList<>(List.of(cmcd(sid, "ps", "s", 0, 0, null, null, null),
                cmcd(sid, "ps", "p", 1_000, 1, null, null, null)));
        long sn = 2;
        for (long t = 30_000; t <= 2 * QoeCount.HOUR_MS; t += 30_000) {
            view.add(cmcd(sid, "t", "p", t, sn++, null, null, null));
        }
        view.forEach(this::send);
        Map<String, QoeCount> before = new TreeMap<>(latest);
        rejected.readValuesToList();

        // the first report again, from a collector whose clock is 2 hours late: on time by its own timestamps
        send(receivedAt(view.get(0), T + 60_000));

        assertEquals(before, latest);
        List<String> refusals = rejected.readValuesToList().stream().map(RejectedBeacon::message)
                .filter(m -> m.contains("QoE")).toList();
        assertEquals(1, refusals.size());
        assertTrue(refusals.get(0).contains("settled"), refusals.get(0));
        long played = latest.values().stream().filter(c -> c.periodMs() == QoeCount.HOUR_MS).mapToLong(QoeCount::playedMs).sum();
        assertEquals(2 * QoeCount.HOUR_MS - 1_000, played);
    }

    @Test
    void thePlatformsPlayerEventsGiveStartupRebufferingBitrateAndAFailureUnderItsCode() {
        send(player("pb-1", "play", 0, null, null, null, null));
        send(player("pb-1", "playing", 10_000, 8.0, 2_000.0, null, null));      // playing since 2 s: a 2 s startup
        send(player("pb-1", "buffering", 15_000, null, null, null, null));
        send(player("pb-1", "playing", 20_000, 2.0, 2_000.0, null, null));      // playing again since 18 s: a 3 s stall
        send(player("pb-1", "error", 25_000, null, null, "NET-503", false));    // recoverable: nothing
        send(player("pb-1", "error", 30_000, null, null, "NET-404", true));     // fatal, nothing after: a failure

        QoeCount hour = sum(QoeCount.HOUR_MS, T - T % QoeCount.HOUR_MS);
        assertEquals(List.of(1L, 1L, 2_000L), List.of(hour.views(), hour.startups(), hour.startupMsSum()));
        assertEquals(List.of(10_000L, 1L, 3_000L), List.of(hour.playedMs(), hour.rebuffers(), hour.rebufferMs()));
        assertEquals(List.of(2_000L * 10_000, 10_000L), List.of(hour.bitrateKbpsMs(), hour.bitrateMs()));
        assertEquals(List.of(1L, 0L, 0L), List.of(hour.failures(), hour.startupFailures(), hour.exitsBeforeStart()));
        assertEquals(List.of(1L, 0L), List.of(hour.scored(), hour.scoreSum()));
        assertTrue(latest.values().stream().filter(c -> c.periodMs() == QoeCount.HOUR_MS && !c.isZero())
                .allMatch(c -> "NET-404".equals(c.dimensions().errorCode())), latest.keySet().toString());   // the view moved there whole
    }

    @Test
    void aScriptsViewCountsNothing() {
        for (PlayerEvent e : hlsJsView()) {
            send(as(e, "Python-urllib/3.11"));
        }
        assertEquals(Map.of(), latest);
    }

    @Test
    void aLiveEventsMinuteIsOneRecordWhateverItsAudienceAndItsHourOnePerDimensionSet() {
        String[] agents = {CHROME,
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"};
        String[] countries = {"DE", "FR", "ES", "CL", "AR"};
        int viewers = 1_000;
        Set<String> dimensionSets = new HashSet<>();
        long playedInFirstMinute = 0;
        for (int v = 0; v < viewers; v++) {
            String agent = agents[v % agents.length];
            String country = countries[v % countries.length];
            long asn = 64_500 + v % 10;
            DeviceClassifier.Device device = DeviceClassifier.shared().device(agent);
            dimensionSets.add(device + "|" + country + "|" + asn);
            String sid = "live-" + v;
            long start = v * 50L;                                 // all start within the first minute
            playedInFirstMinute += Math.min(start + 30_000, 60_000) - (start + 1_000);
            send(geo(as(cmcd(sid, "ps", "s", start, 0, null, null, null), agent), country, asn));
            send(geo(as(cmcd(sid, "ps", "p", start + 1_000, 1, 3_000L, null, null), agent), country, asn));
            send(geo(as(cmcd(sid, "t", "p", start + 30_000, 2, 3_000L, null, null), agent), country, asn));
        }
        // a view that has only said "starting" is an exit due 2 minutes later until its first frame takes it back:
        // that minute's record is then all zeros (the API leaves such records out)
        long minuteRecords = latest.values().stream().filter(c -> c.periodMs() == QoeCount.MINUTE_MS && !c.isZero()).count();
        long zeroMinutes = latest.values().stream().filter(c -> c.periodMs() == QoeCount.MINUTE_MS && c.isZero()).count();
        long hourRecords = latest.values().stream().filter(c -> c.periodMs() == QoeCount.HOUR_MS).count();
        // measured: 1,000 views, 3,000 reports -> 2 minute records (they play into the second minute), 1 of zeros, and
        // 1 hour record per device, country and network (here 20)
        assertEquals(2, minuteRecords);
        assertEquals(1, zeroMinutes);
        assertEquals(dimensionSets.size(), hourRecords);
        assertEquals(viewers, sum(QoeCount.MINUTE_MS, T).views());
        assertEquals(viewers, sum(QoeCount.MINUTE_MS, T).playingViews());
        assertEquals(playedInFirstMinute, sum(QoeCount.MINUTE_MS, T).playedMs());
        assertEquals(viewers * 29_000L, sum(QoeCount.HOUR_MS, T - T % QoeCount.HOUR_MS).playedMs());
        System.out.printf("QoE cardinality: %d views, %d reports -> %d minute records (+%d of zeros), %d hour records, "
                + "%d records written%n", viewers, 3 * viewers, minuteRecords, zeroMinutes, hourRecords, records);
    }

    /** Views started per stream type ({@code none} when absent), over the account's records of one period length. */
    private Map<String, Long> viewsByStreamType(long periodMs) {
        Map<String, Long> views = new TreeMap<>();
        latest.values().stream().filter(c -> c.periodMs() == periodMs && c.views() != 0).forEach(c -> views.merge(
                c.dimensions().streamType() == null ? "none" : c.dimensions().streamType(), c.views(), Long::sum));
        return views;
    }

    /** The sum of the account's records of one period (any dimensions). */
    private QoeCount sum(long periodMs, long startMs) {
        QoeCount total = null;
        for (QoeCount c : latest.values()) {
            if (c.periodMs() == periodMs && c.periodStartMs() == startMs && c.accountId().equals(ACCOUNT)) {
                total = total == null ? c : total.plus(c);
            }
        }
        return total == null ? QoeCount.zero(ACCOUNT, periodMs, startMs, null) : total;
    }

    private void send(PlayerEvent event) {
        events.pipeInput(event.playbackId(), event, event.receivedAtMs());
        driver.advanceWallClockTime(QoeTopology.TOTALS_SENT_EVERY);  // changed periods' totals go out once per interval
        minutes.readKeyValuesToList().forEach(kv -> {
            latest.put(kv.key, kv.value);
            records++;
        });
        hours.readKeyValuesToList().forEach(kv -> {
            latest.put(kv.key, kv.value);
            records++;
        });
    }

    /** A CMCD report of the live content match-9 from Chrome in Germany (DTAG), {@code at} ms after T, received 0.5 s later. */
    private static PlayerEvent cmcd(String sid, String e, String sta, long at, long sn, Long br, Long msd, String ec) {
        long ts = T + at;
        return new PlayerEvent("cmcd", "cmcd", ACCOUNT, sid, ts, ts + 500, "match-9", "live", PlayerEvent.OTHERS, null, null,
                null, null, null, null, null, null, null, CHROME, "hash",
                new PlayerEvent.Cmcd(JOB, e, sta, sta != null, null, sn, br, 5_000L, "h", "l", 2L, msd, ec, null),
                "DE", 3320L, "DTAG", null, null, null);
    }

    /** The report as a player sends it before its playlist or manifest is loaded: without {@code st}. */
    private static PlayerEvent beforeManifest(PlayerEvent e) {
        PlayerEvent.Cmcd c = e.cmcd();
        return new PlayerEvent(e.source(), e.type(), e.accountId(), e.playbackId(), e.eventTimeMs(), e.receivedAtMs(),
                e.contentId(), null, e.property(), e.referrerDomain(), e.deviceId(), e.category(), e.distributor(),
                e.producer(), e.show(), e.zone(), e.secondsPlayed(), e.positionS(), e.userAgent(), e.ipHash(),
                new PlayerEvent.Cmcd(c.jobId(), c.e(), c.sta(), c.heartbeat(), c.sessionId(), c.sn(), c.br(), c.bl(), c.sf(), null,
                        c.v(), c.msd(), c.ec(), c.bs()),
                e.country(), e.asn(), e.asOrg(), e.bitrateKbps(), e.errorCode(), e.fatal());
    }

    /** A platform player event of match-9 from Chrome in Germany, {@code at} ms after T, received 0.5 s later. */
    private static PlayerEvent player(String playbackId, String type, long at, Double seconds, Double bitrateKbps, String code,
                                      Boolean fatal) {
        long t = T + at;
        return new PlayerEvent("player", type, ACCOUNT, playbackId, t, t + 500, "match-9", "live", "web", null, null, null,
                null, null, null, null, seconds, null, CHROME, "hash", null, "DE", 3320L, "DTAG", bitrateKbps, code, fatal);
    }

    private static PlayerEvent late(PlayerEvent e, long byMs) {
        return receivedAt(e, e.receivedAtMs() + byMs);
    }

    private static PlayerEvent receivedAt(PlayerEvent e, long receivedAtMs) {
        return new PlayerEvent(e.source(), e.type(), e.accountId(), e.playbackId(), e.eventTimeMs(), receivedAtMs,
                e.contentId(), e.contentType(), e.property(), e.referrerDomain(), e.deviceId(), e.category(), e.distributor(),
                e.producer(), e.show(), e.zone(), e.secondsPlayed(), e.positionS(), e.userAgent(), e.ipHash(), e.cmcd(),
                e.country(), e.asn(), e.asOrg(), e.bitrateKbps(), e.errorCode(), e.fatal());
    }

    private static PlayerEvent as(PlayerEvent e, String userAgent) {
        return new PlayerEvent(e.source(), e.type(), e.accountId(), e.playbackId(), e.eventTimeMs(), e.receivedAtMs(),
                e.contentId(), e.contentType(), e.property(), e.referrerDomain(), e.deviceId(), e.category(), e.distributor(),
                e.producer(), e.show(), e.zone(), e.secondsPlayed(), e.positionS(), userAgent, e.ipHash(), e.cmcd(),
                e.country(), e.asn(), e.asOrg(), e.bitrateKbps(), e.errorCode(), e.fatal());
    }

    private static PlayerEvent geo(PlayerEvent e, String country, long asn) {
        return new PlayerEvent(e.source(), e.type(), e.accountId(), e.playbackId(), e.eventTimeMs(), e.receivedAtMs(),
                e.contentId(), e.contentType(), e.property(), e.referrerDomain(), e.deviceId(), e.category(), e.distributor(),
                e.producer(), e.show(), e.zone(), e.secondsPlayed(), e.positionS(), e.userAgent(), e.ipHash(), e.cmcd(),
                country, asn, "AS" + asn, e.bitrateKbps(), e.errorCode(), e.fatal());
    }
}
