package liveccu.aggregator.ccu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import liveccu.aggregator.AggregatorTopology;
import liveccu.aggregator.audio.AudioSettings;
import liveccu.aggregator.cdn.CdnRules;
import liveccu.model.Audience;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.MinuteCount;
import liveccu.model.PlaybackRules;
import liveccu.model.RejectedBeacon;
import liveccu.model.Side;
import liveccu.model.Topics;
import liveccu.model.Viewer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production topology ({@link AggregatorTopology#build}) driven with explicit event and wall-clock time. */
class CcuTopologyTest {

    private static final Duration FLUSH = Duration.ofMillis(100);
    private static final String JOB = "142bbf588a574e018de94136a664cfaf";
    private static final String OTHER_JOB = "242bbf588a574e018de94136a664cfaf";
    /** Their audiences in account "acc", where the tests send unless they say otherwise. */
    private static final String JOB_KEY = Audience.job("acc", JOB).key();
    private static final String OTHER_JOB_KEY = Audience.job("acc", OTHER_JOB).key();
    private static final long MINUTE = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, Beacon> beacons;
    private TestOutputTopic<String, MinuteCount> counts;
    private TestOutputTopic<String, RejectedBeacon> rejected;
    private int guid;

    @BeforeEach
    void startDriver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ccu-topology-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(AggregatorTopology.build(CountingRules.defaults(), FLUSH, PlaybackRules.defaults(), CdnRules.defaults(),
                AudioSettings.defaults()), props, Instant.ofEpochMilli(MINUTE));
        beacons = driver.createInputTopic(Topics.BEACONS.name(),
                Topics.BEACONS.keySerde().serializer(), Topics.BEACONS.valueSerde().serializer());
        counts = driver.createOutputTopic(Topics.MINUTE_COUNTS.name(),
                Topics.MINUTE_COUNTS.keySerde().deserializer(), Topics.MINUTE_COUNTS.valueSerde().deserializer());
        rejected = driver.createOutputTopic(Topics.REJECTED.name(),
                Topics.REJECTED.keySerde().deserializer(), Topics.REJECTED.valueSerde().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void countsEachSessionOncePerSideAndMinute() {
        send(JOB, "s1", Side.SS, MINUTE + 1_000, MINUTE + 2_000);
        send(JOB, "s1", Side.SS, MINUTE + 11_000, MINUTE + 12_000);   // same session again
        send(JOB, "s2", Side.SS, MINUTE + 21_000, MINUTE + 22_000);
        send(JOB, "s1", Side.CS, MINUTE + 30_000, MINUTE + 31_000);   // client side counts apart
        send(JOB, "s3", Side.SS, MINUTE + 60_000, MINUTE + 61_000);   // next minute

        Map<String, MinuteCount> latest = flushAndReadLatest();

        assertEquals(new MinuteCount(JOB_KEY, MINUTE, 2, 1, MINUTE + 31_000), latest.get(MinuteCount.key(JOB_KEY, MINUTE)));
        assertEquals(new MinuteCount(JOB_KEY, MINUTE + 60_000, 1, 0, MINUTE + 61_000),
                latest.get(MinuteCount.key(JOB_KEY, MINUTE + 60_000)));
    }

    @Test
    void keepsJobsApartEvenWithTheSameSessionId() {
        send(JOB, "s1", Side.SS, MINUTE + 1_000, MINUTE + 2_000);
        send(OTHER_JOB, "s1", Side.SS, MINUTE + 1_000, MINUTE + 2_000);

        Map<String, MinuteCount> latest = flushAndReadLatest();

        assertEquals(1, latest.get(MinuteCount.key(JOB_KEY, MINUTE)).ssccu());
        assertEquals(1, latest.get(MinuteCount.key(OTHER_JOB_KEY, MINUTE)).ssccu());
    }

    @Test
    void aLateBeaconWithinGraceCorrectsItsMinute() {
        send(JOB, "s1", Side.SS, MINUTE + 1_000, MINUTE + 2_000);
        assertEquals(1, flushAndReadLatest().get(MinuteCount.key(JOB_KEY, MINUTE)).ssccu());

        // newer minutes move on, then a beacon for MINUTE arrives 20 minutes late
        send(JOB, "s9", Side.SS, MINUTE + 19 * 60_000, MINUTE + 19 * 60_000);
        send(JOB, "s2", Side.SS, MINUTE + 5_000, MINUTE + 20 * 60_000);

        MinuteCount corrected = flushAndReadLatest().get(MinuteCount.key(JOB_KEY, MINUTE));
        assertEquals(2, corrected.ssccu());
        assertEquals(MINUTE + 20 * 60_000, corrected.lastRxAtMs());
    }

    @Test
    void aBeaconPastTheGraceIsRejectedWithItsReasonAndNotCounted() {
        send(JOB, "s1", Side.SS, MINUTE + 1_000, MINUTE + 2_000);
        send(JOB, "s2", Side.SS, MINUTE + 5_000, MINUTE + 60_000 + 30 * 60_000 + 1);

        assertEquals(1, flushAndReadLatest().get(MinuteCount.key(JOB_KEY, MINUTE)).ssccu());
        List<RejectedBeacon> thrownAway = rejected.readValuesToList();
        assertEquals(1, thrownAway.size());
        assertEquals("too-late", thrownAway.get(0).reason());
        assertEquals("aggregator", thrownAway.get(0).rejectedBy());
    }

    @Test
    void outOfOrderAndDuplicatedBeaconsGiveTheSameCounts() {
        send(JOB, "s3", Side.CS, MINUTE + 50_000, MINUTE + 51_000);
        send(JOB, "s1", Side.SS, MINUTE + 1_000, MINUTE + 52_000);
        send(JOB, "s3", Side.CS, MINUTE + 50_000, MINUTE + 51_000);   // a retry
        send(JOB, "s2", Side.SS, MINUTE + 2_000, MINUTE + 53_000);
        send(JOB, "s1", Side.SS, MINUTE + 1_000, MINUTE + 52_000);   // a retry

        assertEquals(new MinuteCount(JOB_KEY, MINUTE, 2, 1, MINUTE + 53_000), flushAndReadLatest().get(MinuteCount.key(JOB_KEY, MINUTE)));
    }

    @Test
    void forwardsAChangedMinuteOncePerFlushNotOncePerBeacon() {
        for (int i = 0; i < 50; i++) {
            send(JOB, "s" + (i % 5), Side.SS, MINUTE + i * 1_000, MINUTE + i * 1_000);
        }
        driver.advanceWallClockTime(FLUSH);

        List<MinuteCount> emitted = counts.readValuesToList().stream().filter(c -> c.audience().equals(JOB_KEY)).toList();
        assertEquals(1, emitted.size(), "one update for the minute after one flush");
        assertEquals(5, emitted.get(0).ssccu());
        driver.advanceWallClockTime(FLUSH);
        assertTrue(counts.isEmpty(), "nothing changed: nothing forwarded");
    }

    @Test
    void countsAccountsAndTrackingIdsAsDistinctSessionsToo() {
        Viewer gold = new Viewer("gold", "user=1", null, true);
        Viewer silver = new Viewer("silver", null, null, false);
        send(JOB, "s1", Side.SS, MINUTE + 1_000, MINUTE + 2_000, gold);
        send(OTHER_JOB, "s1", Side.SS, MINUTE + 3_000, MINUTE + 4_000, gold);  // one session on two jobs: once per account
        send(JOB, "s2", Side.SS, MINUTE + 5_000, MINUTE + 6_000, gold);
        send(JOB, "s2", Side.CS, MINUTE + 7_000, MINUTE + 8_000, gold);
        send(OTHER_JOB, "s3", Side.SS, MINUTE + 9_000, MINUTE + 10_000, silver);
        send(OTHER_JOB, "s4", Side.SS, MINUTE + 11_000, MINUTE + 12_000, null);

        Map<String, MinuteCount> latest = flushAndReadLatest();

        assertEquals(new MinuteCount("account:acc", MINUTE, 4, 1, MINUTE + 12_000), latest.get(MinuteCount.key("account:acc", MINUTE)));
        String goldKey = Audience.tracking("acc", "gold").key();
        assertEquals(new MinuteCount(goldKey, MINUTE, 2, 1, MINUTE + 8_000), latest.get(MinuteCount.key(goldKey, MINUTE)));
        String goldInOther = Audience.trackingInJob("acc", OTHER_JOB, "gold").key();
        assertEquals(new MinuteCount(goldInOther, MINUTE, 1, 0, MINUTE + 4_000), latest.get(MinuteCount.key(goldInOther, MINUTE)));
        String silverKey = Audience.tracking("acc", "silver").key();
        assertEquals(1, latest.get(MinuteCount.key(silverKey, MINUTE)).ssccu());
        assertEquals(new MinuteCount(OTHER_JOB_KEY, MINUTE, 3, 0, MINUTE + 12_000), latest.get(MinuteCount.key(OTHER_JOB_KEY, MINUTE)));
    }

    @Test
    void aSessionThatGainsATrackingIdMidMinuteJoinsThoseAudiencesOnlyAndOnce() {
        Viewer gold = new Viewer("gold", null, null, true);
        send(JOB, "s1", Side.SS, MINUTE + 1_000, MINUTE + 2_000, null);
        send(JOB, "s1", Side.SS, MINUTE + 5_000, MINUTE + 6_000, gold);   // the token arrives
        send(JOB, "s1", Side.SS, MINUTE + 9_000, MINUTE + 10_000, gold);
        send(JOB, "s1", Side.SS, MINUTE + 13_000, MINUTE + 14_000, null); // and is missing again

        Map<String, MinuteCount> latest = flushAndReadLatest();

        assertEquals(1, latest.get(MinuteCount.key(JOB_KEY, MINUTE)).ssccu());
        assertEquals(1, latest.get(MinuteCount.key("account:acc", MINUTE)).ssccu());
        assertEquals(1, latest.get(MinuteCount.key(Audience.tracking("acc", "gold").key(), MINUTE)).ssccu());
        assertEquals(1, latest.get(MinuteCount.key(Audience.trackingInJob("acc", JOB, "gold").key(), MINUTE)).ssccu());
    }

    @Test
    void anotherAccountsBeaconsNamingTheSameJobIdAreAnotherAudience() {
        send(JOB, "s1", Side.SS, MINUTE + 1_000, MINUTE + 2_000);
        send(JOB, "s2", "intruder", Side.SS, MINUTE + 3_000, MINUTE + 4_000, null);
        send(JOB, "s3", "intruder", Side.SS, MINUTE + 5_000, MINUTE + 6_000, null);

        Map<String, MinuteCount> latest = flushAndReadLatest();

        assertEquals(1, latest.get(MinuteCount.key(JOB_KEY, MINUTE)).ssccu(), "acc's job is not inflated");
        assertEquals(2, latest.get(MinuteCount.key(Audience.job("intruder", JOB).key(), MINUTE)).ssccu());
        assertTrue(latest.keySet().stream().noneMatch(key -> key.startsWith(JOB)), "nothing under the bare job id any more");
    }

    @Test
    void theSameTrackingIdInTwoAccountsIsCountedApart() {
        Viewer gold = new Viewer("gold", null, null, true);
        send(JOB, "s1", Side.SS, MINUTE + 1_000, MINUTE + 2_000, gold);
        send(JOB, "s2", Side.SS, MINUTE + 3_000, MINUTE + 4_000, gold);
        send(OTHER_JOB, "s3", "other", Side.SS, MINUTE + 5_000, MINUTE + 6_000, gold);

        Map<String, MinuteCount> latest = flushAndReadLatest();

        assertEquals(2, latest.get(MinuteCount.key(Audience.tracking("acc", "gold").key(), MINUTE)).ssccu());
        assertEquals(1, latest.get(MinuteCount.key(Audience.tracking("other", "gold").key(), MINUTE)).ssccu());
        assertEquals(1, latest.get(MinuteCount.key(Audience.trackingInJob("other", OTHER_JOB, "gold").key(), MINUTE)).ssccu());
        assertTrue(latest.keySet().stream().noneMatch(key -> Audience.fromKey(MinuteCount.audienceOfKey(key)).unscoped()),
                "nothing is counted in the unscoped audiences of before any more: " + latest.keySet());
    }

    private void send(String job, String session, Side side, long beaconTimeMs, long receivedAtMs) {
        send(job, session, side, beaconTimeMs, receivedAtMs, null);
    }

    private void send(String job, String session, Side side, long beaconTimeMs, long receivedAtMs, Viewer viewer) {
        send(job, session, "acc", side, beaconTimeMs, receivedAtMs, viewer);
    }

    private void send(String job, String session, String account, Side side, long beaconTimeMs, long receivedAtMs, Viewer viewer) {
        String sessionId = String.format("%032x", session.hashCode() & 0xffffffffL);
        String guidHex = String.format("%032x", ++guid);
        beacons.pipeInput(sessionId, new Beacon(guidHex, job, sessionId, account, side, beaconTimeMs, receivedAtMs, viewer),
                receivedAtMs);
    }

    private Map<String, MinuteCount> flushAndReadLatest() {
        driver.advanceWallClockTime(FLUSH);
        Map<String, MinuteCount> latest = new HashMap<>();
        counts.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
        return latest;
    }
}
