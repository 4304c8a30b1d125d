package liveccu.aggregator.viewers;

import java.time.Duration;
import liveccu.model.Beacon;
import liveccu.model.JsonSerde;
import liveccu.model.Topics;
import liveccu.model.ViewerSession;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * On-time beacons in, one record per viewer session out, for viewer reports:
 *
 * <pre>
 *  on-time beacons (key: session) ─► track-viewer-sessions ─► ccu.viewer-sessions (compacted, key: session)
 * </pre>
 *
 * No repartition: beacons are already keyed by session.
 */
public final class ViewerSessionsTopology {

    static final String SESSIONS_STORE = "ccu-viewer-sessions";
    static final String DIRTY_SESSIONS_STORE = "ccu-dirty-viewer-sessions";
    /** A session silent this long leaves the aggregator's state; its last record stays on the topic. */
    private static final Duration IDLE_LIMIT = Duration.ofHours(6);

    private ViewerSessionsTopology() {
    }

    /** @param flushInterval how often changed sessions are published */
    public static void addTo(StreamsBuilder builder, KStream<String, Beacon> onTimeBeacons, Duration flushInterval) {
        // Cached: a session is rewritten by every heartbeat; the cache turns that into one write (and
        // one changelog record) per session per commit.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSIONS_STORE),
                Serdes.String(), new JsonSerde<>(ViewerSession.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DIRTY_SESSIONS_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled());
        onTimeBeacons
                .process(() -> new ViewerSessionTracker(flushInterval, IDLE_LIMIT), Named.as("track-viewer-sessions"),
                        SESSIONS_STORE, DIRTY_SESSIONS_STORE)
                .to(Topics.VIEWER_SESSIONS.name(), Produced.with(Topics.VIEWER_SESSIONS.keySerde(),
                        Topics.VIEWER_SESSIONS.valueSerde()).withName("write-viewer-sessions"));
    }
}
