package liveccu.allinone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import liveccu.model.RejectedBeacon;
import liveccu.model.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the rejected-beacons topic from the start, as an operator's consumer would. */
final class RejectedBeacons implements AutoCloseable {

    private final KafkaConsumer<String, RejectedBeacon> consumer;
    private final List<RejectedBeacon> seen = new ArrayList<>();

    RejectedBeacons(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                Topics.REJECTED.keySerde().deserializer(), Topics.REJECTED.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.REJECTED.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Everything read so far, after reading what has arrived since the last call. */
    List<RejectedBeacon> all() {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> seen.add(record.value()));
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
