package liveccu.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import liveccu.kafka.EmbeddedKafkaBroker;
import liveccu.ops.config.Env;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.filter.ThresholdFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregator's first transactions on a brand-new embedded broker log no ERROR.
 *
 * <p>A cold start used to log ~20 "ERROR ReplicaManager … OutOfOrderSequenceException": with
 * transactions v2, while the previous transaction's markers are still being written, the first
 * produce request of the next transaction is answered CONCURRENT_TRANSACTIONS and retried, and a
 * later request of the same producer carrying the partition's next batch overtook it. Here a
 * transactional producer configured exactly as Kafka Streams configures the aggregator's producers
 * runs its first transactions as the aggregator does — several full batches per partition, offsets
 * committed in the transaction, the next transaction begun as soon as the last one commits.
 *
 * <p>The overtaking needs a slow commit (over the broker's wait for it), which a fast machine rarely
 * gives: this test proves a clean start, while {@link StreamsSettingsTest} pins the setting that
 * rules the overtaking out.
 */
class FirstTransactionsIT {

    private static final String TOPIC = "first-transactions";
    private static final int PARTITIONS = 6;
    private static final int TRANSACTIONS = 10;
    /** 64 records of 1 KiB fill the producer's 16 KiB batches four times over: several requests per partition. */
    private static final int RECORDS_PER_PARTITION = 64;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    @Test
    void firstTransactionsOnAFreshBrokerLogNoError() throws Exception {
        try (ErrorEvents errors = new ErrorEvents();
             EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), 0).start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
            }

            runTransactions(broker.bootstrapServers());

            assertEquals(TRANSACTIONS * PARTITIONS * RECORDS_PER_PARTITION, readCommitted(broker.bootstrapServers()),
                    "committed records");
            assertEquals(List.of(), errors.lines(), "ERROR events while the first transactions ran");
        }
    }

    private void runTransactions(String bootstrapServers) {
        AggregatorConfig config = AggregatorConfig.read(
                new Env(Map.of("CCU_STATE_DIR", dataDir.resolve("streams").toString())), bootstrapServers);
        Map<String, Object> producerConfig = new StreamsConfig(Aggregator.streamsConfig(config)).getProducerConfigs(TOPIC);
        producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TOPIC);
        byte[] value = new byte[1024];
        ConsumerGroupMetadata group = new ConsumerGroupMetadata(TOPIC);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            for (int transaction = 0; transaction < TRANSACTIONS; transaction++) {
                producer.beginTransaction();
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                        producer.send(new ProducerRecord<>(TOPIC, partition, null, value));
                    }
                }
                producer.sendOffsetsToTransaction(
                        Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(transaction)), group);
                producer.commitTransaction();
            }
        }
    }

    /** Reads the topic from the start until the expected count is reached or the time is up. */
    private static int readCommitted(String bootstrapServers) {
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int expected = TRANSACTIONS * PARTITIONS * RECORDS_PER_PARTITION;
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).toList());
            consumer.seekToBeginning(consumer.assignment());
            int read = 0;
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (read < expected && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            return read;
        }
    }

    /** Every event logged at ERROR or above, by any logger, while open. */
    private static final class ErrorEvents extends AbstractAppender implements AutoCloseable {

        private final List<String> lines = new ArrayList<>();
        private final LoggerContext context = (LoggerContext) LogManager.getContext(false);

        ErrorEvents() {
            super("error-events", ThresholdFilter.createFilter(Level.ERROR, Filter.Result.ACCEPT, Filter.Result.DENY),
                    null, true, Property.EMPTY_ARRAY);
            start();
            context.getConfiguration().getRootLogger().addAppender(this, Level.ERROR, null);
            context.updateLoggers();
        }

        @Override
        public void append(LogEvent event) {
            Throwable thrown = event.getThrown();
            synchronized (lines) {
                lines.add(event.getLoggerName() + " " + event.getMessage().getFormattedMessage()
                        + (thrown == null ? "" : " " + thrown));
            }
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        @Override
        public void close() {
            context.getConfiguration().getRootLogger().removeAppender(getName());
            context.updateLoggers();
            stop();
        }
    }
}
