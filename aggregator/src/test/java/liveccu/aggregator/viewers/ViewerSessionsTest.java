package liveccu.aggregator.viewers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import liveccu.aggregator.AggregatorTopology;
import liveccu.aggregator.audio.AudioSettings;
import liveccu.aggregator.cdn.CdnRules;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.PlaybackRules;
import liveccu.model.Side;
import liveccu.model.Topics;
import liveccu.model.Viewer;
import liveccu.model.ViewerSession;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Viewer sessions through the production topology ({@link AggregatorTopology#build}): one record per
 * change a report shows, published at once. Wall-clock time is never advanced unless a test says
 * so: nothing waits for a punctuation.
 */
class ViewerSessionsTest {

    private static final String APP = "viewer-sessions-test";
    private static final String JOB = "142bbf588a574e018de94136a664cfaf";
    private static final long MINUTE = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, Beacon> beacons;
    private TestOutputTopic<String, ViewerSession> published;
    private TestOutputTopic<String, byte[]> changelog;
    private int guid;

    @BeforeEach
    void startDriver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(AggregatorTopology.build(CountingRules.defaults(), Duration.ofMillis(100),
                PlaybackRules.defaults(), CdnRules.defaults(), AudioSettings.defaults()), props,
                Instant.ofEpochMilli(MINUTE));
        beacons = driver.createInputTopic(Topics.BEACONS.name(),
                Topics.BEACONS.keySerde().serializer(), Topics.BEACONS.valueSerde().serializer());
        published = driver.createOutputTopic(Topics.VIEWER_SESSIONS.name(),
                Topics.VIEWER_SESSIONS.keySerde().deserializer(), Topics.VIEWER_SESSIONS.valueSerde().deserializer());
        changelog = driver.createOutputTopic(APP + "-" + ViewerSessionsTopology.SESSIONS_STORE + "-changelog",
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void publishesANewSessionAtOnceWithoutWaitingForAFlush() {
        send("s1", Side.SS, MINUTE + 7_250, null);

        List<ViewerSession> records = published.readValuesToList();
        assertEquals(1, records.size());
        assertEquals(List.of(MINUTE + 7_250, MINUTE), List.of(records.get(0).firstSeenMs(), records.get(0).lastSeenMs()),
                "first seen to the millisecond, last seen to the minute");
    }

    @Test
    void aSessionHeartbeatingAllMinuteIsWrittenAndPublishedOnceForThatMinute() {
        for (int i = 0; i < 15; i++) {
            send("s1", Side.SS, MINUTE + 1_000 + i * 4_000, null);
        }

        List<ViewerSession> records = published.readValuesToList();
        assertEquals(1, records.size(), "one record for the minute, not one per heartbeat");
        assertEquals(1, records.get(0).minutesWithin(MINUTE, MINUTE + 60_000));
        assertEquals(1, changelog.readRecordsToList().size(), "one state write for the minute, not one per heartbeat");
    }

    @Test
    void aNewMinuteANewSideAndNewViewerDataArePublishedOnceEach() {
        send("s1", Side.SS, MINUTE + 1_000, null);
        assertEquals(1, published.readValuesToList().size());

        send("s1", Side.SS, MINUTE + 61_000, null);
        send("s1", Side.SS, MINUTE + 65_000, null);
        ViewerSession nextMinute = only(published.readValuesToList());
        assertEquals(2, nextMinute.minutesWithin(MINUTE, MINUTE + 120_000));
        assertEquals(MINUTE + 60_000, nextMinute.lastSeenMs());

        send("s1", Side.CS, MINUTE + 70_000, null);
        send("s1", Side.CS, MINUTE + 100_000, null);
        ViewerSession bothSides = only(published.readValuesToList());
        assertTrue(bothSides.serverSide() && bothSides.clientSide());

        Viewer unsigned = new Viewer("silver", "plan=free", null, false);
        send("s1", Side.SS, MINUTE + 105_000, unsigned);
        send("s1", Side.SS, MINUTE + 109_000, unsigned);
        assertEquals(List.of("silver", false), identity(only(published.readValuesToList())));

        Viewer signed = new Viewer("gold", "plan=gold", "u1", true);
        send("s1", Side.CS, MINUTE + 110_000, signed);
        send("s1", Side.CS, MINUTE + 115_000, signed);
        send("s1", Side.SS, MINUTE + 117_000, unsigned);   // a signed identity is never replaced by an unsigned one
        assertEquals(List.of("gold", true), identity(only(published.readValuesToList())));

        send("s1", Side.SS, MINUTE + 5_000, null);          // late, in a minute already seen
        assertTrue(published.isEmpty(), "a late beacon in a minute already seen changes nothing");
        send("s1", Side.SS, MINUTE + 500, null);            // late, and earlier than the first beacon
        assertEquals(MINUTE + 500, only(published.readValuesToList()).firstSeenMs(), "an earlier first beacon is shown");

        assertEquals(6, changelog.readRecordsToList().size(), "one state write per record published");
    }

    @Test
    void publishesEachViewerSessionWithItsMinutesSidesAndBestIdentity() {
        Viewer unsigned = new Viewer("forged", "plan=free", null, false);
        Viewer signed = new Viewer("gold", "plan=gold", "u1", true);
        send("s1", Side.SS, MINUTE + 61_000, MINUTE + 62_000, unsigned);
        send("s1", Side.SS, MINUTE + 61_000, MINUTE + 62_500, unsigned);      // a retry
        send("s1", Side.CS, MINUTE + 185_000, MINUTE + 186_000, signed);      // two minutes later, signed
        send("s1", Side.SS, MINUTE + 5_000, MINUTE + 190_000, null);          // late, earlier than all
        send("s1", Side.SS, MINUTE + 50_000 - 40 * 60_000, MINUTE + 190_000, null);  // past the grace: not a minute

        List<ViewerSession> records = published.readValuesToList();
        assertEquals(3, records.size(), "the first beacon, the signed one in a new minute, the earlier minute");
        ViewerSession session = records.get(records.size() - 1);
        assertEquals(List.of("gold", "plan=gold", "u1", true), List.of(session.trackingId(), session.customViewerData(),
                session.userId(), session.trusted()));
        assertEquals(List.of(MINUTE + 5_000, MINUTE + 180_000), List.of(session.firstSeenMs(), session.lastSeenMs()));
        assertEquals(3, session.minutesWithin(MINUTE, MINUTE + 10 * 60_000), "minutes 0, 1 and 3");
        assertEquals(2, session.minutesWithin(MINUTE + 60_000, MINUTE + 10 * 60_000));
        assertTrue(session.serverSide() && session.clientSide());
        assertEquals(JOB, session.jobId());
    }

    @Test
    void anIdleSessionLeavesTheStoreButItsRecordStaysOnTheTopic() {
        send("s1", Side.SS, MINUTE + 1_000, null);
        send("s2", Side.SS, MINUTE + 6 * 3_600_000L, null);
        published.readValuesToList();

        driver.advanceWallClockTime(Duration.ofHours(6).plusMinutes(5));

        KeyValueStore<String, ViewerSession> store = driver.getKeyValueStore(ViewerSessionsTopology.SESSIONS_STORE);
        assertNull(store.get(sessionId("s1")), "silent for over 6 hours: purged");
        assertNotNull(store.get(sessionId("s2")));
        assertTrue(published.isEmpty(), "a purge publishes nothing: the last record stays");
    }

    private static ViewerSession only(List<ViewerSession> records) {
        assertEquals(1, records.size(), "one record: " + records);
        return records.get(0);
    }

    private static List<Object> identity(ViewerSession session) {
        return List.of(session.trackingId(), session.trusted());
    }

    private void send(String session, Side side, long beaconTimeMs, Viewer viewer) {
        send(session, side, beaconTimeMs, beaconTimeMs + 500, viewer);
    }

    private void send(String session, Side side, long beaconTimeMs, long receivedAtMs, Viewer viewer) {
        String sessionId = sessionId(session);
        beacons.pipeInput(sessionId, new Beacon(String.format("%032x", ++guid), JOB, sessionId, "acc", side, beaconTimeMs,
                receivedAtMs, viewer), receivedAtMs);
    }

    private static String sessionId(String session) {
        return String.format("%032x", session.hashCode() & 0xffffffffL);
    }
}
