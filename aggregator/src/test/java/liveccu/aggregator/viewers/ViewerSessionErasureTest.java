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
import java.util.Set;
import liveccu.aggregator.AggregatorTopology;
import liveccu.aggregator.audio.AudioSettings;
import liveccu.aggregator.cdn.CdnRules;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.PlaybackRules;
import liveccu.model.Side;
import liveccu.model.Topics;
import liveccu.model.Viewer;
import liveccu.model.ViewerErasure;
import liveccu.model.ViewerSession;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasing viewer sessions through the production topology ({@link AggregatorTopology#build}): the session
 * leaves the state store, a tombstone goes to the viewer-sessions topic, and nothing erased comes back.
 */
class ViewerSessionErasureTest {

    private static final String APP = "viewer-erasure-test";
    private static final String JOB = "142bbf588a574e018de94136a664cfaf";
    private static final String ERASED = "11111111111111111111111111111111";
    private static final String KEPT = "22222222222222222222222222222222";
    private static final long MINUTE = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final Viewer SIGNED = new Viewer("gold", "plan=gold", "user-1", true);

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, Beacon> beacons;
    private TestInputTopic<String, ViewerErasure> erasures;
    private TestOutputTopic<String, ViewerSession> published;
    private TestOutputTopic<String, byte[]> changelog;
    private KeyValueStore<String, ViewerSession> store;
    private int guid;

    @BeforeEach
    void startDriver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(topology(), props, Instant.ofEpochMilli(MINUTE));
        beacons = driver.createInputTopic(Topics.BEACONS.name(),
                Topics.BEACONS.keySerde().serializer(), Topics.BEACONS.valueSerde().serializer());
        erasures = driver.createInputTopic(Topics.VIEWER_ERASURES.name(),
                Topics.VIEWER_ERASURES.keySerde().serializer(), Topics.VIEWER_ERASURES.valueSerde().serializer());
        published = driver.createOutputTopic(Topics.VIEWER_SESSIONS.name(),
                Topics.VIEWER_SESSIONS.keySerde().deserializer(), Topics.VIEWER_SESSIONS.valueSerde().deserializer());
        changelog = driver.createOutputTopic(APP + "-" + ViewerSessionsTopology.SESSIONS_STORE + "-changelog",
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        store = driver.getKeyValueStore(ViewerSessionsTopology.SESSIONS_STORE);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private static Topology topology() {
        return AggregatorTopology.build(CountingRules.defaults(), Duration.ofMillis(100), PlaybackRules.defaults(),
                CdnRules.defaults(), AudioSettings.defaults());
    }

    @Test
    void anErasureEmptiesTheStoreAndPublishesATombstone() {
        send(ERASED, Side.SS, MINUTE + 1_000);
        send(ERASED, Side.CS, MINUTE + 61_000);
        send(KEPT, Side.SS, MINUTE + 2_000);
        published.readRecordsToList();
        changelog.readRecordsToList();

        erase(ERASED, MINUTE + 90_000);

        assertNull(store.get(ERASED), "gone from the state store");
        assertNotNull(store.get(KEPT), "other sessions untouched");
        List<KeyValue<String, ViewerSession>> out = published.readKeyValuesToList();
        assertEquals(List.of(KeyValue.pair(ERASED, (ViewerSession) null)), out, "one tombstone, nothing else");
        List<KeyValue<String, byte[]>> stateWrites = changelog.readKeyValuesToList();
        assertEquals(1, stateWrites.size());
        assertEquals(ERASED, stateWrites.get(0).key);
        assertNull(stateWrites.get(0).value, "the store's changelog is tombstoned too: a restore cannot bring it back");
    }

    @Test
    void aLaterBeaconOfAnErasedSessionStartsAFreshRecordWithoutTheOldMinutes() {
        send(ERASED, Side.SS, MINUTE + 1_000);
        send(ERASED, Side.SS, MINUTE + 61_000);
        erase(ERASED, MINUTE + 90_000);
        published.readRecordsToList();

        send(ERASED, Side.CS, MINUTE + 3 * 60_000 + 5_000, null);   // the player, still open, without a token

        ViewerSession fresh = published.readValuesToList().get(0);
        assertEquals(1, fresh.minutesWithin(MINUTE - 3_600_000, MINUTE + 3_600_000), "only the new minute");
        assertEquals(MINUTE + 3 * 60_000 + 5_000, fresh.firstSeenMs());
        assertEquals(List.of(false, true), List.of(fresh.serverSide(), fresh.clientSide()));
        assertNull(fresh.userId(), "the erased viewer data is not carried over");
        assertNull(fresh.customViewerData());
        assertEquals(fresh, store.get(ERASED));
    }

    @Test
    void aSessionThatAlreadyLeftTheStoreIsTombstonedAllTheSame() {
        send(ERASED, Side.SS, MINUTE + 1_000);
        driver.advanceWallClockTime(Duration.ofHours(6).plusMinutes(5));   // idle: purged from the store
        assertNull(store.get(ERASED));
        published.readRecordsToList();

        erase(ERASED, MINUTE + 7 * 3_600_000L);

        assertEquals(List.of(KeyValue.pair(ERASED, (ViewerSession) null)), published.readKeyValuesToList(),
                "its last record is still on the topic: the tombstone removes it there");
    }

    @Test
    void erasuresJoinTheBeaconsSubTopologyWhichKeepsItsNumber() {
        // a renumbered sub-topology would move its tasks (and their state) at the upgrade
        TopologyDescription description = topology().describe();
        assertEquals(Set.of(Topics.BEACONS.name(), Topics.VIEWER_ERASURES.name()), sourceTopics(description, 0));
        assertTrue(sourceTopics(description, 1).stream().allMatch(topic -> topic.endsWith("-repartition")),
                "sub-topology 1 still sums the partials");
    }

    private static Set<String> sourceTopics(TopologyDescription description, int subtopology) {
        return description.subtopologies().stream().filter(s -> s.id() == subtopology).findFirst().orElseThrow()
                .nodes().stream()
                .filter(node -> node instanceof TopologyDescription.Source)
                .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
                .collect(java.util.stream.Collectors.toSet());
    }

    private void send(String session, Side side, long beaconTimeMs) {
        send(session, side, beaconTimeMs, SIGNED);
    }

    private void send(String session, Side side, long beaconTimeMs, Viewer viewer) {
        beacons.pipeInput(session, new Beacon(String.format("%032x", ++guid), JOB, session, "acc", side, beaconTimeMs,
                beaconTimeMs + 500, viewer), beaconTimeMs + 500);
    }

    private void erase(String session, long atMs) {
        erasures.pipeInput(session, new ViewerErasure(session, atMs), atMs);
    }
}
