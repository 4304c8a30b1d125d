package liveccu.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.Test;

/** The settings Kafka Streams derives for its clients from {@link StreamsSettings#properties}. */
class StreamsSettingsTest {

    private final StreamsConfig config = new StreamsConfig(new StreamsSettings("app", "127.0.0.1:9092", Path.of("state"), 1,
            Duration.ofMillis(100), 0, "dead-letters").properties());
    private final Map<String, Object> producer = config.getProducerConfigs("producer");

    @Test
    void producersSendOneRequestAtATime() {
        // Why: FirstTransactionsIT (a later batch overtaking a retried one is refused and logged at ERROR).
        assertEquals(1, producer.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION));
    }

    @Test
    void exactlyOnceFromTheEarliestOffset() {
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("earliest", config.getMainConsumerConfigs("group", "consumer", 0).get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG));
    }

    @Test
    void aRecordNobodyCanDecodeGoesToTheDeadLetterTopic() {
        assertEquals(LogAndContinueExceptionHandler.class,
                config.getClass(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertEquals("dead-letters", config.getString(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG));
    }
}
