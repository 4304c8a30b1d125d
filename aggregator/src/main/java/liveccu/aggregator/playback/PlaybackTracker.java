package liveccu.aggregator.playback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import liveccu.model.PlaybackCount;
import liveccu.model.PlaybackRules;
import liveccu.model.PlayerEvent;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import liveccu.model.RetentionCount;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each playback's state ({@link PlaybackState}) on the partition that already holds its events
 * (the topic is keyed by playback id), applies each event with the {@link PlaybackLedger}, and sends the
 * changes to the hours' totals on, keyed by {@link PlaybackCount#key()}, and those to the days' retention
 * buckets, keyed by {@link RetentionCount#key()}. The state write and the changes
 * share one exactly-once transaction. A playback silent for longer than its last 24 h window (and the
 * open window) leaves the store: none of its counts can change any more, and its next play counts anyway.
 */
final class PlaybackTracker implements Processor<String, PlayerEvent, String, PlaybackTracker.Output> {

    private static final Duration PURGE_EVERY = Duration.ofMinutes(10);

    /** A change to an hour's totals, to a day's retention bucket, or an event refused as too late for its playback. */
    record Output(PlaybackCount change, RetentionCount retention, RejectedBeacon rejected) {
    }

    private final PlaybackLedger ledger;
    private final long idleLimitMs;
    private ProcessorContext<String, Output> context;
    private KeyValueStore<String, PlaybackState> playbacks;

    PlaybackTracker(PlaybackLedger ledger) {
        this.ledger = ledger;
        this.idleLimitMs = PlaybackRules.ONCE_PER.plus(ledger.openWindow()).plusHours(1).toMillis();
    }

    @Override
    public void init(ProcessorContext<String, Output> context) {
        this.context = context;
        this.playbacks = context.getStateStore(PlaybackTopology.PLAYBACKS_STORE);
        context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::purgeIdle);
    }

    @Override
    public void process(Record<String, PlayerEvent> record) {
        PlayerEvent event = record.value();
        // playback ids are the players' own: two accounts may use the same one
        String key = event.accountId() + "/" + event.playbackId();
        PlaybackLedger.Outcome outcome = ledger.apply(playbacks.get(key), event);
        if (outcome instanceof PlaybackLedger.Counted counted) {
            playbacks.put(key, counted.state());
            for (PlaybackCount change : counted.changes()) {
                context.forward(new Record<>(change.key(), new Output(change, null, null), record.timestamp()));
            }
            for (RetentionCount change : counted.retention()) {
                context.forward(new Record<>(change.key(), new Output(null, change, null), record.timestamp()));
            }
        } else if (outcome instanceof PlaybackLedger.Settled settled) {
            context.forward(new Record<>(event.playbackId(), new Output(null, null, tooLate(event, settled.settledBeforeMs())),
                    record.timestamp()));
        }
        // otherwise a duplicate, or nothing to count: nothing written, nothing sent
    }

    static RejectedBeacon tooLate(PlayerEvent event, long settledBeforeMs) {
        return new RejectedBeacon(RejectReason.TOO_LATE.code(), "player event " + event.type() + " of playback "
                + event.playbackId() + " at " + event.eventTimeMs() + " is older than the settled part of its playback (before "
                + settledBeforeMs + ")", null, event.receivedAtMs(), "aggregator", null);
    }

    private void purgeIdle(long nowMs) {
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, PlaybackState> all = playbacks.all()) {
            while (all.hasNext()) {
                KeyValue<String, PlaybackState> entry = all.next();
                if (entry.value.newestEventMs() < nowMs - idleLimitMs) {
                    idle.add(entry.key);
                }
            }
        }
        idle.forEach(playbacks::delete);
    }
}
