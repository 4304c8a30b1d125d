package liveccu.sessions.http;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import liveccu.model.Topic;
import liveccu.ops.kafka.TopicReader;
import liveccu.sessions.limit.SessionsTopology;
import liveccu.sessions.limit.StreamSession;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every live session, materialised from the compacted {@code ccu.stream-sessions} topic: the
 * operator's account-wide list and the concurrent-sessions figures. Follows the limiter within its
 * commit interval; the limit itself is never decided from here.
 */
public final class StreamSessionsView {

    private static final Topic<String, StreamSession> TOPIC =
            new Topic<>(SessionsTopology.STREAM_SESSIONS, Serdes.String(), SessionsTopology.STREAM_SESSION_SERDE);

    private final Map<String, StreamSession> bySession = new ConcurrentHashMap<>();
    private final TopicReader<StreamSession> reader;

    public StreamSessionsView(String bootstrapServers) {
        this.reader = new TopicReader<>(bootstrapServers, "ccu-sessions", TOPIC, TopicReader.From.BEGINNING, this::apply, () -> { });
    }

    public TopicReader<StreamSession> reader() {
        return reader;
    }

    public List<StreamSession> ofAccount(String accountId) {
        return bySession.values().stream().filter(s -> s.accountId().equals(accountId))
                .sorted(Comparator.comparingLong(StreamSession::startedMs)).toList();
    }

    public Optional<StreamSession> find(String accountId, String sessionId) {
        return Optional.ofNullable(bySession.get(sessionId)).filter(s -> s.accountId().equals(accountId));
    }

    /** Playing (not stopped) sessions of the account per video. */
    public Map<String, Long> activeByVideo(String accountId) {
        Map<String, Long> byVideo = new TreeMap<>();
        ofAccount(accountId).stream().filter(s -> !s.stopped()).forEach(s -> byVideo.merge(s.video(), 1L, Long::sum));
        return byVideo;
    }

    public long active() {
        return bySession.values().stream().filter(s -> !s.stopped()).count();
    }

    /**
     * Applies one record of the stream-sessions topic (a tombstone as null), as the reader does for
     * each; public so that route tests can fill the view without Kafka.
     */
    public void apply(String sessionId, StreamSession session) {
        if (session == null) {
            bySession.remove(sessionId);
        } else {
            bySession.put(sessionId, session);
        }
    }
}
