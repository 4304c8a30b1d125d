package liveccu.collector.publish;

import java.util.concurrent.CompletionStage;
import liveccu.model.PlayerEvent;

/**
 * Where the playback routes hand accepted player events: {@link IntakePublisher} sends them to
 * {@code ccu.player-events} on the beacons' producer; route tests keep them in memory.
 */
public interface PlayerEventSink {

    /** Completes once Kafka has acknowledged the event; fails with {@link IntakePublisher.KafkaUnavailable} when it cannot take it now. */
    CompletionStage<Void> publish(PlayerEvent event);
}
