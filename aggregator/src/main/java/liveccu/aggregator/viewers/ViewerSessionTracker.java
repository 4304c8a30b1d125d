package liveccu.aggregator.viewers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import liveccu.model.Beacon;
import liveccu.model.ViewerSession;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps one {@link ViewerSession} per session, on the partition that already holds all of the
 * session's beacons (they are keyed by session), and publishes changed ones every flush interval
 * rather than on every heartbeat. Sessions idle longer than the idle limit leave the state store
 * (their last version stays on the compacted topic).
 */
final class ViewerSessionTracker implements Processor<String, Beacon, String, ViewerSession> {

    private static final Duration PURGE_EVERY = Duration.ofMinutes(5);

    private final Duration flushInterval;
    private final Duration idleLimit;
    private ProcessorContext<String, ViewerSession> context;
    private KeyValueStore<String, ViewerSession> sessions;
    private KeyValueStore<String, Long> dirty;

    ViewerSessionTracker(Duration flushInterval, Duration idleLimit) {
        this.flushInterval = flushInterval;
        this.idleLimit = idleLimit;
    }

    @Override
    public void init(ProcessorContext<String, ViewerSession> context) {
        this.context = context;
        this.sessions = context.getStateStore(ViewerSessionsTopology.SESSIONS_STORE);
        this.dirty = context.getStateStore(ViewerSessionsTopology.DIRTY_SESSIONS_STORE);
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
        context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::purgeIdle);
    }

    @Override
    public void process(Record<String, Beacon> record) {
        Beacon beacon = record.value();
        ViewerSession known = sessions.get(beacon.sessionId());
        sessions.put(beacon.sessionId(), known == null ? ViewerSession.of(beacon) : known.plus(beacon));
        dirty.put(beacon.sessionId(), record.timestamp());
    }

    private void flush() {
        List<String> flushed = new ArrayList<>();
        try (KeyValueIterator<String, Long> changed = dirty.all()) {
            while (changed.hasNext()) {
                KeyValue<String, Long> entry = changed.next();
                ViewerSession session = sessions.get(entry.key);
                if (session != null) {
                    context.forward(new Record<>(entry.key, session, entry.value));
                }
                flushed.add(entry.key);
            }
        }
        flushed.forEach(dirty::delete);
    }

    private void purgeIdle(long nowMs) {
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, ViewerSession> all = sessions.all()) {
            while (all.hasNext()) {
                KeyValue<String, ViewerSession> entry = all.next();
                if (entry.value.lastSeenMs() < nowMs - idleLimit.toMillis() && dirty.get(entry.key) == null) {
                    idle.add(entry.key);
                }
            }
        }
        idle.forEach(sessions::delete);
    }
}
