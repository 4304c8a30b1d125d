package liveccu.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import liveccu.ops.config.Env;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The settings Kafka Streams derives for its clients from {@link Aggregator#streamsConfig}. */
class StreamsSettingsTest {

    private final Map<String, Object> producer = new StreamsConfig(
            Aggregator.streamsConfig(AggregatorConfig.read(new Env(Map.of()), "127.0.0.1:9092")))
            .getProducerConfigs("producer");

    @Test
    void producersSendOneRequestAtATime() {
        // Why: FirstTransactionsIT (a later batch overtaking a retried one is refused and logged at ERROR).
        assertEquals(1, producer.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION));
    }
}
