package liveccu.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import liveccu.ops.config.Env;
import liveccu.sessions.limit.SessionsTopology;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.Test;

/** The limiter runs with the shared Streams settings ({@link liveccu.streams.StreamsSettings}), its own dead-letter topic included. */
class StreamsConfigTest {

    private final StreamsConfig config = new StreamsConfig(
            SessionsService.streamsConfig(SessionsConfig.read(new Env(Map.of()), "127.0.0.1:9092")));

    @Test
    void aCommandNobodyCanDecodeGoesToTheSessionsDeadLetterTopic() {
        assertEquals(LogAndContinueExceptionHandler.class,
                config.getClass(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertEquals(SessionsTopology.DEAD_LETTERS, config.getString(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG));
    }

    @Test
    void decisionsAreForwardedAtOnce() {
        assertEquals(0L, config.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG));
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    }
}
