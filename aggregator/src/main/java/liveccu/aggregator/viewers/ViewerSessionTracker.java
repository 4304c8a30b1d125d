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
 * session's beacons (they are keyed by session), and publishes it the moment what a report shows
 * changes: a new minute, a new side, new or better viewer data (or an earlier first beacon). A
 * heartbeat that changes none of these writes nothing and sends nothing, so a session costs about
 * one write and one record a minute, and a report is as fresh as the counts (the next commit).
 *
 * <p>The store holds what was last published: the write (its changelog record) and the published
 * record go out in the same exactly-once transaction, so a crash rolls back both or neither, and no
 * "changed since the last flush" marks are needed. Sessions idle longer than the idle limit leave
 * the state store (their last version stays on the compacted topic).
 */
final class ViewerSessionTracker implements Processor<String, Beacon, String, ViewerSession> {

    private static final Duration PURGE_EVERY = Duration.ofMinutes(5);

    private final Duration idleLimit;
    private ProcessorContext<String, ViewerSession> context;
    private KeyValueStore<String, ViewerSession> sessions;

    ViewerSessionTracker(Duration idleLimit) {
        this.idleLimit = idleLimit;
    }

    @Override
    public void init(ProcessorContext<String, ViewerSession> context) {
        this.context = context;
        this.sessions = context.getStateStore(ViewerSessionsTopology.SESSIONS_STORE);
        context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::purgeIdle);
    }

    @Override
    public void process(Record<String, Beacon> record) {
        Beacon beacon = record.value();
        ViewerSession known = sessions.get(beacon.sessionId());
        ViewerSession updated = known == null ? ViewerSession.of(beacon) : known.plus(beacon);
        if (updated.equals(known)) {
            return;
        }
        sessions.put(beacon.sessionId(), updated);
        context.forward(new Record<>(beacon.sessionId(), updated, record.timestamp()));
    }

    private void purgeIdle(long nowMs) {
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, ViewerSession> all = sessions.all()) {
            while (all.hasNext()) {
                KeyValue<String, ViewerSession> entry = all.next();
                if (entry.value.lastSeenMs() < nowMs - idleLimit.toMillis()) {
                    idle.add(entry.key);
                }
            }
        }
        idle.forEach(sessions::delete);
    }
}
