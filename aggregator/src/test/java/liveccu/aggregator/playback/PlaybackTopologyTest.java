package liveccu.aggregator.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import liveccu.aggregator.AggregatorTopology;
import liveccu.aggregator.audio.AudioSettings;
import liveccu.aggregator.cdn.CdnRules;
import liveccu.model.ContentDimensions;
import liveccu.model.CountingRules;
import liveccu.model.DeviceSketches;
import liveccu.model.PlaybackCount;
import liveccu.model.PlaybackRules;
import liveccu.model.PlayerEvent;
import liveccu.model.RejectedBeacon;
import liveccu.model.RetentionCount;
import liveccu.model.Topics;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Playback metrics through the production topology ({@link AggregatorTopology#build}): known event streams,
 * exact numbers per content and hour.
 */
class PlaybackTopologyTest {

    private static final String ACCOUNT = "123456789";
    private static final long HOUR = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final long H = PlaybackCount.HOUR_MS;
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/120.0.0.0 Safari/537.36";
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
    private static final String SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            + "Version/17.0 Safari/605.1.15";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final ContentDimensions NEWS = new ContentDimensions("news-1", "vod", "web", "news", "dist", "prod",
            "morning", "latam");
    /** NEWS as the player events of the tests count it: their agent "UA/1" is a device Yauaa cannot class. */
    private static final ContentDimensions NEWS_PLAYER = NEWS.measured("Unknown", "player");
    private static final ContentDimensions NEWS_DESKTOP = NEWS.measured("Desktop", "player");
    private static final ContentDimensions NEWS_PHONE = NEWS.measured("Phone", "player");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, PlayerEvent> events;
    private TestOutputTopic<String, PlaybackCount> counts;
    private TestOutputTopic<String, RejectedBeacon> rejected;
    private TestOutputTopic<String, RetentionCount> retention;
    private final Map<String, PlaybackCount> latest = new TreeMap<>();
    private final Map<String, RetentionCount> latestRetention = new TreeMap<>();

    @BeforeEach
    void startDriver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "playback-topology-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(AggregatorTopology.build(CountingRules.defaults(), Duration.ofMillis(100),
                PlaybackRules.defaults(), CdnRules.defaults(), AudioSettings.defaults()), props, Instant.ofEpochMilli(HOUR));
        events = driver.createInputTopic(Topics.PLAYER_EVENTS.name(),
                Topics.PLAYER_EVENTS.keySerde().serializer(), Topics.PLAYER_EVENTS.valueSerde().serializer());
        counts = driver.createOutputTopic(Topics.PLAYBACK_COUNTS.name(),
                Topics.PLAYBACK_COUNTS.keySerde().deserializer(), Topics.PLAYBACK_COUNTS.valueSerde().deserializer());
        retention = driver.createOutputTopic(Topics.PLAYBACK_RETENTION.name(),
                Topics.PLAYBACK_RETENTION.keySerde().deserializer(), Topics.PLAYBACK_RETENTION.valueSerde().deserializer());
        rejected = driver.createOutputTopic(Topics.REJECTED.name(),
                Topics.REJECTED.keySerde().deserializer(), Topics.REJECTED.valueSerde().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void aPlayFollowedByFiveSecondsOfPlayingIsAStartAndAStreamWithItsTime() {
        send(player("play", "pb-1", HOUR + 1_000, null));
        send(player("playing", "pb-1", HOUR + 6_000, 5.0));
        send(player("playing", "pb-1", HOUR + 16_000, 10.0));

        assertEquals(List.of(1L, 1L, 15_000L, 0L), totals(NEWS_PLAYER, HOUR));
    }

    @Test
    void aPlaybackUnderFiveSecondsIsAStartButNoStream() {
        send(player("playback_start", "pb-1", HOUR + 1_000, null));
        send(player("playing", "pb-1", HOUR + 3_000, 2.0));
        send(player("playing", "pb-1", HOUR + 6_000, 2.9));
        send(player("pause", "pb-1", HOUR + 6_100, null));

        assertEquals(List.of(1L, 0L, 4_900L, 0L), totals(NEWS_PLAYER, HOUR));
        // the fifth second, much later within its 24 h, makes it a stream, counted in the start's hour
        send(player("playing", "pb-1", HOUR + 2 * H, 0.1));
        assertEquals(List.of(1L, 1L, 4_900L, 0L), totals(NEWS_PLAYER, HOUR));
        assertEquals(List.of(0L, 0L, 100L, 0L), totals(NEWS_PLAYER, HOUR + 2 * H));
    }

    @Test
    void playingWithoutAPlayIsTimeButNoStart() {
        send(player("playing", "pb-1", HOUR + 6_000, 30.0));

        assertEquals(List.of(0L, 0L, 30_000L, 0L), totals(NEWS_PLAYER, HOUR));
    }

    @Test
    void aPlaybackCountsOncePer24HoursAndAgainAfter() {
        send(player("play", "pb-1", HOUR + 1_000, null));
        send(player("playing", "pb-1", HOUR + 11_000, 10.0));
        send(player("play", "pb-1", HOUR + H, null));                   // a resume: not a new start
        send(player("play", "pb-1", HOUR + 23 * H + 1_000, null));      // still within 24 h of the start
        send(player("play", "pb-1", HOUR + 24 * H + 1_000, null));      // 24 h after it: counts again
        send(player("playing", "pb-1", HOUR + 24 * H + 4_000, 3.0));    // that start is no stream (3 s)

        assertEquals(List.of(1L, 1L, 10_000L, 0L), totals(NEWS_PLAYER, HOUR));
        assertEquals(List.of(0L, 0L, 0L, 0L), totals(NEWS_PLAYER, HOUR + H));
        assertEquals(List.of(0L, 0L, 0L, 0L), totals(NEWS_PLAYER, HOUR + 23 * H));
        assertEquals(List.of(1L, 0L, 3_000L, 0L), totals(NEWS_PLAYER, HOUR + 24 * H));
    }

    @Test
    void downloadsCountOncePer24HoursAndAreNeverStartsNorStreams() {
        send(player("file_downloaded", "pb-d", HOUR + 1_000, null));
        send(player("file_downloaded", "pb-d", HOUR + 1_000, null));         // the same event again
        send(player("file_downloaded", "pb-d", HOUR + 2 * H, null));         // within 24 h
        send(player("file_downloaded", "pb-d", HOUR + 25 * H, null));        // after: again

        assertEquals(List.of(0L, 0L, 0L, 1L), totals(NEWS_PLAYER, HOUR));
        assertEquals(List.of(0L, 0L, 0L, 1L), totals(NEWS_PLAYER, HOUR + 25 * H));
        assertEquals(2, latest.values().stream().mapToLong(PlaybackCount::downloads).sum());
        assertEquals(0, latest.values().stream().mapToLong(PlaybackCount::starts).sum());
    }

    @Test
    void aMissingPropertyIsCountedUnderOthers() {
        send(event("player", "play", "pb-1", HOUR + 1_000, HOUR + 1_000, null, "news-1", null, null));

        ContentDimensions others = new ContentDimensions("news-1", null, "Others", null, null, null, null, null)
                .measured("Unknown", "player");
        assertEquals(List.of(1L, 0L, 0L, 0L), totals(others, HOUR));
    }

    @Test
    void eachPlaybackCountsUnderItsOwnContentAndAccountsStayApart() {
        ContentDimensions sports = new ContentDimensions("match-9", "live", "app", null, null, null, null, null);
        send(player("play", "pb-1", HOUR + 1_000, null));
        send(event("player", "play", "pb-2", HOUR + 2_000, HOUR + 2_000, null, sports, null));
        send(event("player", "play", "pb-3", HOUR + 3_000, HOUR + 3_000, null, sports, null));
        send(new PlayerEvent("player", "play", "other-account", "pb-1", HOUR + 4_000, HOUR + 4_000, "news-1", "vod", "web",
                null, null, "news", "dist", "prod", "morning", "latam", null, null, null, null, null));

        assertEquals(List.of(1L, 0L, 0L, 0L), totals(NEWS_PLAYER, HOUR));
        assertEquals(List.of(2L, 0L, 0L, 0L), totals(sports.measured("Unknown", "player"), HOUR));
        assertEquals(1, latest.values().stream().filter(c -> c.accountId().equals("other-account")).mapToLong(PlaybackCount::starts).sum());
    }

    @Test
    void aRetriedBatchDuplicatesAndAnyOrderGiveTheSameNumbers() {
        List<PlayerEvent> batch = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            String id = "pb-" + p;
            long start = HOUR + 50 * 60_000 + p * 7_000;     // some playbacks cross into the next hour
            batch.add(player("session_start", id, start - 500, null));
            batch.add(player("play", id, start, null));
            for (int i = 1; i <= p; i++) {
                batch.add(player("playing", id, start + i * 2_000, 2.0));
            }
            batch.add(player("pause", id, start + p * 2_000 + 100, null));
            batch.add(player("play", id, start + 15 * 60_000, null));
            batch.add(player("playing", id, start + 15 * 60_000 + 4_000, 4.0));
        }
        batch.add(player("file_downloaded", "pb-d", HOUR + 55 * 60_000, null));
        batch.forEach(this::send);
        Map<String, PlaybackCount> inOrder = new TreeMap<>(latest);
        // playbacks 0-2 have under 5 s before their resume (4 s more after it: 0+4, 2+4 ≥ 5 for p ≥ 1)
        assertEquals(6, inOrder.values().stream().mapToLong(PlaybackCount::starts).sum());
        assertEquals(5, inOrder.values().stream().mapToLong(PlaybackCount::streams).sum());
        assertEquals((2 * (0 + 1 + 2 + 3 + 4 + 5) + 6 * 4) * 1000L, inOrder.values().stream().mapToLong(PlaybackCount::playedMs).sum());

        batch.forEach(this::send);                                  // the whole batch again (a retry after a 503)
        assertEquals(inOrder, latest);

        closeDriver();
        startDriver();
        latest.clear();
        List<PlayerEvent> shuffled = new ArrayList<>(batch);
        shuffled.addAll(batch);
        Collections.shuffle(shuffled, new Random(15));
        shuffled.forEach(this::send);
        assertEquals(inOrder, latest);
    }

    @Test
    void aLateEventWithinTheGraceCorrectsItsHourAndMovesTheStartToTheEarlierPlay() {
        send(player("play", "pb-1", HOUR + 10 * 60_000, null));
        send(player("playing", "pb-1", HOUR + 10 * 60_000 + 10_000, 10.0));
        assertEquals(List.of(1L, 1L, 10_000L, 0L), totals(NEWS_PLAYER, HOUR));

        // the playback's real first play, in the hour before, received 20 minutes late
        send(event("player", "play", "pb-1", HOUR - 5 * 60_000, HOUR + 15 * 60_000, null, NEWS, null));

        assertEquals(List.of(1L, 1L, 0L, 0L), totals(NEWS_PLAYER, HOUR - H));
        assertEquals(List.of(0L, 0L, 10_000L, 0L), totals(NEWS_PLAYER, HOUR));
    }

    @Test
    void anEventPastTheGraceIsRejectedAndNotCounted() {
        send(player("play", "pb-1", HOUR + 1_000, null));
        send(event("player", "play", "pb-2", HOUR + 1_000, HOUR + 60_000 + 30 * 60_000 + 1, null, NEWS, null));

        assertEquals(List.of(1L, 0L, 0L, 0L), totals(NEWS_PLAYER, HOUR));
        List<RejectedBeacon> thrownAway = rejected.readValuesToList();
        assertEquals(1, thrownAway.size());
        assertEquals("too-late", thrownAway.get(0).reason());
        assertTrue(thrownAway.get(0).message().contains("pb-2"), thrownAway.get(0).message());
    }

    @Test
    void anEventOlderThanItsPlaybacksSettledPartIsRejectedAndNotCounted() {
        send(player("play", "pb-1", HOUR + 2 * H, null));
        // on time by its own timestamps (another collector's clock), but an hour older than its playback has settled
        send(event("player", "play", "pb-1", HOUR + H, HOUR + H + 60_000, null, NEWS, null));

        assertEquals(List.of(1L, 0L, 0L, 0L), totals(NEWS_PLAYER, HOUR + 2 * H));
        assertEquals(List.of(0L, 0L, 0L, 0L), totals(NEWS_PLAYER, HOUR + H));
        // the QoE refuses it too, in a record of its own (docs/qoe.md)
        List<RejectedBeacon> thrownAway = rejected.readValuesToList().stream()
                .filter(r -> r.message().contains("of playback")).toList();
        assertEquals(1, thrownAway.size());
        assertTrue(thrownAway.get(0).message().contains("settled"), thrownAway.get(0).message());
    }

    @Test
    void aCmcdPlaybackStartsAtItsFirstPlayAndPlaysFromItsReportsStates() {
        String sid = "6e2fb550-c457-11e9-bb97-0800200c9a66";
        long t = HOUR + 59 * 60_000;                      // crosses into the next hour
        send(cmcd(sid, "ps", "s", t, 1L));                // starting
        send(cmcd(sid, "ps", "p", t + 1_500, 2L));        // playing: the start
        send(cmcd(sid, "t", "p", t + 30_000, 3L));
        send(cmcd(sid, "t", "p", t + 60_000, 4L));        // 10:59:00 + 60 s = the next hour
        send(cmcd(sid, "ps", "a", t + 75_000, 5L));       // paused: 15 s more
        send(cmcd(sid, "ps", "p", t + 100_000, 6L));      // playing again: no new start
        send(cmcd(sid, "ps", "q", t + 101_000, 7L));      // quit: 1 s more
        send(cmcd(sid, "ps", "p", t + 30_000, 3L));       // a copy (same ts and sn): nothing

        ContentDimensions content = new ContentDimensions("news-1", "live", "Others", null, null, null, null, null)
                .measured("Unknown", "cmcd");
        assertEquals(List.of(1L, 1L, 58_500L, 0L), totals(content, HOUR));
        assertEquals(List.of(0L, 0L, 16_000L, 0L), totals(content, HOUR + H));
    }

    @Test
    void aLongPlaybackKeepsOnlyItsOpenWindowInState() {
        // three hours of playing reported every 10 s
        send(player("play", "pb-long", HOUR, null));
        for (long t = HOUR + 10_000; t <= HOUR + 3 * H; t += 10_000) {
            send(player("playing", "pb-long", t, 10.0));
        }

        assertEquals(List.of(1L, 1L, 359 * 10_000L, 0L), totals(NEWS_PLAYER, HOUR));   // 10:00:10 … 10:59:50
        assertEquals(List.of(0L, 0L, 360 * 10_000L, 0L), totals(NEWS_PLAYER, HOUR + H));
        PlaybackState state = driver.<String, PlaybackState>getKeyValueStore(PlaybackTopology.PLAYBACKS_STORE)
                .get(ACCOUNT + "/pb-long");
        long openEvents = Duration.ofMinutes(42).toMillis() / 10_000 + 1;
        assertTrue(state.playing().size() <= openEvents, state.playing().size() + " playing events kept");
        int bytes = new liveccu.model.JsonSerde<>(PlaybackState.class).serializer().serialize("t", state).length;
        // measured: 253 events, 8,100 bytes of JSON (docs/architecture.md, "Playback metrics")
        assertTrue(bytes < 10_000, bytes + " bytes of state");
    }

    @Test
    void aBotsPlaybacksCountNothingAnywhere() {
        // Googlebot plays 10 s and downloads; a script without a user agent plays; a person plays
        send(as(player("play", "pb-bot", HOUR + 1_000, null), GOOGLEBOT, "ip-1", null));
        send(as(player("playing", "pb-bot", HOUR + 11_000, 10.0), GOOGLEBOT, "ip-1", null));
        send(as(player("file_downloaded", "pb-bot-d", HOUR + 2_000, null), GOOGLEBOT, "ip-1", null));
        send(as(player("play", "pb-script", HOUR + 3_000, null), null, "ip-2", null));
        send(as(player("playing", "pb-script", HOUR + 13_000, 10.0), null, "ip-2", null));
        send(as(player("play", "pb-person", HOUR + 4_000, null), CHROME, "ip-3", null));

        assertEquals(List.of(1L, 0L, 0L, 0L, 1L), totalsWithDevices(NEWS_DESKTOP, HOUR));
        assertEquals(1, latest.values().stream().mapToLong(PlaybackCount::starts).sum());
    }

    @Test
    void anHttpLibrarysPlaybackCountsNothingThoughYauaaTakesItForAPerson() {
        send(as(player("play", "pb-script", HOUR + 1_000, null), "Python-urllib/3.11", "ip-1", null));
        send(as(player("playing", "pb-script", HOUR + 11_000, 10.0), "Python-urllib/3.11", "ip-1", null));
        send(as(player("file_downloaded", "pb-script-d", HOUR + 2_000, null), "python-requests/2.31.0", "ip-1", null));
        send(as(player("play", "pb-person", HOUR + 4_000, null), CHROME, "ip-3", null));

        assertEquals(List.of(1L, 0L, 0L, 0L, 1L), totalsWithDevices(NEWS_DESKTOP, HOUR));
        assertEquals(1, latest.values().stream().mapToLong(PlaybackCount::starts).sum());
        assertEquals(0, latest.values().stream().mapToLong(PlaybackCount::downloads).sum());
    }

    @Test
    void theSameDeviceAcrossTwoPlaybacksCountsOncePerHour() {
        send(as(player("play", "pb-1", HOUR + 1_000, null), CHROME, "ip-1", null));
        send(as(player("play", "pb-2", HOUR + 60_000, null), CHROME, "ip-1", null));          // a reload: same device
        send(as(player("file_downloaded", "pb-3", HOUR + 90_000, null), CHROME, "ip-1", null)); // its download too
        send(as(player("play", "pb-4", HOUR + 2_000, null), CHROME, "ip-2", null));           // another IP: another device
        send(as(player("play", "pb-5", HOUR + 3_000, null), IPHONE, "ip-1", null));           // another agent: another
        send(as(player("playing", "pb-6", HOUR + 4_000, 10.0), SAFARI, "ip-9", null));        // playing without a start: none
        send(as(player("play", "pb-7", HOUR + H + 1_000, null), CHROME, "ip-1", null));       // the next hour: counted there

        // the phone is a device class of its own; the desktop browsers share one
        assertEquals(List.of(3L, 0L, 10_000L, 1L, 2L), totalsWithDevices(NEWS_DESKTOP, HOUR));
        assertEquals(List.of(1L, 0L, 0L, 0L, 1L), totalsWithDevices(NEWS_PHONE, HOUR));
        assertEquals(List.of(1L, 0L, 0L, 0L, 1L), totalsWithDevices(NEWS_DESKTOP, HOUR + H));
    }

    @Test
    void theDeviceCookieNamesTheDeviceWhenSentElseTheUserAgentAndIp() {
        send(as(player("play", "pb-1", HOUR + 1_000, null), CHROME, "ip-1", "cookie-1"));
        send(as(player("play", "pb-2", HOUR + 2_000, null), IPHONE, "ip-2", "cookie-1"));     // the same registered device
        send(as(player("play", "pb-3", HOUR + 3_000, null), CHROME, "ip-1", null));           // no cookie: agent + IP
        send(as(player("play", "pb-4", HOUR + 4_000, null), CHROME, "ip-1", null));
        send(as(player("play", "pb-5", HOUR + 5_000, null), CHROME, "ip-1", "cookie-2"));

        // the cookie's device counts under each device class it played on (an agent + IP is one class)
        assertEquals(List.of(4L, 0L, 0L, 0L, 3L), totalsWithDevices(NEWS_DESKTOP, HOUR));
        assertEquals(List.of(1L, 0L, 0L, 0L, 1L), totalsWithDevices(NEWS_PHONE, HOUR));
    }

    @Test
    void aPlaybacksEarliestEventDecidesItsDeviceAndABotFoundLateTakesItsCountsBack() {
        send(as(player("play", "pb-1", HOUR + 10_000, null), CHROME, "ip-1", null));
        send(as(player("play", "pb-2", HOUR + 20_000, null), CHROME, "ip-1", null));
        assertEquals(List.of(2L, 0L, 0L, 0L, 1L), totalsWithDevices(NEWS_DESKTOP, HOUR));

        // pb-1's earlier event, received late, names another device: pb-1 moves to it
        send(as(player("session_start", "pb-1", HOUR + 5_000, null), SAFARI, "ip-2", null));
        assertEquals(List.of(2L, 0L, 0L, 0L, 2L), totalsWithDevices(NEWS_DESKTOP, HOUR));
        // pb-2's earlier event shows a bot: pb-2 and its device leave the hour
        send(as(player("session_start", "pb-2", HOUR + 6_000, null), GOOGLEBOT, "ip-1", null));
        assertEquals(List.of(1L, 0L, 0L, 0L, 1L), totalsWithDevices(NEWS_DESKTOP, HOUR));
        PlaybackCount hour = latest.get(new PlaybackCount(ACCOUNT, NEWS_DESKTOP, HOUR, 0, 0, 0, 0).key());
        assertEquals(1, new DeviceSketches.Merged().add(hour.devicesSketch()).estimate());
        // an earlier event on another class of device moves the playback to that class, device and all
        send(as(player("session_start", "pb-1", HOUR + 4_000, null), IPHONE, "ip-2", null));
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), totalsWithDevices(NEWS_DESKTOP, HOUR));
        assertEquals(List.of(1L, 0L, 0L, 0L, 1L), totalsWithDevices(NEWS_PHONE, HOUR));
    }

    @Test
    void anHourWrittenWithItsSketchByTheVersionBeforeSendsItAndMovesItToTheSketchStoreAtItsNextChange() {
        send(as(player("play", "pb-1", HOUR + 10_000, null), CHROME, "ip-1", null));
        // as the version before left the hour: its totals with their sketch (two devices), no entry in the sketch store
        String device = PlaybackRules.device(null, CHROME, "ip-1");
        String other = PlaybackRules.device(null, SAFARI, "ip-2");
        String content = ACCOUNT + "|" + PlaybackCount.contentKey(NEWS_DESKTOP);
        String written = DeviceSketches.of(List.of(device, other));
        WindowStore<String, PlaybackCount> hours = driver.getWindowStore(PlaybackTopology.HOURS_STORE);
        WindowStore<String, String> sketches = driver.getWindowStore(PlaybackTopology.HOUR_SKETCHES_STORE);
        hours.put(content, new PlaybackCount(ACCOUNT, NEWS_DESKTOP, HOUR, 2, 0, 0, 0, 0, 2, written, null), HOUR);
        sketches.put(content, null, HOUR);
        driver.<String, Long>getWindowStore(PlaybackTopology.HOUR_DEVICES_STORE).put(content + "#" + other, 1L, HOUR);

        // a change that adds no device: the totals sum right and go out with the sketch written, which moves to its store
        send(as(player("play", "pb-2", HOUR + 20_000, null), CHROME, "ip-1", null));
        PlaybackCount sent = latest.get(new PlaybackCount(ACCOUNT, NEWS_DESKTOP, HOUR, 0, 0, 0, 0).key());
        assertEquals(List.of(3L, 0L, 0L, 0L, 2L), totalsWithDevices(NEWS_DESKTOP, HOUR));
        assertEquals(written, sent.devicesSketch());
        assertEquals(null, hours.fetch(content, HOUR).devicesSketch());
        assertEquals(written, sketches.fetch(content, HOUR));
        // the next one sends the sketch from its store; a device leaving rebuilds it from the hour's devices
        send(as(player("play", "pb-3", HOUR + 30_000, null), CHROME, "ip-1", null));
        assertEquals(written, latest.get(sent.key()).devicesSketch());
        send(as(player("session_start", "pb-3", HOUR + 25_000, null), GOOGLEBOT, "ip-1", null));
        assertEquals(List.of(3L, 0L, 0L, 0L, 2L), totalsWithDevices(NEWS_DESKTOP, HOUR));
        send(as(player("session_start", "pb-2", HOUR + 15_000, null), GOOGLEBOT, "ip-1", null));
        send(as(player("session_start", "pb-1", HOUR + 5_000, null), GOOGLEBOT, "ip-1", null));
        assertEquals(List.of(1L, 0L, 0L, 0L, 1L), totalsWithDevices(NEWS_DESKTOP, HOUR));   // the other device's start
        assertEquals(DeviceSketches.of(List.of(other)), latest.get(sent.key()).devicesSketch());
    }

    @Test
    void aDaysDevicesAreEstimatedWithinTheSketchsBound() {
        // 3,000 devices, each starting a playback in two hours of the day: 6,000 device-hours, 3,000 devices
        int devices = 3_000;
        for (int d = 0; d < devices; d++) {
            for (int k = 0; k < 2; k++) {
                long t = HOUR - 10 * H + ((d + k) % 24) * H + 1_000 + d;
                send(as(player("play", "pb-" + d + "-" + k, t, null), CHROME, "ip-" + d, null));
            }
        }
        long day = HOUR - 10 * H;
        DeviceSketches.Merged merged = new DeviceSketches.Merged();
        long hourly = 0;
        for (int h = 0; h < 24; h++) {
            PlaybackCount hour = latest.get(new PlaybackCount(ACCOUNT, NEWS_DESKTOP, day + h * H, 0, 0, 0, 0).key());
            hourly += hour.devices();
            merged.add(hour.devicesSketch());
        }
        assertEquals(2 * devices, hourly);                      // each hour exact
        double error = Math.abs(merged.estimate() - devices) / (double) devices;
        assertTrue(error <= 2 * DeviceSketches.RELATIVE_STANDARD_ERROR, "estimate " + merged.estimate() + " of " + devices);
        assertTrue(merged.lowerBound(2) <= devices && devices <= merged.upperBound(2),
                merged.lowerBound(2) + " .. " + merged.upperBound(2));
    }

    @Test
    void aPlaybackCountsOncePerRetentionBucketEvenWhenItSeeksBack() {
        send(player("play", "pb-1", HOUR + 1_000, null));
        send(playing("pb-1", HOUR + 11_000, 10.0, 10.0, NEWS));       // [0, 10): bucket 0
        send(playing("pb-1", HOUR + 21_000, 10.0, 20.0, NEWS));       // [10, 20): bucket 1
        send(playing("pb-1", HOUR + 31_000, 10.0, 10.0, NEWS));       // seeks back to the start: bucket 0 again
        send(playing("pb-1", HOUR + 46_000, 15.0, 25.0, NEWS));       // [10, 25): buckets 1 and 2
        send(player("play", "pb-2", HOUR + 2_000, null));
        send(playing("pb-2", HOUR + 7_000, 5.0, 5.0, NEWS));          // [0, 5): bucket 0
        send(playing("pb-2", HOUR + 9_000, 2.0, 62.0, NEWS));         // a seek forward: [60, 62), bucket 6 only

        assertEquals(Map.of(0, 2L, 1, 1L, 2, 1L, 6, 1L), buckets("news-1", HOUR));
    }

    @Test
    void aDuplicateOrAnyOrderChangesNoRetentionBucket() {
        List<PlayerEvent> batch = new ArrayList<>(List.of(
                player("play", "pb-1", HOUR + 1_000, null),
                playing("pb-1", HOUR + 11_000, 10.0, 10.0, NEWS),
                playing("pb-1", HOUR + 21_000, 10.0, 20.0, NEWS),
                playing("pb-1", HOUR + 31_000, 10.0, 30.0, NEWS)));
        batch.forEach(this::send);
        Map<Integer, Long> once = buckets("news-1", HOUR);
        assertEquals(Map.of(0, 1L, 1, 1L, 2, 1L), once);

        batch.forEach(this::send);                                      // a retried batch
        assertTrue(retention.isEmpty(), "a duplicate writes nothing");
        Collections.reverse(batch);                                     // another playback, its events backwards
        batch.stream().map(e -> new PlayerEvent(e.source(), e.type(), e.accountId(), "pb-2", e.eventTimeMs(), e.receivedAtMs(),
                e.contentId(), e.contentType(), e.property(), null, null, e.category(), e.distributor(), e.producer(),
                e.show(), e.zone(), e.secondsPlayed(), e.positionS(), e.userAgent(), e.ipHash(), null)).forEach(this::send);
        assertEquals(Map.of(0, 2L, 1, 2L, 2, 2L), buckets("news-1", HOUR));
    }

    @Test
    void retentionCountsOnDemandAndDarStartsOfPeopleOnly() {
        ContentDimensions live = new ContentDimensions("match-9", "live", "web", null, null, null, null, null);
        ContentDimensions dar = new ContentDimensions("match-8", "dar", "web", null, null, null, null, null);
        send(as(player("play", "pb-bot", HOUR + 1_000, null), GOOGLEBOT, "ip-1", null));
        send(as(playing("pb-bot", HOUR + 11_000, 10.0, 10.0, NEWS), GOOGLEBOT, "ip-1", null));
        send(playing("pb-no-play", HOUR + 11_000, 10.0, 10.0, NEWS));  // playing without a start
        send(event("player", "play", "pb-live", HOUR + 1_000, HOUR + 2_000, null, live, null));
        send(playing("pb-live", HOUR + 11_000, 10.0, 3_610.0, live));
        send(event("player", "play", "pb-dar", HOUR + 1_000, HOUR + 2_000, null, dar, null));
        send(playing("pb-dar", HOUR + 11_000, 10.0, 3_610.0, dar));     // an hour into the recording: bucket 360
        send(playing("pb-dar", HOUR + 21_000, 10.0, 10_810.0, dar));    // past 3 hours: counted nowhere

        assertEquals(Map.of(), buckets("news-1", HOUR));
        assertEquals(Map.of(), buckets("match-9", HOUR));
        assertEquals(Map.of(360, 1L), buckets("match-8", HOUR));
        // the playing without a start counts once its play arrives (within the grace), the bot never
        send(player("play", "pb-no-play", HOUR + 2_000, null));
        assertEquals(Map.of(0, 1L), buckets("news-1", HOUR));
    }

    @Test
    void aLongPlaybackThatSeeksBackToItsSettledStartCountsItOnce() {
        send(player("play", "pb-long", HOUR, null));
        for (long t = HOUR + 10_000; t <= HOUR + 2 * H; t += 10_000) {
            send(playing("pb-long", t, 10.0, (t - HOUR) / 1000.0, NEWS));
        }
        send(playing("pb-long", HOUR + 2 * H + 10_000, 10.0, 10.0, NEWS));   // back to the start, long settled

        Map<Integer, Long> buckets = buckets("news-1", HOUR);
        assertEquals(720, buckets.size());
        assertTrue(buckets.values().stream().allMatch(n -> n == 1L), buckets.toString());
        PlaybackState state = driver.<String, PlaybackState>getKeyValueStore(PlaybackTopology.PLAYBACKS_STORE)
                .get(ACCOUNT + "/pb-long");
        assertEquals(1, state.reached().size());
    }

    @Test
    void aPlaybackAcrossMidnightCountsInEachDay() {
        long midnight = RetentionCount.dayStart(HOUR) + 24 * H;
        send(player("play", "pb-1", midnight - 25_000, null));
        send(playing("pb-1", midnight - 15_000, 10.0, 10.0, NEWS));
        send(playing("pb-1", midnight - 1_000, 10.0, 20.0, NEWS));           // the last event of the day
        send(playing("pb-1", midnight + 10_000, 10.0, 10.0, NEWS));          // seeks back, the next day

        assertEquals(Map.of(0, 1L, 1, 1L), buckets("news-1", midnight - 24 * H));
        assertEquals(Map.of(0, 1L), buckets("news-1", midnight));
    }

    @Test
    void eachPlaybackCountsUnderItsDeviceClassAndTheSourceThatMeasuredIt() {
        ContentDimensions liveNews = new ContentDimensions("news-1", "live", "Others", null, null, null, null, null);
        send(as(player("play", "pb-desk", HOUR + 1_000, null), CHROME, "ip-1", null));
        send(as(player("play", "pb-phone", HOUR + 2_000, null), IPHONE, "ip-2", null));
        send(as(player("playing", "pb-phone", HOUR + 12_000, 10.0), IPHONE, "ip-2", null));
        send(as(player("file_downloaded", "pb-unknown", HOUR + 3_000, null), null, null, null));   // no agent, IP nor cookie
        String sid = "6e2fb550-c457-11e9-bb97-0800200c9a66";
        send(as(cmcd(sid, "ps", "p", HOUR + 4_000, 1L), IPHONE, "ip-3", null));
        send(as(cmcd(sid, "ps", "q", HOUR + 10_000, 2L), IPHONE, "ip-3", null));

        assertEquals(List.of(1L, 0L, 0L, 0L, 1L), totalsWithDevices(NEWS_DESKTOP, HOUR));
        assertEquals(List.of(1L, 1L, 10_000L, 0L, 1L), totalsWithDevices(NEWS_PHONE, HOUR));
        // nothing names its device: a class of its own, and no device to count
        assertEquals(List.of(0L, 0L, 0L, 1L, 0L), totalsWithDevices(NEWS.measured("Unknown", "player"), HOUR));
        assertEquals(List.of(1L, 1L, 6_000L, 0L, 1L), totalsWithDevices(liveNews.measured("Phone", "cmcd"), HOUR));
        assertEquals(4, latest.size(), latest.keySet().toString());
    }

    @Test
    void aPlaybackWrittenBeforeDeviceClassesAndSourcesMovesItsOpenCountsAtItsNextEventAndTheHourStillSumsRight() {
        // As the aggregator left them before the upgrade: a CMCD playback's state (its one report has no
        // playhead), its hour's totals under the key without device class and source, with another,
        // settled playback on another device, and the hour's devices.
        ContentDimensions movie = new ContentDimensions("movie-1", "vod", "Others", null, null, null, null, null);
        String sid = "6e2fb550-c457-11e9-bb97-0800200c9a66";
        long t = HOUR + 60_000;
        String device = PlaybackRules.device(null, CHROME, "ip-1");
        String otherDevice = PlaybackRules.device(null, SAFARI, "ip-2");
        PlaybackState written = new liveccu.model.JsonSerde<>(PlaybackState.class).deserializer().deserialize("t", """
                {"accountId":"%1$s","content":{"content_id":"movie-1","content_type":"vod","property":"Others"},
                 "contentTimeMs":%2$d,"newestEventMs":%2$d,"settledBeforeMs":-9223372036854775808,"startAnchorMs":null,
                 "startAnchorPlayedMs":0,"plays":[%2$d],"downloadAnchorMs":null,"downloads":[],"playing":[],"cmcdSettled":null,
                 "cmcd":[[%2$d,true,"ps","p",1]],"device":"%3$s","deviceClass":"Desktop","deviceTimeMs":%2$d,"reached":[]}"""
                .formatted(ACCOUNT, t, device).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        driver.<String, PlaybackState>getKeyValueStore(PlaybackTopology.PLAYBACKS_STORE).put(ACCOUNT + "/" + sid, written);
        String content = ACCOUNT + "|" + PlaybackCount.contentKey(movie);
        driver.<String, PlaybackCount>getWindowStore(PlaybackTopology.HOURS_STORE).put(content, new PlaybackCount(ACCOUNT, movie,
                HOUR, 2, 1, 30_000, 0, 0, 2, DeviceSketches.of(List.of(device, otherDevice)), null), HOUR);
        driver.<String, Long>getWindowStore(PlaybackTopology.HOUR_DEVICES_STORE).put(content + "#" + device, 1L, HOUR);
        driver.<String, Long>getWindowStore(PlaybackTopology.HOUR_DEVICES_STORE).put(content + "#" + otherDevice, 1L, HOUR);

        // after the upgrade: the first report again (retried, now with a playhead), then 40 s of playing
        send(as(cmcdAt(sid, "ps", "p", t, 1L, 0L, "v"), CHROME, "ip-1", null));
        send(as(cmcdAt(sid, "t", "p", t + 30_000, 2L, 30_000L, "v"), CHROME, "ip-1", null));
        send(as(cmcdAt(sid, "ps", "a", t + 40_000, 3L, 40_000L, "v"), CHROME, "ip-1", null));

        // the settled playback stays under the old key; this one's start and time moved to its device class and source
        assertEquals(List.of(1L, 1L, 30_000L, 0L, 1L), totalsWithDevices(movie, HOUR));
        assertEquals(List.of(1L, 1L, 40_000L, 0L, 1L), totalsWithDevices(movie.measured("Desktop", "cmcd"), HOUR));
        assertEquals(List.of(2L, 2L, 70_000L), List.of(latest.values().stream().mapToLong(PlaybackCount::starts).sum(),
                latest.values().stream().mapToLong(PlaybackCount::streams).sum(),
                latest.values().stream().mapToLong(PlaybackCount::playedMs).sum()));
        // the retried report is the one already held (not a second one at 0): only the interval with two playheads counts
        assertEquals(Map.of(3, 1L), buckets("movie-1", HOUR));
    }

    @Test
    void aCmcdPlaybacksContentTypeIsItsEarliestReportSayingOneSoItsTimelineCounts() {
        // as hls.js and Shaka report: their first reports come before the playlist, without st; st=v from the first frame
        ContentDimensions movie = new ContentDimensions("movie-1", "vod", "Others", null, null, null, null, null);
        String sid = "cmcd-st-later";
        long t = HOUR + 60_000;
        List<PlayerEvent> reports = List.of(as(cmcdAt(sid, "ps", "s", t, 0L, 0L, null), CHROME, "ip-1", null),
                as(cmcdAt(sid, "t", "s", t + 2, 1L, 0L, null), CHROME, "ip-1", null),
                as(cmcdAt(sid, "ps", "p", t + 225, 2L, 0L, "v"), CHROME, "ip-1", null),
                as(cmcdAt(sid, "t", "p", t + 30_225, 3L, 30_000L, "v"), CHROME, "ip-1", null));
        reports.forEach(this::send);

        // start, stream and time under the on-demand content, none under a content without a type; its retention counts
        assertEquals(List.of(1L, 1L, 30_000L, 0L, 1L), totalsWithDevices(movie.measured("Desktop", "cmcd"), HOUR));
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), totalsWithDevices(movie.withContentType(null).measured("Desktop", "cmcd"), HOUR));
        assertEquals(Map.of(0, 1L, 1, 1L, 2, 1L), buckets("movie-1", HOUR));

        // in any order, twice: the same (a second playback of the same reports)
        List<PlayerEvent> shuffled = new ArrayList<>(reports.stream().map(r -> rename(r, sid + "-2")).toList());
        shuffled.addAll(shuffled);
        Collections.shuffle(shuffled, new Random(24));
        shuffled.forEach(this::send);
        assertEquals(List.of(2L, 2L, 60_000L, 0L, 1L), totalsWithDevices(movie.measured("Desktop", "cmcd"), HOUR));
        assertEquals(Map.of(0, 2L, 1, 2L, 2, 2L), buckets("movie-1", HOUR));
    }

    @Test
    void aPlaybackWrittenBeforeTheContentTypeRuleMovesItsOpenCountsToItsNextReportsType() {
        // As the aggregator left it before the upgrade: a CMCD playback whose earliest report named the content without
        // st (so its counts went under no content type), its hour's totals under that key
        ContentDimensions untyped = new ContentDimensions("movie-1", null, "Others", null, null, null, null, null);
        ContentDimensions movie = untyped.withContentType("vod");
        String sid = "6e2fb550-c457-11e9-bb97-0800200c9a66";
        long t = HOUR + 60_000;
        String device = PlaybackRules.device(null, CHROME, "ip-1");
        PlaybackState written = new liveccu.model.JsonSerde<>(PlaybackState.class).deserializer().deserialize("t", """
                {"accountId":"%1$s","content":{"content_id":"movie-1","property":"Others"},
                 "contentTimeMs":%2$d,"newestEventMs":%2$d,"settledBeforeMs":-9223372036854775808,"startAnchorMs":null,
                 "startAnchorPlayedMs":0,"plays":[%2$d],"downloadAnchorMs":null,"downloads":[],"playing":[],"cmcdSettled":null,
                 "cmcd":[[%2$d,true,"ps","p",1,0]],"device":"%3$s","deviceClass":"Desktop","deviceTimeMs":%2$d,
                 "source":"cmcd","sourceTimeMs":%2$d,"reached":[]}"""
                .formatted(ACCOUNT, t, device).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(null, written.contentTypeTimeMs());
        driver.<String, PlaybackState>getKeyValueStore(PlaybackTopology.PLAYBACKS_STORE).put(ACCOUNT + "/" + sid, written);
        ContentDimensions before = untyped.measured("Desktop", "cmcd");
        String content = ACCOUNT + "|" + PlaybackCount.contentKey(before);
        driver.<String, PlaybackCount>getWindowStore(PlaybackTopology.HOURS_STORE).put(content, new PlaybackCount(ACCOUNT, before,
                HOUR, 1, 0, 0, 0, 0, 1, DeviceSketches.of(List.of(device)), null), HOUR);
        driver.<String, Long>getWindowStore(PlaybackTopology.HOUR_DEVICES_STORE).put(content + "#" + device, 1L, HOUR);

        // after the upgrade: its next report says st=v
        send(as(cmcdAt(sid, "t", "p", t + 30_000, 2L, 30_000L, "v"), CHROME, "ip-1", null));

        // its open counts (the start, its time) moved to on demand; the hour sums right; its timeline now counts
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), totalsWithDevices(before, HOUR));
        assertEquals(List.of(1L, 1L, 30_000L, 0L, 1L), totalsWithDevices(movie.measured("Desktop", "cmcd"), HOUR));
        assertEquals(Map.of(0, 1L, 1, 1L, 2, 1L), buckets("movie-1", HOUR));
        PlaybackState after = driver.<String, PlaybackState>getKeyValueStore(PlaybackTopology.PLAYBACKS_STORE)
                .get(ACCOUNT + "/" + sid);
        assertEquals(List.of("vod", t + 30_000), List.of(after.contentType(), after.contentTypeTimeMs()));
    }

    @Test
    void cmcdReportsWhilePlayingCoverThePositionsBetweenThemButNeitherASeekNorASilenceNorAPause() {
        String sid = "cmcd-retention";
        long t = HOUR + 60_000;
        List<PlayerEvent> reports = List.of(
                cmcdAt(sid, "ps", "p", t, 1L, 0L, "v"),                       // the start, at 0:00
                cmcdAt(sid, "t", "p", t + 30_000, 2L, 30_000L, "v"),          // [0, 30): buckets 0-2
                cmcdAt(sid, "t", "p", t + 60_000, 3L, 120_000L, "v"),         // 90 s ahead in 30 s: a seek
                cmcdAt(sid, "t", "p", t + 90_000, 4L, 150_000L, "v"),         // [120, 150): 12-14
                cmcdAt(sid, "ps", "a", t + 100_000, 5L, 160_000L, "v"),       // [150, 160): 15, then paused
                cmcdAt(sid, "ps", "p", t + 200_000, 6L, 160_000L, "v"),       // resumed: the pause watched nothing
                cmcdAt(sid, "t", "p", t + 400_000, 7L, 360_000L, "v"),        // 200 s of silence: not counted
                cmcdAt(sid, "ps", "k", t + 410_000, 8L, 370_000L, "v"),       // [360, 370): 36, then seeking
                cmcdAt(sid, "ps", "p", t + 411_000, 9L, 20_000L, "v"),        // back to 0:20
                cmcdAt(sid, "t", "p", t + 441_000, 10L, 50_000L, "v"));       // [20, 50): 2-4
        reports.forEach(this::send);
        Map<Integer, Long> once = new TreeMap<>();
        for (int bucket : new int[] {0, 1, 2, 3, 4, 12, 13, 14, 15, 36}) {
            once.put(bucket, 1L);
        }
        assertEquals(once, buckets("movie-1", HOUR));

        reports.forEach(this::send);                                  // a retried request
        assertTrue(retention.isEmpty(), "a duplicate writes nothing");
        List<PlayerEvent> shuffled = new ArrayList<>(reports.stream().map(r -> cmcdAt("cmcd-retention-2", r.cmcd().e(),
                r.cmcd().sta(), r.eventTimeMs(), r.cmcd().sn(), Math.round(r.positionS() * 1000), "v")).toList());
        shuffled.addAll(shuffled);
        Collections.shuffle(shuffled, new Random(15));
        shuffled.forEach(this::send);
        Map<Integer, Long> twice = new TreeMap<>();
        once.keySet().forEach(bucket -> twice.put(bucket, 2L));
        assertEquals(twice, buckets("movie-1", HOUR));
    }

    @Test
    void cmcdRetentionNeedsOnDemandContentAStartAndAPerson() {
        long t = HOUR + 60_000;
        send(cmcdAt("live", "ps", "p", t, 1L, 0L, "l"));                                  // a live stream
        send(cmcdAt("live", "t", "p", t + 30_000, 2L, 30_000L, "l"));
        send(cmcdAt("no-start", "t", "p", t, 1L, 0L, "v"));                               // playing, never a play
        send(cmcdAt("no-start", "t", "p", t + 30_000, 2L, 30_000L, "v"));
        send(as(cmcdAt("bot", "ps", "p", t, 1L, 0L, "v"), GOOGLEBOT, "ip-1", null));
        send(as(cmcdAt("bot", "t", "p", t + 30_000, 2L, 30_000L, "v"), GOOGLEBOT, "ip-1", null));
        send(cmcdAt("person", "ps", "p", t, 1L, 0L, "v"));
        send(cmcdAt("person", "t", "p", t + 10_000, 2L, 10_000L, "v"));

        assertEquals(Map.of(0, 1L), buckets("movie-1", HOUR));
        assertEquals(Map.of(), buckets("news-1", HOUR));
    }

    @Test
    void aLongCmcdPlaybackCountsEachBucketOnceAcrossItsSettledPart() {
        String sid = "cmcd-long";
        send(cmcdAt(sid, "ps", "p", HOUR, 0L, 0L, "v"));
        long sn = 1;
        for (long t = HOUR + 30_000; t <= HOUR + 2 * H; t += 30_000) {
            send(cmcdAt(sid, "t", "p", t, sn++, t - HOUR, "v"));
        }
        send(cmcdAt(sid, "ps", "a", HOUR + 2 * H + 5_000, sn++, 2 * H + 5_000, "v"));    // [7200, 7205): bucket 720

        Map<Integer, Long> buckets = buckets("movie-1", HOUR);
        assertEquals(721, buckets.size());
        assertTrue(buckets.values().stream().allMatch(n -> n == 1L), buckets.toString());
        PlaybackState state = driver.<String, PlaybackState>getKeyValueStore(PlaybackTopology.PLAYBACKS_STORE)
                .get(ACCOUNT + "/" + sid);
        assertEquals(1, state.reached().size());
        assertTrue(state.cmcd().size() <= Duration.ofMinutes(42).toMillis() / 30_000 + 2, state.cmcd().size() + " reports kept");
    }

    /** The day's retention buckets of a content of ACCOUNT with playbacks: bucket to playbacks. */
    private Map<Integer, Long> buckets(String contentId, long anyTimeOfDay) {
        retention.readKeyValuesToList().forEach(kv -> latestRetention.put(kv.key, kv.value));
        String day = new RetentionCount(ACCOUNT, contentId, RetentionCount.dayStart(anyTimeOfDay), 0, 0).contentDayKey() + "|";
        Map<Integer, Long> buckets = new TreeMap<>();
        latestRetention.forEach((key, count) -> {
            if (key.startsWith(day) && count.playbacks() != 0) {
                buckets.put(count.bucket(), count.playbacks());
            }
        });
        return buckets;
    }

    /** A playing event of this content at this position, received a second after its time. */
    private static PlayerEvent playing(String playback, long timeMs, double seconds, double positionS, ContentDimensions c) {
        PlayerEvent e = event("player", "playing", playback, timeMs, timeMs + 1_000, seconds, c, null);
        return new PlayerEvent(e.source(), e.type(), e.accountId(), e.playbackId(), e.eventTimeMs(), e.receivedAtMs(),
                e.contentId(), e.contentType(), e.property(), null, null, e.category(), e.distributor(), e.producer(),
                e.show(), e.zone(), seconds, positionS, e.userAgent(), e.ipHash(), null);
    }

    private List<Long> totals(ContentDimensions content, long hour) {
        counts.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
        PlaybackCount count = latest.get(new PlaybackCount(ACCOUNT, content, hour, 0, 0, 0, 0).key());
        return count == null ? List.of(0L, 0L, 0L, 0L)
                : List.of(count.starts(), count.streams(), count.playedMs(), count.downloads());
    }

    /** starts, streams, played ms, downloads and devices. */
    private List<Long> totalsWithDevices(ContentDimensions content, long hour) {
        List<Long> totals = new ArrayList<>(totals(content, hour));
        PlaybackCount count = latest.get(new PlaybackCount(ACCOUNT, content, hour, 0, 0, 0, 0).key());
        totals.add(count == null ? 0L : count.devices());
        return totals;
    }

    /** The event from this user agent, IP hash and device cookie. */
    private static PlayerEvent as(PlayerEvent e, String userAgent, String ipHash, String deviceId) {
        return new PlayerEvent(e.source(), e.type(), e.accountId(), e.playbackId(), e.eventTimeMs(), e.receivedAtMs(),
                e.contentId(), e.contentType(), e.property(), e.referrerDomain(), deviceId, e.category(), e.distributor(),
                e.producer(), e.show(), e.zone(), e.secondsPlayed(), e.positionS(), userAgent, ipHash, e.cmcd());
    }

    private void send(PlayerEvent event) {
        events.pipeInput(event.playbackId(), event, event.receivedAtMs());
        counts.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
    }

    /** A player event of the NEWS content, received a second after its time. */
    private static PlayerEvent player(String type, String playback, long timeMs, Double seconds) {
        return event("player", type, playback, timeMs, timeMs + 1_000, seconds, NEWS, null);
    }

    private static PlayerEvent event(String source, String type, String playback, long timeMs, long receivedMs, Double seconds,
                                     String contentId, String contentType, PlayerEvent.Cmcd cmcd) {
        return new PlayerEvent(source, type, ACCOUNT, playback, timeMs, receivedMs, contentId, contentType, PlayerEvent.OTHERS,
                null, null, null, null, null, null, null, seconds, null, "UA/1", "hash", cmcd);
    }

    private static PlayerEvent event(String source, String type, String playback, long timeMs, long receivedMs, Double seconds,
                                     ContentDimensions c, PlayerEvent.Cmcd cmcd) {
        return new PlayerEvent(source, type, ACCOUNT, playback, timeMs, receivedMs, c.contentId(), c.contentType(), c.property(),
                null, null, c.category(), c.distributor(), c.producer(), c.show(), c.zone(), seconds,
                seconds == null ? null : (timeMs - HOUR) / 1000.0, "UA/1", "hash", cmcd);
    }

    /** The event of another playback. */
    private static PlayerEvent rename(PlayerEvent e, String playback) {
        return new PlayerEvent(e.source(), e.type(), e.accountId(), playback, e.eventTimeMs(), e.receivedAtMs(),
                e.contentId(), e.contentType(), e.property(), e.referrerDomain(), e.deviceId(), e.category(), e.distributor(),
                e.producer(), e.show(), e.zone(), e.secondsPlayed(), e.positionS(), e.userAgent(), e.ipHash(), e.cmcd());
    }

    /**
     * A CMCD report of the content movie-1 at playhead {@code ptMs}, stream type {@code st} (v: on demand, l: live; null:
     * not said, as players before their playlist).
     */
    private static PlayerEvent cmcdAt(String sid, String e, String sta, long ts, Long sn, Long ptMs, String st) {
        return new PlayerEvent("cmcd", "cmcd", ACCOUNT, sid, ts, ts + 500, "movie-1", st == null ? null : "v".equals(st) ? "vod" : "live",
                PlayerEvent.OTHERS, null, null, null, null, null, null, null, null, ptMs / 1000.0, "UA/1", "hash",
                new PlayerEvent.Cmcd("142bbf588a574e018de94136a664cfaf", e, sta, true, sid, sn, 3000L, 5000L, "h", st, 2L));
    }

    private static PlayerEvent cmcd(String sid, String e, String sta, long ts, Long sn) {
        return event("cmcd", "cmcd", sid, ts, ts + 500, null, "news-1", "live",
                new PlayerEvent.Cmcd("142bbf588a574e018de94136a664cfaf", e, sta, true, sid.replace("-", ""), sn, 3000L, 5000L,
                        "h", "l", 2L));
    }
}
