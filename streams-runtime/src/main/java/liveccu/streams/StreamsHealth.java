package liveccu.streams;

import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a Kafka Streams application's state means for its process: a failed thread replaced, liveness, readiness. */
public final class StreamsHealth {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsHealth.class);

    private StreamsHealth() {
    }

    /**
     * A stream thread that fails is replaced (its tasks' state is restored from Kafka) rather than left dead.
     *
     * @param name what the application is called in logs and health answers, e.g. {@code Kafka Streams}
     */
    public static void replaceFailedThreads(KafkaStreams streams, String name) {
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("a stream thread of {} failed; replacing it (state is restored from Kafka)", name, e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /** ERROR is final: only a restart brings the application back, so liveness fails. */
    public static Optional<String> failedReason(KafkaStreams streams, String name) {
        return streams.state() == KafkaStreams.State.ERROR
                ? Optional.of(name + " is in ERROR: every stream thread died")
                : Optional.empty();
    }

    /** Ready while running or rebalancing (a rebalance is brief and normal); not while starting or failed. */
    public static Optional<String> notReadyReason(KafkaStreams streams, String name) {
        KafkaStreams.State state = streams.state();
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING
                ? Optional.empty()
                : Optional.of(name + " is " + state);
    }
}
