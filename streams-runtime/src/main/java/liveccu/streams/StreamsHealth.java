package liveccu.streams;

import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;

/** What a Kafka Streams application's state means for its process: a failed thread replaced, liveness, readiness. */
public final class StreamsHealth {

    private StreamsHealth() {
    }

    /**
     * A stream thread that fails is replaced (its tasks' state is restored from Kafka) rather than left
     * dead; but when stream threads keep failing ({@link ThreadReplacement}: more than 3 in 10 minutes)
     * the client is shut down instead, to ERROR, so that liveness fails and a restart reopens its state.
     *
     * @param name what the application is called in logs and health answers, e.g. {@code Kafka Streams}
     */
    public static void replaceFailedThreads(KafkaStreams streams, String name) {
        streams.setUncaughtExceptionHandler(new ThreadReplacement(name, System::currentTimeMillis));
    }

    /**
     * ERROR is final: only a restart brings the application back, so liveness fails. So does
     * PENDING_ERROR, the way there (a client whose close hangs would otherwise stay live for good).
     */
    public static Optional<String> failedReason(KafkaStreams streams, String name) {
        KafkaStreams.State state = streams.state();
        return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                ? Optional.of(name + " is " + state + " (its stream threads died or kept failing): only a restart brings it back")
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
