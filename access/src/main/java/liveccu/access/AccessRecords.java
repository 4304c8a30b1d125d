package liveccu.access;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import liveccu.model.Topic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one producer a service uses for its few operator records (keys created and revoked, audit
 * entries, the API's viewer erasures): acknowledged by every replica. Sends are handed to a thread of its own, since a send may
 * wait for metadata: the caller (an event loop) never waits.
 */
public final class AccessRecords implements AutoCloseable {

    private static final Duration MAX_BLOCK = Duration.ofSeconds(5);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);

    private final Producer<String, byte[]> producer;
    private final ExecutorService sender;

    public AccessRecords(String bootstrapServers, String clientId) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis()),
                new StringSerializer(), new ByteArraySerializer());
        this.sender = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, clientId + "-sender");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Completes when Kafka has acknowledged the record; {@code value} null writes a tombstone. */
    public <V> CompletionStage<Void> write(Topic<String, V> topic, String key, V value) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            sender.execute(() -> {
                try {
                    byte[] bytes = value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value);
                    producer.send(new ProducerRecord<>(topic.name(), key, bytes), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.complete(null);
                        } else {
                            acknowledged.completeExceptionally(error);
                        }
                    });
                } catch (RuntimeException e) {
                    acknowledged.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) { // closed
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    @Override
    public void close() {
        sender.shutdown();
        producer.close(Duration.ofSeconds(5));
    }
}
