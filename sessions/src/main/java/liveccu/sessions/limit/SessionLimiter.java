package liveccu.sessions.limit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides every heartbeat, stop and list of one viewer, one at a time (commands are keyed by
 * viewer), against the viewer's sessions in a changelogged store: a start beyond the viewer's limit
 * is refused however many arrive at once, from however many API instances.
 *
 * <p>Expired sessions are dropped when their viewer is next decided on, and by a wall-clock sweep
 * that frees the slots of viewers who went silent.
 */
final class SessionLimiter implements Processor<String, SessionCommand, String, Object> {

    private final SessionRules rules;
    private final SessionMetrics metrics;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ViewerStreams> viewers;

    SessionLimiter(SessionRules rules, SessionMetrics metrics) {
        this.rules = rules;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.viewers = context.getStateStore(SessionsTopology.VIEWERS_STORE);
        context.schedule(rules.heartbeatInterval(), PunctuationType.WALL_CLOCK_TIME, this::sweepExpired);
    }

    @Override
    public void process(Record<String, SessionCommand> record) {
        SessionCommand command = record.value();
        ViewerStreams known = viewers.get(command.viewerKey());
        List<StreamSession> sessions = unexpired(known == null ? List.of() : known.sessions(), command.atMs(), record.timestamp());
        SessionDecision decision = switch (command.type()) {
            case HEARTBEAT -> heartbeat(command, sessions, record.timestamp());
            case STOP -> stop(command, sessions, record.timestamp());
            case LIST -> answer(command, 200, null, null, sessions, null, List.copyOf(sessions));
        };
        if (sessions.isEmpty()) {
            viewers.delete(command.viewerKey());
        } else {
            viewers.put(command.viewerKey(), new ViewerStreams(List.copyOf(sessions)));
        }
        context.forward(new Record<>(command.requestId(), (Object) decision, record.timestamp()), SessionsTopology.DECISIONS_SINK);
    }

    private SessionDecision heartbeat(SessionCommand command, List<StreamSession> sessions, long timestamp) {
        Optional<StreamSession> sameSlot = sessions.stream().filter(s -> s.correlator().equals(command.correlator())).findFirst();
        if (sameSlot.isPresent() && sameSlot.get().stopped()) {
            return answer(command, 403, "SESSION_STOPPED", "this session was stopped: playback must stop", sessions,
                    sameSlot.get().sessionId(), List.of(sameSlot.get()));
        }
        if (sameSlot.isPresent()) {
            StreamSession renewed = sameSlot.get().renewed(command.atMs(), command.video());
            sessions.set(sessions.indexOf(sameSlot.get()), renewed);
            publish(renewed, timestamp);
            return answer(command, 200, null, null, sessions, renewed.sessionId(), List.of());
        }
        List<StreamSession> active = sessions.stream().filter(s -> !s.stopped()).toList();
        if (active.size() >= command.limit()) {
            metrics.refused.increment();
            return answer(command, 403, "MAX_CONCURRENCY", "already " + active.size() + " of " + command.limit()
                    + " streams playing for this viewer", sessions, null, active);
        }
        StreamSession started = new StreamSession(command.requestId(), command.accountId(), command.userId(),
                command.correlator(), command.video(), command.atMs(), command.atMs(), false);
        sessions.add(started);
        publish(started, timestamp);
        metrics.started.increment();
        return answer(command, 200, null, null, sessions, started.sessionId(), List.of());
    }

    private SessionDecision stop(SessionCommand command, List<StreamSession> sessions, long timestamp) {
        Optional<StreamSession> target = sessions.stream().filter(s -> s.sessionId().equals(command.sessionId())).findFirst();
        if (target.isEmpty()) {
            return answer(command, 404, "NOT_FOUND", "no such session for this viewer", sessions, command.sessionId(), List.of());
        }
        if (!target.get().stopped()) {
            StreamSession stopped = target.get().asStopped();
            sessions.set(sessions.indexOf(target.get()), stopped);
            publish(stopped, timestamp);
            metrics.stopped.increment();
        }
        return answer(command, 200, null, null, sessions, command.sessionId(), List.of());
    }

    private static SessionDecision answer(SessionCommand command, int status, String errorCode, String message,
                                          List<StreamSession> sessions, String sessionId, List<StreamSession> shown) {
        int current = (int) sessions.stream().filter(s -> !s.stopped()).count();
        return new SessionDecision(command.requestId(), command.replyTo(), status, errorCode, message, current,
                command.limit(), sessionId, shown);
    }

    /** The sessions still alive at {@code nowMs}, as a mutable list; the expired ones leave the published view. */
    private List<StreamSession> unexpired(List<StreamSession> sessions, long nowMs, long timestamp) {
        List<StreamSession> alive = new ArrayList<>();
        for (StreamSession session : sessions) {
            if (session.expiredAt(nowMs, rules.expiryMs())) {
                retire(session, timestamp);
            } else {
                alive.add(session);
            }
        }
        return alive;
    }

    private void sweepExpired(long nowMs) {
        List<KeyValue<String, ViewerStreams>> changed = new ArrayList<>();
        try (KeyValueIterator<String, ViewerStreams> all = viewers.all()) {
            while (all.hasNext()) {
                KeyValue<String, ViewerStreams> viewer = all.next();
                if (viewer.value.sessions().stream().anyMatch(s -> s.expiredAt(nowMs, rules.expiryMs()))) {
                    changed.add(KeyValue.pair(viewer.key, new ViewerStreams(unexpired(viewer.value.sessions(), nowMs, nowMs))));
                }
            }
        }
        for (KeyValue<String, ViewerStreams> viewer : changed) {
            if (viewer.value.sessions().isEmpty()) {
                viewers.delete(viewer.key);
            } else {
                viewers.put(viewer.key, viewer.value);
            }
        }
    }

    private void retire(StreamSession session, long timestamp) {
        if (!session.stopped()) {
            metrics.expired.increment();
        }
        context.forward(new Record<>(session.sessionId(), null, timestamp), SessionsTopology.STREAM_SESSIONS_SINK);
    }

    private void publish(StreamSession session, long timestamp) {
        context.forward(new Record<>(session.sessionId(), (Object) session, timestamp), SessionsTopology.STREAM_SESSIONS_SINK);
    }
}
