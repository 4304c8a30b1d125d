package liveccu.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import liveccu.ops.config.ConfigException;
import liveccu.ops.config.Env;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** What decides how fast another instance takes a dead aggregator's tasks over (docs/operations-failover.md). */
class FailoverSettingsTest {

    private static StreamsConfig streams(Map<String, String> env) {
        return new StreamsConfig(Aggregator.streamsConfig(AggregatorConfig.read(new Env(env), "127.0.0.1:9092")));
    }

    @Test
    void byDefaultNoStandbyAndKafkasSessionTimeout() {
        StreamsConfig config = streams(Map.of());
        Map<String, Object> consumer = config.getMainConsumerConfigs("group", "client", 0);
        assertEquals(0, config.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
        assertEquals(45_000, consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
        assertEquals(3_000, consumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
    }

    @Test
    void standbyReplicasAndAShorterSessionTimeoutAreSettings() {
        StreamsConfig config = streams(Map.of("CCU_STANDBY_REPLICAS", "1", "CCU_AGGREGATOR_SESSION_TIMEOUT_MS", "6000"));
        Map<String, Object> consumer = config.getMainConsumerConfigs("group", "client", 0);
        assertEquals(1, config.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
        assertEquals(6_000, consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
        assertEquals(2_000, consumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "a third of the session timeout");
    }

    @Test
    void aSessionTimeoutTheBrokersRefuseIsAConfigurationError() {
        Env env = new Env(Map.of("CCU_AGGREGATOR_SESSION_TIMEOUT_MS", "5000"));
        AggregatorConfig.read(env, "127.0.0.1:9092");
        ConfigException error = assertThrows(ConfigException.class, env::failIfInvalid);
        assertTrue(error.getMessage().contains("CCU_AGGREGATOR_SESSION_TIMEOUT_MS=5000"), error.getMessage());
    }
}
