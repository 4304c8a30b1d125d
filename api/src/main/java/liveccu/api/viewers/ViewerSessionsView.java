package liveccu.api.viewers;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import liveccu.ops.kafka.TopicReader;
import liveccu.model.Topics;
import liveccu.model.ViewerSession;

/**
 * The viewer sessions this API instance can report on, materialised in memory from the compacted
 * viewer-sessions topic: those seen within the last {@code history}. Memory grows with sessions in
 * that window (a few hundred bytes each plus their viewer data), not with the topic's retention: a
 * start reads only the records written within that window (by timestamp), not the whole topic.
 */
public final class ViewerSessionsView {

    private static final Duration READ_MARGIN = Duration.ofDays(1);

    private final Duration history;
    private final Clock clock;
    private final Map<String, ViewerSession> bySession = new ConcurrentHashMap<>();
    private final TopicReader<ViewerSession> reader;
    private long nextEvictionMs;

    public ViewerSessionsView(String bootstrapServers, Duration history, Clock clock) {
        this.history = history;
        this.clock = clock;
        // Only the records written within the history (and a day more: a beacon's time may be ahead of
        // when its session was published): older sessions were last seen before it, and are not kept.
        this.reader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.VIEWER_SESSIONS, history.plus(READ_MARGIN),
                this::apply, this::evictOld);
    }

    public TopicReader<ViewerSession> reader() {
        return reader;
    }

    public Duration history() {
        return history;
    }

    /** Sessions matching {@code filter} with at least one minute in {@code fromMs <= minute < toMs}, earliest first. */
    public List<ViewerSession> seenWithin(Predicate<ViewerSession> filter, long fromMs, long toMs) {
        return bySession.values().stream()
                .filter(filter)
                .filter(session -> session.minutesWithin(fromMs, toMs) > 0)
                .sorted(Comparator.comparingLong(ViewerSession::firstSeenMs).thenComparing(ViewerSession::sessionId))
                .toList();
    }

    /** Every session held (all of the viewer-data retention) that matches {@code filter}, whatever its minutes. */
    public List<ViewerSession> matching(Predicate<ViewerSession> filter) {
        return bySession.values().stream().filter(filter).toList();
    }

    /**
     * Applies one record of the viewer-sessions topic (a tombstone as null), as the reader does for
     * each; public so that route tests can fill the view without Kafka.
     */
    public void apply(String sessionId, ViewerSession session) {
        if (session == null) {
            bySession.remove(sessionId);
        } else if (session.lastSeenMs() >= clock.millis() - history.toMillis()) {
            bySession.put(sessionId, session);
        }
    }

    private void evictOld() {
        long now = clock.millis();
        if (now < nextEvictionMs) {
            return;
        }
        nextEvictionMs = now + 60_000;
        long oldest = now - history.toMillis();
        bySession.values().removeIf(session -> session.lastSeenMs() < oldest);
    }
}
