package liveccu.sessions.limit;

import liveccu.model.JsonSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Session commands in, decisions and the sessions' current state out:
 *
 * <pre>
 *  ccu.session-commands (key: account/uid) ─► limit-sessions ─┬─► ccu.session-decisions (key: request id)
 *                                      [ccu-stream-viewers]   └─► ccu.stream-sessions  (compacted, key: session id)
 * </pre>
 *
 * Built with the Processor API because one processor feeds two differently typed sinks.
 */
public final class SessionsTopology {

    public static final String COMMANDS = "ccu.session-commands";
    public static final String DECISIONS = "ccu.session-decisions";
    public static final String STREAM_SESSIONS = "ccu.stream-sessions";
    /** Commands the limiter could not even decode, as they were, for inspection. */
    public static final String DEAD_LETTERS = "ccu.sessions.dead-letters";

    public static final JsonSerde<SessionCommand> COMMAND_SERDE = new JsonSerde<>(SessionCommand.class);
    public static final JsonSerde<SessionDecision> DECISION_SERDE = new JsonSerde<>(SessionDecision.class);
    public static final JsonSerde<StreamSession> STREAM_SESSION_SERDE = new JsonSerde<>(StreamSession.class);

    static final String VIEWERS_STORE = "ccu-stream-viewers";
    static final String DECISIONS_SINK = "write-session-decisions";
    static final String STREAM_SESSIONS_SINK = "write-stream-sessions";
    private static final String SOURCE = "read-session-commands";
    private static final String LIMITER = "limit-sessions";

    private SessionsTopology() {
    }

    @SuppressWarnings("unchecked") // the limiter forwards each sink the type its serializer expects
    public static Topology build(SessionRules rules, SessionMetrics metrics) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.String().deserializer(), COMMAND_SERDE.deserializer(), COMMANDS);
        topology.addProcessor(LIMITER, () -> new SessionLimiter(rules, metrics), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VIEWERS_STORE),
                Serdes.String(), new JsonSerde<>(ViewerStreams.class)), LIMITER);
        topology.addSink(DECISIONS_SINK, DECISIONS, Serdes.String().serializer(),
                (Serializer<Object>) (Serializer<?>) DECISION_SERDE.serializer(), LIMITER);
        topology.addSink(STREAM_SESSIONS_SINK, STREAM_SESSIONS, Serdes.String().serializer(),
                (Serializer<Object>) (Serializer<?>) STREAM_SESSION_SERDE.serializer(), LIMITER);
        return topology;
    }
}
