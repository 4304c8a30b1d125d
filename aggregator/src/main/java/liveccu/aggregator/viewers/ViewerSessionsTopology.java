package liveccu.aggregator.viewers;

import java.time.Duration;
import liveccu.model.Beacon;
import liveccu.model.JsonSerde;
import liveccu.model.Topics;
import liveccu.model.ViewerSession;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * On-time beacons in, one record per viewer session out, for viewer reports; operators' erasures in,
 * tombstones out:
 *
 * <pre>
 *  on-time beacons (key: session) ─► track-viewer-sessions ─┬─► ccu.viewer-sessions (compacted, key: session)
 *  ccu.viewer-erasures (key: session) ─► erase-viewer-sessions ─┘  (tombstone: null value)
 *                       both on the ccu-viewer-sessions store
 * </pre>
 *
 * No repartition: beacons and erasures are both keyed by session, on topics with the same partition
 * count, so an erasure reaches the task whose store holds its session. A session's record is written
 * and published only when what a report shows changes (see {@link ViewerSessionTracker}); this
 * sub-topology is the only writer of ccu.viewer-sessions.
 */
public final class ViewerSessionsTopology {

    static final String SESSIONS_STORE = "ccu-viewer-sessions";
    /** A session silent this long leaves the aggregator's state; its last record stays on the topic. */
    private static final Duration IDLE_LIMIT = Duration.ofHours(6);

    private ViewerSessionsTopology() {
    }

    public static void addTo(StreamsBuilder builder, KStream<String, Beacon> onTimeBeacons) {
        // Not cached, though every heartbeat reads its session: a session per viewer filled the record cache the
        // summers' few, hot totals need to coalesce their writes. RocksDB's block cache keeps the active ones in memory.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSIONS_STORE),
                Serdes.String(), new JsonSerde<>(ViewerSession.class)));
        onTimeBeacons
                .process(() -> new ViewerSessionTracker(IDLE_LIMIT), Named.as("track-viewer-sessions"), SESSIONS_STORE)
                .to(Topics.VIEWER_SESSIONS.name(), Produced.with(Topics.VIEWER_SESSIONS.keySerde(),
                        Topics.VIEWER_SESSIONS.valueSerde()).withName("write-viewer-sessions"));
        // Sharing the store puts this source in the beacons' sub-topology, whose number (0) and tasks
        // stay as they were (ViewerSessionErasureTest checks it): their state is not moved by the upgrade.
        builder.stream(Topics.VIEWER_ERASURES.name(), Consumed.with(Topics.VIEWER_ERASURES.keySerde(),
                        Topics.VIEWER_ERASURES.valueSerde()).withName("read-viewer-erasures"))
                .process(ViewerSessionEraser::new, Named.as("erase-viewer-sessions"), SESSIONS_STORE)
                .to(Topics.VIEWER_SESSIONS.name(), Produced.with(Topics.VIEWER_SESSIONS.keySerde(),
                        Topics.VIEWER_SESSIONS.valueSerde()).withName("write-viewer-session-tombstones"));
    }
}
