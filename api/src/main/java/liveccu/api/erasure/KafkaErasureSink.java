package liveccu.api.erasure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import liveccu.model.Topics;
import liveccu.model.ViewerErasure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes erasures to {@code ccu.viewer-erasures}, keyed by session with the producer's default
 * partitioner, exactly as the collector writes beacons: the same key on a topic with the same
 * partitions lands on the same partition, where the aggregator holds the session.
 */
public final class KafkaErasureSink implements ErasureSink, AutoCloseable {

    private final Producer<String, ViewerErasure> producer;

    public KafkaErasureSink(String bootstrapServers) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "ccu-api-erasures",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // An operator is waiting: a broker away this long is a 503 to retry, not a hung request.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000),
                Topics.VIEWER_ERASURES.keySerde().serializer(), Topics.VIEWER_ERASURES.valueSerde().serializer());
    }

    @Override
    public CompletionStage<Void> publish(List<ViewerErasure> erasures) {
        return CompletableFuture.allOf(erasures.stream().map(this::send).toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> send(ViewerErasure erasure) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(Topics.VIEWER_ERASURES.name(), erasure.partitionKey(), erasure),
                    (metadata, error) -> {
                        if (error == null) {
                            acknowledged.complete(null);
                        } else {
                            acknowledged.completeExceptionally(error);
                        }
                    });
        } catch (RuntimeException e) {
            // metadata not known in time, buffer full, producer closed: all "not now"
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    @Override
    public void close() {
        producer.close();
    }
}
