package liveccu.aggregator.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import liveccu.aggregator.AggregatorTopology;
import liveccu.aggregator.cdn.CdnRules;
import liveccu.aggregator.cdn.ContentCatalogue;
import liveccu.aggregator.cdn.MatchedRequest;
import liveccu.aggregator.cdn.MatchedRequestSerde;
import liveccu.aggregator.playback.DeviceClassifier;
import liveccu.aggregator.playback.PlaybackCountSerde;
import liveccu.model.AudioRules;
import liveccu.model.CdnRequest;
import liveccu.model.ContentDimensions;
import liveccu.model.CountingRules;
import liveccu.model.DeviceSketches;
import liveccu.model.PlaybackCount;
import liveccu.model.PlaybackRules;
import liveccu.model.RejectedBeacon;
import liveccu.model.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audio consumption from CDN log lines through the production topology ({@link AggregatorTopology#build}): lines in on
 * {@code ccu.cdn-requests}, exact playback counts of source {@code cdn-log} out per content, app, device class
 * and hour, refused lines on the rejected topic, and a forgotten state never counting a request twice.
 */
class AudioTopologyTest {

    private static final String ACCOUNT = "123456789";
    private static final long HOUR = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final long M = 60_000;
    private static final long H = PlaybackCount.HOUR_MS;
    private static final long DAY = 24 * H;
    private static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);
    private static final String CATALOGUE = """
            content_id,path_pattern,bitrate_kbps,type
            ep42,/podcasts/ep42*.mp3,128,vod
            radio-1,/live/radio1/*,96,live
            """;
    private static final String SPOTIFY = "Spotify/8.8.0 iOS/16.5 (iPhone14,2)";
    private static final String PODCASTS = "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0";
    private static final String TUNEIN = "TuneIn Radio/27.5 (Android 13)";
    private static final String OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)";
    private static final String STAGEFRIGHT = "stagefright/1.2 (Linux;Android 12)";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final String FEED_PARSER = "PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)";

    @TempDir
    Path stateDir;
    @TempDir
    Path catalogueDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, CdnRequest> requests;
    private TestOutputTopic<String, PlaybackCount> counts;
    private TestOutputTopic<String, RejectedBeacon> rejectedTopic;
    private final Map<String, PlaybackCount> latest = new TreeMap<>();
    private final List<RejectedBeacon> rejected = new ArrayList<>();
    private int lines;

    private void start(AudioSettings audio) throws IOException {
        CdnRules cdn = new CdnRules(CdnRules.DEFAULT_REDELIVERY, CdnRules.DEFAULT_LATE_HOLD, CountingRules.DEFAULT_MAX_FUTURE_SKEW,
                ContentCatalogue.load(Files.writeString(catalogueDir.resolve("catalogue.csv"), CATALOGUE)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "audio-topology-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(AggregatorTopology.build(CountingRules.defaults(), FLUSH_INTERVAL, PlaybackRules.defaults(),
                cdn, audio), props, Instant.ofEpochMilli(HOUR));
        requests = driver.createInputTopic(Topics.CDN_REQUESTS.name(),
                Topics.CDN_REQUESTS.keySerde().serializer(), Topics.CDN_REQUESTS.valueSerde().serializer());
        counts = driver.createOutputTopic(Topics.PLAYBACK_COUNTS.name(),
                Topics.PLAYBACK_COUNTS.keySerde().deserializer(), Topics.PLAYBACK_COUNTS.valueSerde().deserializer());
        rejectedTopic = driver.createOutputTopic(Topics.REJECTED.name(),
                Topics.REJECTED.keySerde().deserializer(), Topics.REJECTED.valueSerde().deserializer());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void eachRuleCountsUnderSourceCdnLogTheAppAndTheDeviceClass() throws IOException {
        start(AudioSettings.defaults());
        TestOutputTopic<String, MatchedRequest> toTracker = driver.createOutputTopic(
                "audio-topology-test-audio-requests-by-device-repartition", Serdes.String().deserializer(),
                new MatchedRequestSerde().deserializer());
        // three ranges of one device: one start; 900,000 bytes at 128 kbps are 56.25 s, a stream; short of IAB's minute
        send(range(SPOTIFY, "ip-1", HOUR + M, 0, 299_999));
        send(range(SPOTIFY, "ip-1", HOUR + 2 * M, 300_000, 599_999));
        send(range(SPOTIFY, "ip-1", HOUR + 3 * M, 600_000, 899_999));
        // the whole file: a download (no time) and an IAB download
        send(get(PODCASTS, "ip-2", HOUR + 5 * M, "/podcasts/ep42.mp3", 200, 5_000_000));
        // live: a 200 is a start; 400,000 bytes at 96 kbps are 33.333 s, a stream
        send(get(TUNEIN, "ip-3", HOUR + 6 * M, "/live/radio1/a.aac", 200, 400_000));
        // a listening app Yauaa takes for a robot counts, under Unknown; an unknown app is Others
        send(range(OVERCAST, "ip-4", HOUR + 7 * M, 0, 99_999));
        send(range(STAGEFRIGHT, "ip-5", HOUR + 8 * M, 0, 99_999));
        // nothing: bots, a feed parser, HEAD, 4xx, under 70,000 bytes, a path outside the catalogue
        send(get(GOOGLEBOT, "ip-6", HOUR + 9 * M, "/podcasts/ep42.mp3", 200, 5_000_000));
        send(get(FEED_PARSER, "ip-7", HOUR + 9 * M, "/podcasts/ep42.mp3", 200, 5_000_000));
        send(line(SPOTIFY, "ip-8", HOUR + 9 * M, "HEAD", "/podcasts/ep42.mp3", 200, 5_000_000, null, null));
        send(get(SPOTIFY, "ip-8", HOUR + 9 * M, "/podcasts/ep42.mp3", 404, 5_000_000));
        send(range(SPOTIFY, "ip-8", HOUR + 9 * M, 0, 69_998));
        send(get(SPOTIFY, "ip-8", HOUR + 9 * M, "/podcasts/ep43.mp3", 200, 5_000_000));

        //                                                      starts, streams, ms, downloads, IAB, devices
        assertEquals(List.of(1L, 1L, 56_250L, 0L, 0L, 1L), totals(episode("Spotify", "Phone"), HOUR));
        assertEquals(List.of(0L, 0L, 0L, 1L, 1L, 1L), totals(episode("Apple Podcasts", "Mobile"), HOUR));
        assertEquals(List.of(1L, 1L, 33_333L, 0L, 0L, 1L), totals(radio("TuneIn", "Mobile"), HOUR));
        assertEquals(List.of(1L, 0L, 6_250L, 0L, 0L, 1L), totals(episode("Overcast", "Unknown"), HOUR));
        assertEquals(List.of(1L, 0L, 6_250L, 0L, 0L, 1L), totals(episode("Others", "Mobile"), HOUR));
        assertEquals(5, latest.size(), latest.keySet().toString());
        assertTrue(rejected.isEmpty(), rejected.toString());
        assertEquals(8, metric("counted-total"));            // the small range too: kept for the IAB count, no change
        // the bot and the feed parser never cross the repartition, no more than the HEAD, the 404 and the other path
        assertEquals(List.of(SPOTIFY, SPOTIFY, SPOTIFY, PODCASTS, TUNEIN, OVERCAST, STAGEFRIGHT, SPOTIFY),
                toTracker.readValuesToList().stream().map(matched -> matched.request().userAgent()).toList());
        assertEquals(0, metric("unchanged-total"));
        // the player events' summer holds none of it
        assertEquals(0, windows("ccu-playback-hours"));
        assertEquals(5, windows("ccu-audio-hours"));
    }

    @Test
    void whatRangesOnlyAddGoesToTheSummerSummedOncePerFlushInterval() throws IOException {
        start(AudioSettings.defaults());
        TestOutputTopic<String, PlaybackCount> toSummer = driver.createOutputTopic(
                "audio-topology-test-audio-changes-by-content-hour-repartition", Serdes.String().deserializer(),
                new PlaybackCountSerde().deserializer());
        // three listeners, four ranges of 300,000 bytes each (18.75 s at 128 kbps), all within one flush interval
        for (int n = 0; n < 4; n++) {
            for (String ip : List.of("ip-1", "ip-2", "ip-3")) {
                CdnRequest request = range(SPOTIFY, ip, HOUR + (n + 1) * M, n * 300_000L, (n + 1) * 300_000L - 1);
                requests.pipeInput(request.partitionKey(), request, request.receivedAtMs());
            }
        }
        // each first range brings its device into the hour: that change goes on at once, with its device
        List<PlaybackCount> joins = toSummer.readValuesToList();
        assertEquals(3, joins.size(), joins.toString());
        joins.forEach(join -> {
            assertEquals(1, join.starts());
            assertNotNull(join.device());
        });
        // the nine others only add time (and a stream and an IAB download each, once past their thresholds): one
        // sum, without a device
        driver.advanceWallClockTime(FLUSH_INTERVAL);
        List<PlaybackCount> additions = toSummer.readValuesToList();
        assertEquals(1, additions.size(), additions.toString());
        assertEquals(List.of(0L, 3L, 9 * 18_750L, 0L, 3L), List.of(additions.get(0).starts(), additions.get(0).streams(),
                additions.get(0).playedMs(), additions.get(0).downloads(), additions.get(0).iabDownloads()));
        assertNull(additions.get(0).device());
        // the hour's totals are those of the twelve lines, each counted as if alone
        send(range(SPOTIFY, "ip-4", HOUR + 10 * M, 0, 99_999));  // a fourth listener, 6.25 s: a start, no stream
        assertEquals(List.of(4L, 3L, 12 * 18_750L + 6_250L, 0L, 3L, 4L), totals(episode("Spotify", "Phone"), HOUR));
        assertEquals(0, pendingChanges(), "every sum went on at the flush");
    }

    @Test
    void aLineInTwoBatchesAndARedeliveredBatchCountOnce() throws IOException {
        start(AudioSettings.defaults());
        CdnRequest first = range(SPOTIFY, "ip-1", HOUR + M, 0, 299_999);
        send(first);
        send(first);                                                            // the batch again: taken once
        send(copy(first, "another-batch"));                                     // the same request pushed and imported
        send(range(SPOTIFY, "ip-1", HOUR + 2 * M, 300_000, 399_999));

        assertEquals(List.of(1L, 1L, 25_000L, 0L, 0L, 1L), totals(episode("Spotify", "Phone"), HOUR));
        assertEquals(2, metric("counted-total"));
        assertEquals(1, metric("unchanged-total"));
    }

    @Test
    void aDeviceCountsAgainFrom24HoursAfterItsStartAndTimeGoesToEachRequestsHour() throws IOException {
        start(AudioSettings.defaults());
        send(range(SPOTIFY, "ip-1", HOUR + 59 * M, 0, 199_999));                // 12.5 s in HOUR
        send(range(SPOTIFY, "ip-1", HOUR + 61 * M, 200_000, 399_999));          // 12.5 s in the next: a stream from 25 s
        send(range(SPOTIFY, "ip-1", HOUR + 20 * H, 0, 99_999));                 // within the start's 24 h
        send(range(SPOTIFY, "ip-1", HOUR + 30 * H, 0, 99_999));                 // 30 h later: a start again

        assertEquals(List.of(1L, 1L, 12_500L, 0L, 0L, 1L), totals(episode("Spotify", "Phone"), HOUR));
        assertEquals(List.of(0L, 0L, 12_500L, 0L, 0L, 0L), totals(episode("Spotify", "Phone"), HOUR + H));
        assertEquals(List.of(0L, 0L, 6_250L, 0L, 0L, 0L), totals(episode("Spotify", "Phone"), HOUR + 20 * H));
        assertEquals(List.of(1L, 0L, 6_250L, 0L, 0L, 1L), totals(episode("Spotify", "Phone"), HOUR + 30 * H));
    }

    @Test
    void linesBehindTheLateLimitOrTheirDevicesSettledPartAreRefusedAsTooLateForAudio() throws IOException {
        start(AudioSettings.defaults());
        send(range(SPOTIFY, "ip-1", HOUR, 0, 99_999));
        send(range(PODCASTS, "ip-2", HOUR + 8 * DAY, 0, 99_999));               // the newest line: 8 days on
        // 7 days and 23 h behind the newest line: the CDN figures take it (35 days), audio no more
        send(range(SPOTIFY, "ip-1", HOUR + H, 100_000, 399_999));
        // within 7 days, but 50 h behind its own device's newest: settled
        send(range(PODCASTS, "ip-2", HOUR + 8 * DAY - 50 * H, 0, 99_999));

        assertEquals(List.of(1L, 0L, 6_250L, 0L, 0L, 1L), totals(episode("Spotify", "Phone"), HOUR));
        assertNull(latest.get(new PlaybackCount(ACCOUNT, episode("Spotify", "Phone"), HOUR + H, 0, 0, 0, 0).key()));
        assertNull(latest.get(new PlaybackCount(ACCOUNT, episode("Apple Podcasts", "Mobile"), HOUR + 6 * DAY - 2 * H, 0, 0, 0, 0)
                .key()));
        assertEquals(2, rejected.size(), rejected.toString());
        assertEquals(List.of("too-late", "too-late"), rejected.stream().map(RejectedBeacon::reason).toList());
        assertEquals("CDN log line 3 of batch batch-3 (source cdn-1, account 123456789), served 2026-11-23T11:00:00Z: too late "
                + "for audio, more than 7 days before the newest audio request seen (2026-12-01T10:00:00Z; CCU_AUDIO_STATE_DAYS)",
                rejected.get(0).message());
        assertEquals("CDN log line 4 of batch batch-4 (source cdn-1, account 123456789), served 2026-11-29T08:00:00Z: too late "
                + "for audio, older than its device and content's settled requests (before 2026-11-29T10:00:00Z; "
                + "CCU_AUDIO_OPEN_HOURS)", rejected.get(1).message());
        assertEquals(2, metric("too-late-total"));
    }

    @Test
    void aForgottenStateNeverCountsARequestTwice() throws IOException {
        // states kept 2 days after their newest request: lines up to a day behind the newest are counted
        start(new AudioSettings(AudioRules.defaults(), Duration.ofDays(2)));
        String spotify = AudioTopology.key(matched(range(SPOTIFY, "ip-1", HOUR, 0, 0)));
        send(range(SPOTIFY, "ip-1", HOUR, 0, 399_999));                        // a start, a stream
        assertNotNull(driver.<String, AudioState.Summary>getKeyValueStore(AudioTopology.SUMMARIES_STORE).get(spotify));
        send(range(PODCASTS, "ip-2", HOUR + 2 * DAY + H, 0, 99_999));           // 2 days and an hour on
        assertNull(driver.<String, AudioState.Summary>getKeyValueStore(AudioTopology.SUMMARIES_STORE).get(spotify), "forgotten");

        // it would open a start again in a fresh state; its window's state is gone, so it is refused
        send(range(SPOTIFY, "ip-1", HOUR + H, 0, 399_999));
        // a day behind the newest line at most, 26 h after the first start: a start of its own either way
        send(range(SPOTIFY, "ip-1", HOUR + 26 * H, 0, 99_999));
        assertNotNull(summaries().get(spotify), "a state begun anew, in the stores as in memory");
        assertEquals(1, fetches(spotify).size());

        assertEquals(List.of(1L, 1L, 25_000L, 0L, 0L, 1L), totals(episode("Spotify", "Phone"), HOUR));
        assertNull(latest.get(new PlaybackCount(ACCOUNT, episode("Spotify", "Phone"), HOUR + H, 0, 0, 0, 0).key()));
        assertEquals(List.of(1L, 0L, 6_250L, 0L, 0L, 1L), totals(episode("Spotify", "Phone"), HOUR + 26 * H));
        assertEquals(1, rejected.size(), rejected.toString());
        assertTrue(rejected.get(0).message().contains("too late for audio, more than 1 day before the newest audio request"),
                rejected.get(0).message());
    }

    @Test
    void aRangeThatOnlyAddsBytesWritesItsFetchButNotTheSummary() throws IOException {
        start(AudioSettings.defaults());
        TestOutputTopic<byte[], byte[]> summaryWrites = driver.createOutputTopic(
                "audio-topology-test-" + AudioTopology.SUMMARIES_STORE + "-changelog", Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
        TestOutputTopic<Bytes, byte[]> fetchWrites = driver.createOutputTopic(
                "audio-topology-test-" + AudioTopology.FETCHES_STORE + "-changelog", Serdes.Bytes().deserializer(),
                Serdes.ByteArray().deserializer());
        for (int i = 0; i < 10; i++) {
            send(range(SPOTIFY, "ip-1", HOUR + i * M, i * 100_000L, (i + 1) * 100_000L - 1));
        }
        assertEquals(1, summaryWrites.readRecordsToList().size(), "the summary, written when the state began");
        assertEquals(10, fetchWrites.readRecordsToList().size(), "each range its own fetch");
        assertEquals(List.of(1L, 1L, 62_500L, 0L, 1L, 1L), totals(episode("Spotify", "Phone"), HOUR));

        // 50 h on, the first ranges settle: the summary's settled window changes, so it is written
        send(range(SPOTIFY, "ip-1", HOUR + 50 * H, 0, 99_999));
        assertEquals(1, summaryWrites.readRecordsToList().size());
        assertEquals(List.of(1L, 1L, 62_500L, 0L, 1L, 1L), totals(episode("Spotify", "Phone"), HOUR));
    }

    @Test
    void aStateWhoseSummaryIsOlderThanItsNewestRequestIsNotForgotten() throws IOException {
        // states kept 2 days after their newest request; the summary is written only with the first request
        start(new AudioSettings(AudioRules.defaults(), Duration.ofDays(2)));
        String spotify = AudioTopology.key(matched(range(SPOTIFY, "ip-1", HOUR, 0, 0)));
        send(range(SPOTIFY, "ip-1", HOUR, 0, 199_999));
        send(range(SPOTIFY, "ip-1", HOUR + 36 * H, 200_000, 399_999));          // 36 h on: a start of its own
        send(range(PODCASTS, "ip-2", HOUR + 2 * DAY + 2 * H, 0, 99_999));       // the sweep: 2 days after the first only
        assertNotNull(summaries().get(spotify), "its newest request is 14 h old");
        assertEquals(2, fetches(spotify).size());
        send(range(SPOTIFY, "ip-1", HOUR + 36 * H + M, 400_000, 599_999));      // goes on in the state it had: a stream

        assertEquals(List.of(1L, 0L, 12_500L, 0L, 0L, 1L), totals(episode("Spotify", "Phone"), HOUR));
        assertEquals(List.of(1L, 1L, 25_000L, 0L, 0L, 1L), totals(episode("Spotify", "Phone"), HOUR + 36 * H));
        assertTrue(rejected.isEmpty(), rejected.toString());
    }

    @Test
    void theFetchStoreHoldsExactlyTheOpenRequestsFromWhichTheStateIsRebuilt() throws IOException {
        // states kept 2 days after their newest request
        start(new AudioSettings(AudioRules.defaults(), Duration.ofDays(2)));
        String spotify = AudioTopology.key(matched(range(SPOTIFY, "ip-1", HOUR, 0, 0)));
        String podcasts = AudioTopology.key(matched(range(PODCASTS, "ip-2", HOUR, 0, 0)));
        // an episode in 48 ranges of 1 MB, 10 s apart, its lines arriving newest first; a copy; another device
        List<CdnRequest> session = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            session.add(range(SPOTIFY, "ip-1", HOUR + i * 10_000L, i * 1_048_576L, (i + 1) * 1_048_576L - 1));
        }
        for (int i = session.size() - 1; i >= 0; i--) {
            send(session.get(i));
        }
        send(copy(session.get(7), "another-batch"));
        send(range(PODCASTS, "ip-2", HOUR + 5 * M, 0, 99_999));
        send(range(PODCASTS, "ip-2", HOUR + 6 * M, 100_000, 199_999));
        send(get(PODCASTS, "ip-2", HOUR + 7 * M, "/podcasts/ep42.mp3", 200, 5_000_000));

        assertEquals(48, fetches(spotify).size());
        assertEquals(3, fetches(podcasts).size());
        assertEquals(51, fetchEntries());
        // the stores give back the state the ledger reaches from the same requests in order
        AudioLedger ledger = new AudioLedger(AudioRules.defaults(), new AudioAgents(AudioApps.standard(), DeviceClassifier.shared()::deviceClass));
        AudioState expected = null;
        for (CdnRequest request : session) {
            expected = ((AudioLedger.Counted) ledger.apply(expected, request, AudioTracker.content(matched(request).content())))
                    .state();
        }
        assertEquals(expected, summaries().get(spotify).with(fetches(spotify)));
        assertEquals(List.of(1L, 1L, 48 * 65_536L, 0L, 1L, 1L), totals(episode("Spotify", "Phone"), HOUR));

        // 49 h on: the session's requests are settled, and the other device's state forgotten with its fetches
        send(range(SPOTIFY, "ip-1", HOUR + 49 * H, 0, 99_999));
        assertEquals(1, fetches(spotify).size());
        assertEquals(HOUR + H, summaries().get(spotify).settledBeforeMs());
        assertNull(summaries().get(podcasts));
        assertEquals(1, fetchEntries());

        // 2 days and an hour on: forgotten too
        send(range(PODCASTS, "ip-2", HOUR + 49 * H + 2 * DAY + H, 0, 99_999));
        assertNull(summaries().get(spotify));
        assertEquals(List.of(), fetches(spotify));
        assertEquals(1, fetches(podcasts).size());
        assertEquals(1, fetchEntries());
    }

    @Test
    void aStateCountsTheSameFromMemoryAsFromTheStores() throws IOException {
        // memory for 100 open requests: 40 devices of 6 ranges each outgrow it, so states leave it and are read back
        start(new AudioSettings(AudioRules.defaults(), AudioSettings.DEFAULT_STATE_RETENTION, 100));
        List<List<CdnRequest>> sessions = new ArrayList<>();
        for (int d = 0; d < 40; d++) {
            sessions.add(new ArrayList<>());
        }
        for (int r = 0; r < 5; r++) {                                  // range r of every device, then range r + 1
            for (int d = 0; d < 40; d++) {
                CdnRequest range = range(SPOTIFY, "ip-" + d, HOUR + r * M + d * 1_000L, r * 100_000L, (r + 1) * 100_000L - 1);
                sessions.get(d).add(range);
                send(range);
            }
        }
        int copies = 0;
        for (int d = 39; d >= 0; d--) {                                // each request again, the devices used last first
            for (CdnRequest request : sessions.get(d)) {
                send(copy(request, "copy-" + ++copies));
            }
        }
        for (int d = 39; d >= 0; d--) {                                // and a sixth range
            CdnRequest range = range(SPOTIFY, "ip-" + d, HOUR + 5 * M + d * 1_000L, 500_000L, 599_999L);
            sessions.get(d).add(range);
            send(range);
        }

        // 600,000 bytes at 128 kbps are 37.5 s a device: a start and a stream each, short of IAB's minute
        assertEquals(List.of(40L, 40L, 40 * 37_500L, 0L, 0L, 40L), totals(episode("Spotify", "Phone"), HOUR));
        assertEquals(240, metric("counted-total"));
        assertEquals(200, metric("unchanged-total"), "every copy found a copy in its state, from memory or from the stores");
        double reads = metric("read-from-stores-total");
        assertTrue(reads > 40 && reads < 440, "new states, and states that left memory, read from the stores: " + reads);
        // and the stores hold what the ledger reaches from the same requests in order (the summary's times are those
        // of its last write: only its settled part is compared)
        AudioLedger ledger = new AudioLedger(AudioRules.defaults(), new AudioAgents(AudioApps.standard(), DeviceClassifier.shared()::deviceClass));
        for (List<CdnRequest> session : sessions) {
            AudioState expected = null;
            for (CdnRequest request : session) {
                expected = ((AudioLedger.Counted) ledger.apply(expected, request, AudioTracker.content(matched(request).content())))
                        .state();
            }
            String key = AudioTopology.key(matched(session.get(0)));
            assertEquals(expected.fetches(), fetches(key), key);
            assertTrue(summaries().get(key).sameSettledPart(expected.summary()), key);
        }
    }

    @Test
    void aChangeThatAddsNoDeviceWritesTheHoursTotalsButNotItsSketch() throws IOException {
        start(AudioSettings.defaults());
        TestOutputTopic<byte[], byte[]> sketchesWritten = changelog("ccu-audio-hour-sketches");
        TestOutputTopic<byte[], byte[]> totalsWritten = changelog("ccu-audio-hours");
        ContentDimensions spotify = episode("Spotify", "Phone");
        String first = PlaybackRules.device(null, SPOTIFY, "ip-1");
        String second = PlaybackRules.device(null, SPOTIFY, "ip-2");

        send(range(SPOTIFY, "ip-1", HOUR + M, 0, 299_999));                    // a device joins the hour
        assertEquals(1, sketchesWritten.readRecordsToList().size());
        assertEquals(1, totalsWritten.readRecordsToList().size());
        send(range(SPOTIFY, "ip-1", HOUR + 2 * M, 300_000, 599_999));          // the same device's time: no sketch written
        send(range(SPOTIFY, "ip-1", HOUR + 3 * M, 600_000, 899_999));
        assertEquals(0, sketchesWritten.readRecordsToList().size());
        assertEquals(2, totalsWritten.readRecordsToList().size());
        assertEquals(List.of(1L, 1L, 56_250L, 0L, 0L, 1L), totals(spotify, HOUR));
        assertEquals(DeviceSketches.of(List.of(first)), latest(spotify, HOUR).devicesSketch());   // sent with its sketch
        send(range(SPOTIFY, "ip-2", HOUR + 4 * M, 0, 99_999));                 // another device joins
        assertEquals(1, sketchesWritten.readRecordsToList().size());
        assertEquals(List.of(2L, 1L, 62_500L, 0L, 0L, 2L), totals(spotify, HOUR));
        assertEquals(DeviceSketches.with(DeviceSketches.of(List.of(first)), second), latest(spotify, HOUR).devicesSketch());
        assertEquals(2, new DeviceSketches.Merged().add(latest(spotify, HOUR).devicesSketch()).estimate());

        // the totals' store holds no sketch; the sketch store, the hour's
        WindowStore<String, PlaybackCount> hours = driver.getWindowStore("ccu-audio-hours");
        WindowStore<String, String> sketches = driver.getWindowStore("ccu-audio-hour-sketches");
        String content = ACCOUNT + "|" + PlaybackCount.contentKey(spotify);
        assertNull(hours.fetch(content, HOUR).devicesSketch());
        assertEquals(latest(spotify, HOUR).devicesSketch(), sketches.fetch(content, HOUR));
    }

    @Test
    void anHourWrittenWithItsSketchByTheVersionBeforeSumsRightAndItsSketchMovesToItsOwnStore() throws IOException {
        start(AudioSettings.defaults());
        ContentDimensions spotify = episode("Spotify", "Phone");
        String content = ACCOUNT + "|" + PlaybackCount.contentKey(spotify);
        String first = PlaybackRules.device(null, SPOTIFY, "ip-1");
        String gone = PlaybackRules.device(null, SPOTIFY, "ip-9");   // a device whose lines this test does not send
        String second = PlaybackRules.device(null, SPOTIFY, "ip-2");
        send(range(SPOTIFY, "ip-1", HOUR + M, 0, 299_999));
        // as the version before left the hour: its totals with their sketch (two devices), no entry in the sketch store
        WindowStore<String, PlaybackCount> hours = driver.getWindowStore("ccu-audio-hours");
        WindowStore<String, String> sketches = driver.getWindowStore("ccu-audio-hour-sketches");
        String written = DeviceSketches.of(List.of(first, gone));
        PlaybackCount totals = hours.fetch(content, HOUR);
        hours.put(content, new PlaybackCount(ACCOUNT, spotify, HOUR, totals.starts() + 1, totals.streams(), totals.playedMs(),
                totals.downloads(), totals.iabDownloads(), 2, written, null), HOUR);
        sketches.put(content, null, HOUR);
        driver.<String, Long>getWindowStore("ccu-audio-hour-devices").put(content + "#" + gone, 1L, HOUR);
        TestOutputTopic<byte[], byte[]> sketchesWritten = changelog("ccu-audio-hour-sketches");

        // after the upgrade: a line that adds no device sums right, sends the written sketch and moves it to the sketch store
        send(range(SPOTIFY, "ip-1", HOUR + 2 * M, 300_000, 599_999));
        assertEquals(List.of(2L, 1L, 37_500L, 0L, 0L, 2L), totals(spotify, HOUR));
        assertEquals(written, latest(spotify, HOUR).devicesSketch());
        assertNull(hours.fetch(content, HOUR).devicesSketch());
        assertEquals(written, sketches.fetch(content, HOUR));
        // (the first line's sketch, then the test's deletion, then the hour's sketch moved)
        assertEquals(java.util.Arrays.asList(DeviceSketches.of(List.of(first)), null, written), sketchesWritten.readValuesToList()
                .stream().map(bytes -> bytes == null ? null : java.util.Base64.getEncoder().encodeToString(bytes)).toList());
        // the next line of the same device writes the totals only; a new device adds itself to the written sketch
        send(range(SPOTIFY, "ip-1", HOUR + 3 * M, 600_000, 899_999));
        assertEquals(0, sketchesWritten.readRecordsToList().size());
        assertEquals(written, latest(spotify, HOUR).devicesSketch());
        send(range(SPOTIFY, "ip-2", HOUR + 4 * M, 0, 99_999));
        assertEquals(List.of(3L, 1L, 62_500L, 0L, 0L, 3L), totals(spotify, HOUR));
        assertEquals(DeviceSketches.with(written, second), latest(spotify, HOUR).devicesSketch());
        assertEquals(3, new DeviceSketches.Merged().add(latest(spotify, HOUR).devicesSketch()).estimate());
    }

    // ---------------------------------------------------------------- helpers

    private static ContentDimensions episode(String app, String deviceClass) {
        return new ContentDimensions("ep42", "vod", app, null, null, null, null, null, deviceClass, "cdn-log");
    }

    private static ContentDimensions radio(String app, String deviceClass) {
        return new ContentDimensions("radio-1", "live", app, null, null, null, null, null, deviceClass, "cdn-log");
    }

    /** Starts, streams, played ms, downloads, IAB downloads and devices of the newest totals of the hour. */
    private List<Long> totals(ContentDimensions content, long hour) {
        PlaybackCount count = latest.get(new PlaybackCount(ACCOUNT, content, hour, 0, 0, 0, 0).key());
        assertNotNull(count, "no totals for " + content + " at " + Instant.ofEpochMilli(hour) + " in " + latest.keySet());
        return List.of(count.starts(), count.streams(), count.playedMs(), count.downloads(), count.iabDownloads(), count.devices());
    }

    /** Each line in a batch of its own (line n of batch-n), received when it was served. */
    private CdnRequest line(String ua, String ip, long t, String method, String path, int status, long bytes, Long from, Long to) {
        lines++;
        return new CdnRequest("batch-" + lines, lines, ACCOUNT, "cdn-1", "cloudflare", "zone-1", t, t, ip, method,
                "cdn.example.com", path, status, bytes, from, to, ua, null, "MAD", CdnRequest.HIT, null);
    }

    private CdnRequest get(String ua, String ip, long t, String path, int status, long bytes) {
        return line(ua, ip, t, "GET", path, status, bytes, null, null);
    }

    private CdnRequest range(String ua, String ip, long t, long from, long to) {
        return line(ua, ip, t, "GET", "/podcasts/ep42.mp3", 206, to - from + 1, from, to);
    }

    private static CdnRequest copy(CdnRequest request, String batch) {
        return new CdnRequest(batch, 0, request.accountId(), request.source(), request.format(), request.zone(), request.timeMs(),
                request.receivedAtMs(), request.ipHash(), request.method(), request.host(), request.path(), request.status(),
                request.bytes(), request.rangeStart(), request.rangeEnd(), request.userAgent(), request.referrer(), request.pop(),
                request.cacheStatus(), request.durationMs());
    }

    private static MatchedRequest matched(CdnRequest request) {
        return new MatchedRequest(request, new ContentCatalogue.Entry("ep42", 128, "vod"));
    }

    /** Sends a line as the collector writes it (keyed by its batch, at its receive time) and collects what comes out. */
    private void send(CdnRequest request) {
        requests.pipeInput(request.partitionKey(), request, request.receivedAtMs());
        driver.advanceWallClockTime(FLUSH_INTERVAL);  // what the line added goes on to the summer
        driver.advanceWallClockTime(AudioTopology.TOTALS_SENT_EVERY);  // an hour's totals go out once per interval
        for (KeyValue<String, PlaybackCount> count : counts.readKeyValuesToList()) {
            latest.put(count.key, count.value);
        }
        rejected.addAll(rejectedTopic.readValuesToList());
    }

    /** The newest totals of the hour sent. */
    private PlaybackCount latest(ContentDimensions content, long hour) {
        return latest.get(new PlaybackCount(ACCOUNT, content, hour, 0, 0, 0, 0).key());
    }

    /** What the topology writes to a store's changelog from now on. */
    private TestOutputTopic<byte[], byte[]> changelog(String store) {
        return driver.createOutputTopic("audio-topology-test-" + store + "-changelog", Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    private KeyValueStore<String, AudioState.Summary> summaries() {
        return driver.getKeyValueStore(AudioTopology.SUMMARIES_STORE);
    }

    private List<AudioState.Fetch> fetches(String key) {
        List<AudioState.Fetch> open = new ArrayList<>();
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(AudioTopology.FETCHES_STORE);
        try (KeyValueIterator<Bytes, byte[]> scan = store.prefixScan(AudioFetchKeys.prefix(key), Serdes.Bytes().serializer())) {
            scan.forEachRemaining(entry -> open.add(AudioFetchKeys.fetch(entry.key)));
        }
        return open;
    }

    private long fetchEntries() {
        long n = 0;
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(AudioTopology.FETCHES_STORE);
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }

    private long pendingChanges() {
        long n = 0;
        KeyValueStore<String, ?> store = driver.getKeyValueStore(AudioTopology.PENDING_CHANGES_STORE);
        try (KeyValueIterator<String, ?> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }

    private long windows(String store) {
        long n = 0;
        WindowStore<String, PlaybackCount> hours = driver.getWindowStore(store);
        try (KeyValueIterator<org.apache.kafka.streams.kstream.Windowed<String>, PlaybackCount> all = hours.all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }

    private double metric(String name) {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("stream-audio-metrics") && e.getKey().name().equals(name))
                .mapToDouble(e -> (Double) e.getValue().metricValue()).sum();
    }
}
