package liveccu.aggregator.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.StringReader;
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
import liveccu.model.CdnRequest;
import liveccu.model.CdnTraffic;
import liveccu.model.CountingRules;
import liveccu.model.JsonSerde;
import liveccu.model.PlaybackRules;
import liveccu.model.RejectedBeacon;
import liveccu.model.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CDN figures through the production topology ({@link AggregatorTopology#build}): known log lines, exact
 * requests, bytes, hits, misses and status groups per account, zone, host, PoP, content, minute and hour.
 */
class CdnTopologyTest {

    private static final String ACCOUNT = "123456789";
    private static final long HOUR = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final long M = CdnTraffic.MINUTE_MS;
    private static final long H = CdnTraffic.HOUR_MS;
    private static final long DAY = 24 * H;
    private static final Duration FLUSH = Duration.ofMillis(100);
    private static final String CATALOGUE = """
            content_id,path_pattern,bitrate_kbps,type
            ep42,/podcasts/ep42*.mp3,128,vod
            radio-1,/live/radio1/*,96,live
            """;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, CdnRequest> requests;
    private TestOutputTopic<String, CdnTraffic> minuteTopic;
    private TestOutputTopic<String, CdnTraffic> hourTopic;
    private TestOutputTopic<String, RejectedBeacon> rejectedTopic;
    private final Map<String, CdnTraffic> minutes = new TreeMap<>();
    private final Map<String, CdnTraffic> hours = new TreeMap<>();
    private final List<RejectedBeacon> rejected = new ArrayList<>();

    @BeforeEach
    void startDriver() throws IOException {
        CdnRules rules = new CdnRules(CdnRules.DEFAULT_REDELIVERY, CdnRules.DEFAULT_LATE_HOLD,
                CountingRules.DEFAULT_MAX_FUTURE_SKEW, ContentCatalogue.read(new StringReader(CATALOGUE)));
        start(AggregatorTopology.build(CountingRules.defaults(), FLUSH, PlaybackRules.defaults(), rules,
                AudioSettings.defaults()));
        minuteTopic = driver.createOutputTopic(Topics.CDN_MINUTES.name(),
                Topics.CDN_MINUTES.keySerde().deserializer(), Topics.CDN_MINUTES.valueSerde().deserializer());
        hourTopic = driver.createOutputTopic(Topics.CDN_HOURS.name(),
                Topics.CDN_HOURS.keySerde().deserializer(), Topics.CDN_HOURS.valueSerde().deserializer());
        rejectedTopic = driver.createOutputTopic(Topics.REJECTED.name(),
                Topics.REJECTED.keySerde().deserializer(), Topics.REJECTED.valueSerde().deserializer());
    }

    private void start(Topology topology) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "cdn-topology-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(HOUR));
        requests = driver.createInputTopic(Topics.CDN_REQUESTS.name(),
                Topics.CDN_REQUESTS.keySerde().serializer(), Topics.CDN_REQUESTS.valueSerde().serializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void countsRequestsBytesCacheStatusAndEachStatusGroupPerMinuteAndHour() {
        send(line("b1", 0, HOUR + 1_000).status(101).bytes(0).cache(CdnRequest.OTHER));
        send(line("b1", 1, HOUR + 2_000).status(200).bytes(1_000).cache(CdnRequest.HIT));
        send(line("b1", 2, HOUR + 3_000).status(206).bytes(70_000).cache(CdnRequest.HIT));
        send(line("b1", 3, HOUR + 4_000).status(304).bytes(300).cache(CdnRequest.MISS));
        send(line("b1", 4, HOUR + 5_000).status(404).bytes(40).cache(CdnRequest.OTHER));
        send(line("b1", 5, HOUR + 59_999).status(503).bytes(5).cache(CdnRequest.MISS));
        send(line("b1", 6, HOUR + M).status(200).bytes(2_000).cache(CdnRequest.HIT));     // the next minute

        //           requests, bytes, hits, misses, 1xx, 2xx, 3xx, 4xx, 5xx
        assertEquals(List.of(6L, 71_345L, 2L, 2L, 1L, 2L, 1L, 1L, 1L), figures(minute(HOUR, "GRU", null)));
        assertEquals(List.of(1L, 2_000L, 1L, 0L, 0L, 1L, 0L, 0L, 0L), figures(minute(HOUR + M, "GRU", null)));
        assertEquals(List.of(7L, 73_345L, 3L, 2L, 1L, 3L, 1L, 1L, 1L), figures(hour(HOUR, "GRU", null)));
        assertEquals(2, hour(HOUR, "GRU", null).otherCache());
        assertEquals(2, minutes.size());
        assertEquals(1, hours.size());
        assertEquals(7, metric("taken-total"));
    }

    @Test
    void aFlushIntervalsLinesGoOnAsOneChangePerTrafficAndPeriod() {
        TestOutputTopic<String, CdnTraffic> repartition = driver.createOutputTopic(
                "cdn-topology-test-cdn-changes-by-traffic-repartition", Serdes.String().deserializer(),
                new CdnTrafficSerde().deserializer());
        for (int i = 0; i < 50; i++) {                                          // within one flush interval
            pipe(line("b1", i, HOUR + 1_000 + i).bytes(10));
        }
        pipe(line("b1", 50, HOUR + 2_000).pop("MAD"));                        // another PoP
        pipe(line("b1", 51, HOUR + M + 5_000));                               // another minute
        pipe(line("b1", 52, HOUR + 3_000).receivedAt(HOUR + 2 * DAY));         // past the minutes' hold: its hour only
        assertEquals(List.of(), repartition.readRecordsToList(), "nothing before the flush");
        send(line("b1", 53, HOUR + 4_000).bytes(10));                          // then the flush

        List<TestRecord<String, CdnTraffic>> sent = repartition.readRecordsToList();
        assertEquals(4, sent.size(), sent.toString());
        TestRecord<String, CdnTraffic> gru = sent.stream()
                .filter(r -> r.value().pop().equals("GRU") && r.value().periodStartMs() == HOUR && r.value().periodMs() == M)
                .findFirst().orElseThrow();
        assertEquals(51, gru.value().requests());
        assertEquals(510, gru.value().bytes());
        assertEquals(HOUR + 4_000, gru.timestamp(), "timed by its newest line");
        assertEquals(List.of(51L, 510L, 51L, 0L, 0L, 51L, 0L, 0L, 0L), figures(minute(HOUR, "GRU", null)));
        assertEquals(1, figures(minute(HOUR, "MAD", null)).get(0));
        assertEquals(1, figures(minute(HOUR + M, "GRU", null)).get(0));
        assertEquals(53, figures(hour(HOUR, "GRU", null)).get(0));
        assertEquals(54, metric("taken-total"));
    }

    @Test
    void aRedeliveredBatchCountsOnce() {
        List<Line> batch = List.of(line("b1", 0, HOUR + 1_000), line("b1", 1, HOUR + 2_000).bytes(500),
                line("b1", 2, HOUR + M + 1_000).cache(CdnRequest.MISS));
        batch.forEach(this::send);
        Map<String, CdnTraffic> once = new TreeMap<>(hours);
        Map<String, CdnTraffic> onceMinutes = new TreeMap<>(minutes);

        batch.forEach(line -> send(line.receivedAt(HOUR + 10 * M)));     // the vendor retries it, minutes later
        batch.forEach(line -> send(line.receivedAt(HOUR + 2 * DAY)));    // and again two days later

        assertEquals(once, hours);
        assertEquals(onceMinutes, minutes);
        assertEquals(List.of(3L, 700L, 2L, 1L, 0L, 3L, 0L, 0L, 0L), figures(hour(HOUR, "GRU", null)));
        assertEquals(3, metric("taken-total"));
        assertEquals(6, metric("redelivered-total"));
    }

    @Test
    void aBatchResentPartiallyAddsOnlyTheLinesNotYetTaken() {
        // lines spread over several blocks of the store (1,024 lines each)
        send(line("b1", 0, HOUR + 1_000));
        send(line("b1", 1023, HOUR + 1_000));
        send(line("b1", 1024, HOUR + 1_000));
        // the importer resends a chunk: three lines again, two new ones
        send(line("b1", 1023, HOUR + 1_000));
        send(line("b1", 0, HOUR + 1_000));
        send(line("b1", 1, HOUR + 1_000));
        send(line("b1", 1024, HOUR + 1_000));
        send(line("b1", 70_000, HOUR + 1_000));
        // the same line numbers in another batch are other lines
        send(line("b2", 0, HOUR + 1_000));

        assertEquals(6, figures(minute(HOUR, "GRU", null)).get(0));
        assertEquals(6, figures(hour(HOUR, "GRU", null)).get(0));
        assertEquals(3, metric("redelivered-total"));
    }

    @Test
    void linesOutOfOrderAndLateWithinTheHoldsAddUpExactly() {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add(line("b" + i % 4, i, HOUR + i * 97_000L).bytes(i).status(i % 3 == 0 ? 404 : 200)
                    .cache(i % 2 == 0 ? CdnRequest.HIT : CdnRequest.MISS));
        }
        lines.forEach(this::send);
        Map<String, CdnTraffic> inOrder = new TreeMap<>(minutes);
        Map<String, CdnTraffic> inOrderHours = new TreeMap<>(hours);
        assertEquals(40, inOrderHours.values().stream().mapToLong(CdnTraffic::requests).sum());
        assertEquals(39 * 40 / 2, inOrderHours.values().stream().mapToLong(CdnTraffic::bytes).sum());

        closeDriver();
        minutes.clear();
        hours.clear();
        try {
            startDriver();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<Line> shuffled = new ArrayList<>(lines);
        Collections.shuffle(shuffled, new Random(16));
        // received hours later: a CDN's push or a file comes when it comes; nothing changes
        shuffled.forEach(line -> send(line.receivedAt(line.timeMs + 20 * H)));

        assertEquals(inOrder, minutes);
        assertEquals(inOrderHours, hours);
    }

    @Test
    void aLineOlderThanTheMinutesHoldAddsToItsHourOnly() {
        send(line("b1", 0, HOUR + 1_000));
        // within a day after its minute: it still corrects the minute
        send(line("b2", 0, HOUR + 2_000).receivedAt(HOUR + M + DAY).bytes(7));
        send(line("now", 0, HOUR + DAY + 2 * M));                                  // the present goes on meanwhile
        // a day and a millisecond after its minute: its hour only
        send(line("b3", 0, HOUR + 3_000).receivedAt(HOUR + M + DAY + 1).bytes(11));
        send(line("now", 1, HOUR + 30 * DAY));
        // a file of last month, imported now: its hour only
        send(line("file:0", 0, HOUR + 4_000).receivedAt(HOUR + 30 * DAY + M).bytes(13));

        assertEquals(List.of(2L, 107L, 2L, 0L, 0L, 2L, 0L, 0L, 0L), figures(minute(HOUR, "GRU", null)));
        assertEquals(List.of(4L, 131L, 4L, 0L, 0L, 4L, 0L, 0L, 0L), figures(hour(HOUR, "GRU", null)));
        assertEquals(0, rejected.size());
    }

    @Test
    void aLinePastItsHoursHoldIsRejectedWithItsReasonOnce() {
        long hourEnd = HOUR + H;
        send(line("b1", 0, HOUR + 1_000).receivedAt(hourEnd + 35 * DAY));         // the last moment it counts
        send(line("b1", 1, HOUR + 2_000).receivedAt(hourEnd + 35 * DAY + 1));     // too late
        send(line("b1", 1, HOUR + 2_000).receivedAt(hourEnd + 35 * DAY + 5));     // redelivered: not rejected again

        assertEquals(List.of(1L, 100L, 1L, 0L, 0L, 1L, 0L, 0L, 0L), figures(hour(HOUR, "GRU", null)));
        assertNull(minute(HOUR, "GRU", null));
        assertEquals(1, rejected.size());
        assertEquals("too-late", rejected.get(0).reason());
        assertEquals("aggregator", rejected.get(0).rejectedBy());
        assertEquals(true, rejected.get(0).message().startsWith("CDN log line 1 of batch b1 (cloudflare, source src-1, account "
                + ACCOUNT + "): received 35 days after"), rejected.get(0).message());
        assertEquals(1, metric("too-late-total"));
        assertEquals(1, metric("redelivered-total"));
    }

    @Test
    void aLineAheadOfTheCollectorsClockIsRejected() {
        send(line("b1", 0, HOUR + 5 * M).receivedAt(HOUR));                         // the tolerated skew
        send(line("b1", 1, HOUR + 5 * M + 1).receivedAt(HOUR));                     // beyond

        assertEquals(1, figures(hour(HOUR, "GRU", null)).get(0));
        assertEquals(1, rejected.size());
        assertEquals("in-future", rejected.get(0).reason());
        assertEquals(1, metric("in-future-total"));
    }

    @Test
    void theCataloguesFirstMatchGivesTheContentAndOtherPathsHaveNone() {
        send(line("b1", 0, HOUR + 1_000).path("/podcasts/ep42.mp3").bytes(1_000));
        send(line("b1", 1, HOUR + 2_000).path("/podcasts/ep42-hd.mp3").bytes(2_000));
        send(line("b1", 2, HOUR + 3_000).path("/live/radio1/chunk-1.aac").bytes(30));
        send(line("b1", 3, HOUR + 4_000).path("/podcasts/ep43.mp3").bytes(4));
        send(line("b1", 4, HOUR + 5_000).path("/podcasts/ep42.ogg").bytes(5));

        assertEquals(List.of(2L, 3_000L), figures(minute(HOUR, "GRU", "ep42")).subList(0, 2));
        assertEquals(List.of(1L, 30L), figures(minute(HOUR, "GRU", "radio-1")).subList(0, 2));
        assertEquals(List.of(2L, 9L), figures(minute(HOUR, "GRU", null)).subList(0, 2));
        assertEquals(List.of(2L, 3_000L), figures(hour(HOUR, "GRU", "ep42")).subList(0, 2));
        assertEquals(3, hours.size());
    }

    @Test
    void accountsPopsZonesAndHostsAreFiguresApart() {
        send(line("b1", 0, HOUR + 1_000).bytes(1));
        send(line("b1", 1, HOUR + 2_000).bytes(2).pop("FRA"));
        send(line("b1", 2, HOUR + 3_000).bytes(4).pop("FRA"));
        send(line("b1", 3, HOUR + 4_000).bytes(8).pop(null));
        send(line("b2", 0, HOUR + 5_000).bytes(16).account("other-account"));
        send(line("b2", 1, HOUR + 6_000).bytes(32).zone("zone-2"));
        send(line("b2", 2, HOUR + 7_000).bytes(64).host("img.example.com"));

        assertEquals(List.of(1L, 1L), figures(minute(HOUR, "GRU", null)).subList(0, 2));
        assertEquals(List.of(2L, 6L), figures(minute(HOUR, "FRA", null)).subList(0, 2));
        assertEquals(List.of(1L, 8L), figures(minute(HOUR, null, null)).subList(0, 2));
        CdnTraffic other = hours.values().stream().filter(t -> t.accountId().equals("other-account")).findFirst().orElseThrow();
        assertEquals(List.of(1L, 16L), figures(other).subList(0, 2));
        assertEquals(6, hours.size());
        assertEquals(6, minutes.size());
        assertEquals(127, hours.values().stream().mapToLong(CdnTraffic::bytes).sum());
    }

    @Test
    void aBatchIsForgottenTheRedeliveryTimeAfterItWasLastSeen() {
        send(line("b1", 0, HOUR + 1_000));
        send(line("b1", 0, HOUR + 1_000).receivedAt(HOUR + 6 * DAY));      // seen again: remembered 7 days from now
        driver.advanceWallClockTime(Duration.ofDays(12));                     // a sweep: 6 days after it was last seen
        send(line("b1", 0, HOUR + 1_000).receivedAt(HOUR + 12 * DAY));
        assertEquals(1, figures(hour(HOUR, "GRU", null)).get(0));

        driver.advanceWallClockTime(Duration.ofDays(7).plusHours(1));         // a sweep over 7 days after: forgotten
        send(line("b1", 0, HOUR + 1_000).receivedAt(HOUR + 19 * DAY + 2 * H)); // so it counts again (in its hour only)

        assertEquals(2, figures(hour(HOUR, "GRU", null)).get(0));
        assertEquals(1, figures(minute(HOUR, "GRU", null)).get(0));
    }

    @Test
    void theFirstDeliveriesStreamHasEachLineOnceWithItsContentAndTime() throws IOException {
        closeDriver();
        StreamsBuilder builder = new StreamsBuilder();
        CdnRules rules = new CdnRules(CdnRules.DEFAULT_REDELIVERY, CdnRules.DEFAULT_LATE_HOLD,
                CountingRules.DEFAULT_MAX_FUTURE_SKEW, ContentCatalogue.read(new StringReader(CATALOGUE)));
        CdnTopology.addTo(builder, rules, FLUSH)
                .to("firsts", Produced.with(Serdes.String(), new JsonSerde<>(MatchedRequest.class)));
        start(builder.build());
        TestOutputTopic<String, MatchedRequest> firsts =
                driver.createOutputTopic("firsts", Serdes.String().deserializer(), new JsonSerde<>(MatchedRequest.class).deserializer());

        pipe(line("b1", 0, HOUR + 1_000).path("/podcasts/ep42.mp3"));
        pipe(line("b1", 1, HOUR + 2_000).path("/elsewhere"));
        pipe(line("b1", 0, HOUR + 1_000).path("/podcasts/ep42.mp3"));           // redelivered
        pipe(line("b1", 2, HOUR + 3_000).receivedAt(HOUR + 40 * DAY));          // too late

        List<TestRecord<String, MatchedRequest>> out = firsts.readRecordsToList();
        assertEquals(2, out.size());
        assertEquals("b1#0", out.get(0).key());
        assertEquals(HOUR + 1_000, out.get(0).timestamp());
        assertEquals(new ContentCatalogue.Entry("ep42", 128, "vod"), out.get(0).value().content());
        assertEquals(0, out.get(0).value().request().line());
        assertNull(out.get(1).value().content());
        assertEquals(HOUR + 2_000, out.get(1).timestamp());
    }

    // --- helpers

    private void send(Line line) {
        pipe(line);
        driver.advanceWallClockTime(FLUSH);  // the lines' changes go on to the sums once per flush interval
        minuteTopic.readKeyValuesToMap().forEach(minutes::put);
        hourTopic.readKeyValuesToMap().forEach(hours::put);
        rejected.addAll(rejectedTopic.readValuesToList());
    }

    private void pipe(Line line) {
        CdnRequest request = line.request();
        requests.pipeInput(request.partitionKey(), request, request.receivedAtMs());
    }

    private CdnTraffic minute(long startMs, String pop, String content) {
        return minutes.get(new CdnTraffic(ACCOUNT, M, startMs, "zone-1", "cdn.example.com", pop, content,
                0, 0, 0, 0, 0, 0, 0, 0, 0).key());
    }

    private CdnTraffic hour(long startMs, String pop, String content) {
        return hours.get(new CdnTraffic(ACCOUNT, H, startMs, "zone-1", "cdn.example.com", pop, content,
                0, 0, 0, 0, 0, 0, 0, 0, 0).key());
    }

    /** requests, bytes, hits, misses, 1xx, 2xx, 3xx, 4xx, 5xx */
    private static List<Long> figures(CdnTraffic t) {
        return List.of(t.requests(), t.bytes(), t.hits(), t.misses(), t.status1xx(), t.status2xx(), t.status3xx(),
                t.status4xx(), t.status5xx());
    }

    private double metric(String name) {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("stream-cdn-metrics") && e.getKey().name().equals(name))
                .mapToDouble(e -> (Double) e.getValue().metricValue()).sum();
    }

    private static Line line(String batch, int line, long timeMs) {
        return new Line(batch, line, timeMs, timeMs + M, ACCOUNT, "zone-1", "cdn.example.com", "GRU", "/video/a.mp4",
                200, 100, CdnRequest.HIT);
    }

    /** A log line as the collector normalises it; each setter gives a copy. */
    private record Line(String batch, int line, long timeMs, long receivedAtMs, String account, String zone, String host,
                        String pop, String path, int status, long bytes, String cache) {
        Line receivedAt(long ms) {
            return new Line(batch, line, timeMs, ms, account, zone, host, pop, path, status, bytes, cache);
        }

        Line account(String a) {
            return new Line(batch, line, timeMs, receivedAtMs, a, zone, host, pop, path, status, bytes, cache);
        }

        Line zone(String z) {
            return new Line(batch, line, timeMs, receivedAtMs, account, z, host, pop, path, status, bytes, cache);
        }

        Line host(String h) {
            return new Line(batch, line, timeMs, receivedAtMs, account, zone, h, pop, path, status, bytes, cache);
        }

        Line pop(String p) {
            return new Line(batch, line, timeMs, receivedAtMs, account, zone, host, p, path, status, bytes, cache);
        }

        Line path(String p) {
            return new Line(batch, line, timeMs, receivedAtMs, account, zone, host, pop, p, status, bytes, cache);
        }

        Line status(int s) {
            return new Line(batch, line, timeMs, receivedAtMs, account, zone, host, pop, path, s, bytes, cache);
        }

        Line bytes(long b) {
            return new Line(batch, line, timeMs, receivedAtMs, account, zone, host, pop, path, status, b, cache);
        }

        Line cache(String c) {
            return new Line(batch, line, timeMs, receivedAtMs, account, zone, host, pop, path, status, bytes, c);
        }

        CdnRequest request() {
            return new CdnRequest(batch, line, account, "src-1", "cloudflare", zone, timeMs, receivedAtMs, "iphash",
                    "GET", host, path, status, bytes, null, null, "Mozilla/5.0", null, pop, cache, 12L);
        }
    }
}
