package liveccu.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * The settings every Kafka Streams application of ours runs with (the aggregator, the sessions
 * service's limiter); an application adds only its own (threads, RocksDB memory) to {@link #properties()}.
 *
 * @param applicationId    the application (consumer group, internal topics' prefix)
 * @param bootstrapServers Kafka
 * @param stateDir         this instance's own state directory (never shared by two instances)
 * @param replication      of the internal topics (changelogs, repartition topics)
 * @param commitInterval   how often a transaction commits: results wait for it
 * @param cacheBytes       the record cache of all stores (0: forward every change at once)
 * @param deadLetterTopic  where records nobody can decode go, as they were
 */
public record StreamsSettings(String applicationId, String bootstrapServers, Path stateDir, int replication,
                              Duration commitInterval, long cacheBytes, String deadLetterTopic) {

    @SuppressWarnings("deprecation") // the global-handler switch: deprecated because 5.0 makes it the default
    public Properties properties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // A restart or a rebalance must never count a record twice, nor grant a session slot twice:
        // a result and the state it changed are committed together.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // One produce request at a time, so a transaction's batches for a partition reach the broker in
        // order: with transactions v2 a later batch arriving first is refused (OutOfOrderSequence, logged
        // at ERROR by the broker) and retried. docs/operations.md, "A clean start".
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cacheBytes);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replication);
        // A record nobody can decode goes to the dead-letter topic instead of stopping the application.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return props;
    }
}
