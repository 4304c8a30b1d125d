package liveccu.aggregator.qoe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import liveccu.model.PlayerEvent;
import liveccu.model.QoeCount;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each view's state ({@link QoeState}) on the partition that already holds its events (the topic is keyed by
 * playback id), applies each event with the {@link QoeLedger}, and sends the changes to the minutes' and hours'
 * totals on, keyed by {@link QoeCount#key()}. The state write and the changes share one exactly-once transaction.
 * A view silent for {@link #FORGET_AFTER} beyond its open window leaves the store: none of its numbers can change
 * any more (its exit before start, if it is one, was due {@link liveccu.model.QoeRules#IDLE} after its last event),
 * and an event of it after that would start a new view.
 */
final class QoeTracker implements Processor<String, PlayerEvent, String, QoeTracker.Output> {

    private static final Duration PURGE_EVERY = Duration.ofMinutes(10);
    /** How long past its open window a silent view is kept (Mux: a view resumed within an hour is the same view). */
    static final Duration FORGET_AFTER = Duration.ofHours(1);

    /** A change to a minute's or an hour's totals, or an event refused as too late for its view. */
    record Output(QoeCount change, RejectedBeacon rejected) {
    }

    private final QoeLedger ledger;
    private final long idleLimitMs;
    private ProcessorContext<String, Output> context;
    private KeyValueStore<String, QoeState> views;

    QoeTracker(QoeLedger ledger) {
        this.ledger = ledger;
        this.idleLimitMs = ledger.openWindow().plus(FORGET_AFTER).toMillis();
    }

    @Override
    public void init(ProcessorContext<String, Output> context) {
        this.context = context;
        this.views = context.getStateStore(QoeTopology.VIEWS_STORE);
        context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::purgeIdle);
    }

    @Override
    public void process(Record<String, PlayerEvent> record) {
        PlayerEvent event = record.value();
        // playback ids are the players' own: two accounts may use the same one
        String key = event.accountId() + "/" + event.playbackId();
        QoeLedger.Outcome outcome = ledger.apply(views.get(key), event);
        if (outcome instanceof QoeLedger.Counted counted) {
            views.put(key, counted.state());
            for (QoeCount change : counted.changes()) {
                context.forward(new Record<>(change.key(), new Output(change, null), record.timestamp()));
            }
        } else if (outcome instanceof QoeLedger.Settled settled) {
            context.forward(new Record<>(event.playbackId(), new Output(null, tooLate(event, settled.settledBeforeMs())),
                    record.timestamp()));
        }
        // otherwise a duplicate, or nothing to count: nothing written, nothing sent
    }

    static RejectedBeacon tooLate(PlayerEvent event, long settledBeforeMs) {
        return new RejectedBeacon(RejectReason.TOO_LATE.code(), "player event " + event.type() + " of view "
                + event.playbackId() + " at " + event.eventTimeMs() + " is older than the settled part of its view's QoE (before "
                + settledBeforeMs + ")", null, event.receivedAtMs(), "aggregator", null);
    }

    private void purgeIdle(long nowMs) {
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, QoeState> all = views.all()) {
            while (all.hasNext()) {
                KeyValue<String, QoeState> entry = all.next();
                if (entry.value.newestEventMs() < nowMs - idleLimitMs) {
                    idle.add(entry.key);
                }
            }
        }
        idle.forEach(views::delete);
    }
}
