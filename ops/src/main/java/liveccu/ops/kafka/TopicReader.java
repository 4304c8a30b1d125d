package liveccu.ops.kafka;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import liveccu.model.Topic;
import liveccu.ops.http.HealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of a topic and follows it, handing each record (tombstones as null) to its
 * owner on one daemon thread: a compacted topic from its beginning, to materialise it (every
 * instance reads all of it, so instances are independent and can be added freely), or any topic
 * from its end, to hear only what comes next. Only committed records are read.
 *
 * <p>A record that cannot be read (not our format) or used (its owner throws on it, e.g. a record
 * left by an older version) is skipped, logged and counted, rather than ending all reading: one bad
 * record must not freeze what a service serves.
 */
public final class TopicReader<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);

    /** Where reading starts: the whole topic, or only records written after start-up. */
    public enum From { BEGINNING, END }

    /**
     * An owner that keeps what it read on disk together with where it got to, so that a restart
     * reads only what came since. Records are applied one by one, then after every poll the owner
     * makes them durable together with the next positions, atomically: what is on disk is always
     * the topic up to the stored positions, never more or less.
     */
    public interface Checkpointed<V> {

        /**
         * The next offset to read per partition, as stored; partitions not in the map are read from
         * their beginning. {@code topicId} is the topic's id on the cluster: a store built from
         * another topic of that name (deleted and created again, another cluster) is emptied first.
         */
        Map<Integer, Long> positions(String topicId);

        /** One record (a tombstone as null), in order, on the reader's thread. */
        void apply(String key, V value);

        /** After every poll: what was applied since, and these next positions, made durable together. */
        void checkpoint(Map<Integer, Long> next);
    }

    private final Topic<String, V> topic;
    private final From from;
    private final KafkaConsumer<String, V> consumer;
    private final BiConsumer<String, V> apply;
    private final Runnable housekeeping;
    private final Checkpointed<V> checkpointed;
    private final Duration readBack;
    private final String bootstrapServers;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread poller;
    private final CompletableFuture<Void> firstCaughtUp = new CompletableFuture<>();
    private volatile boolean caughtUp;
    private volatile boolean failed;
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong read = new AtomicLong();

    /**
     * @param apply        called for each record, in order, on the reader's thread
     * @param housekeeping called after every poll, on the same thread (e.g. evicting old entries)
     */
    public TopicReader(String bootstrapServers, String clientId, Topic<String, V> topic, From from,
                       BiConsumer<String, V> apply, Runnable housekeeping) {
        this(bootstrapServers, clientId, topic, from, null, apply, housekeeping, null);
    }

    /**
     * Reads a compacted topic from its first record written within the last {@code readBack} (by
     * record timestamp; from its end where none is), then follows it: for an owner that keeps only
     * what changed recently, so that a start does not read the topic's whole retention.
     */
    public TopicReader(String bootstrapServers, String clientId, Topic<String, V> topic, Duration readBack,
                       BiConsumer<String, V> apply, Runnable housekeeping) {
        this(bootstrapServers, clientId, topic, From.BEGINNING, readBack, apply, housekeeping, null);
    }

    /**
     * Reads a compacted topic into {@code owner}'s durable store from where the store got to (from the
     * beginning on a fresh store), then follows it.
     *
     * @param housekeeping called after every checkpoint, on the reader's thread
     */
    public TopicReader(String bootstrapServers, String clientId, Topic<String, V> topic, Checkpointed<V> owner,
                       Runnable housekeeping) {
        this(bootstrapServers, clientId, topic, From.BEGINNING, null, owner::apply, housekeeping, owner);
    }

    /**
     * As {@link #TopicReader(String, String, Topic, Checkpointed, Runnable)}, but a partition the store has no
     * position for is read from its first record written within the last {@code readBack} (by record
     * timestamp; from its end where none is), not from its beginning: for an owner that keeps only a
     * window of a compacted topic that is never deleted, so that a fresh store does not read its whole life.
     */
    public TopicReader(String bootstrapServers, String clientId, Topic<String, V> topic, Checkpointed<V> owner,
                       Duration readBack, Runnable housekeeping) {
        this(bootstrapServers, clientId, topic, From.BEGINNING, readBack, owner::apply, housekeeping, owner);
    }

    private TopicReader(String bootstrapServers, String clientId, Topic<String, V> topic, From from, Duration readBack,
                        BiConsumer<String, V> apply, Runnable housekeeping, Checkpointed<V> checkpointed) {
        this.topic = topic;
        this.from = from;
        this.apply = apply;
        this.housekeeping = housekeeping;
        this.checkpointed = checkpointed;
        this.readBack = readBack;
        this.bootstrapServers = bootstrapServers;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + topic.name(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // A stored position the topic no longer has (compacted or deleted away): its start.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer());
        this.poller = new Thread(this::run, clientId + "-" + topic.name());
        this.poller.setDaemon(true);
    }

    public void bindTo(MeterRegistry registry) {
        new KafkaClientMetrics(consumer).bindTo(registry);
        FunctionCounter.builder("ccu.topic.reader.skipped.records", skipped, AtomicLong::get)
                .description("records that could not be read or used, skipped")
                .tag("topic", topic.name())
                .register(registry);
        FunctionCounter.builder("ccu.topic.reader.records", read, AtomicLong::get)
                .description("records read since start (after a restart from a stored position: only the topic's tail)")
                .tag("topic", topic.name())
                .register(registry);
    }

    public void start() {
        poller.start();
    }

    /** Not ready until everything on the topic at start-up has been read (from the end: positioned there). */
    public Optional<String> notReadyReason() {
        return caughtUp ? Optional.empty() : Optional.of("still reading " + topic.name());
    }

    public CompletionStage<Void> caughtUp() {
        return firstCaughtUp;
    }

    /** Set when reading stopped on an error: the owner can never hear from the topic again. */
    public Optional<String> failedReason() {
        return failed ? Optional.of("stopped reading " + topic.name()) : Optional.empty();
    }

    /** Liveness of a service that serves what {@code readers} read: down once any of them stopped for good. */
    public static HealthCheck allReading(List<? extends TopicReader<?>> readers) {
        return () -> readers.stream().map(TopicReader::failedReason).flatMap(Optional::stream).findFirst();
    }

    /** Readiness of such a service: ready once every reader has caught up. */
    public static HealthCheck allCaughtUp(List<? extends TopicReader<?>> readers) {
        return () -> readers.stream().map(TopicReader::notReadyReason).flatMap(Optional::stream).findFirst();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            consumer.assign(partitions);
            if (checkpointed != null) {
                Map<Integer, Long> stored = checkpointed.positions(topicId());
                List<TopicPartition> fresh = partitions.stream().filter(p -> !stored.containsKey(p.partition())).toList();
                if (readBack == null) {
                    consumer.seekToBeginning(fresh);
                } else {
                    seekToTime(fresh, System.currentTimeMillis() - readBack.toMillis());
                }
                partitions.stream().filter(p -> stored.containsKey(p.partition()))
                        .forEach(p -> consumer.seek(p, stored.get(p.partition())));
            } else if (readBack != null) {
                seekToTime(partitions, System.currentTimeMillis() - readBack.toMillis());
            } else if (from == From.BEGINNING) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            Map<TopicPartition, Long> endAtStart = consumer.endOffsets(partitions);
            while (running.get()) {
                for (ConsumerRecord<String, V> record : pollSkippingUnreadable()) {
                    read.incrementAndGet();
                    try {
                        apply.accept(record.key(), record.value());
                    } catch (RuntimeException e) {
                        skip(new TopicPartition(record.topic(), record.partition()), record.offset(), e);
                    }
                }
                if (checkpointed != null) {
                    Map<Integer, Long> next = new HashMap<>();
                    partitions.forEach(p -> next.put(p.partition(), consumer.position(p)));
                    checkpointed.checkpoint(next);
                }
                if (!caughtUp && endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    firstCaughtUp.complete(null);
                    LOG.info("caught up with {}", topic.name());
                }
                housekeeping.run();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("stopped reading {}", topic.name(), e);
        } finally {
            // Whatever ended the loop (an exception, an Error) while nobody closed the reader is final.
            failed = running.get();
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Each partition to its first record with a timestamp at or after {@code sinceMs}; to its end where none is. */
    private void seekToTime(List<TopicPartition> partitions, long sinceMs) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, sinceMs));
        consumer.offsetsForTimes(times).forEach((partition, found) -> {
            if (found == null) {
                consumer.seekToEnd(List.of(partition));
            } else {
                consumer.seek(partition, found.offset());
            }
        });
    }

    private ConsumerRecords<String, V> pollSkippingUnreadable() {
        try {
            return consumer.poll(Duration.ofMillis(200));
        } catch (RecordDeserializationException e) {
            skip(e.topicPartition(), e.offset(), e);
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return ConsumerRecords.empty();
        }
    }

    /** Logs the first few and then every 10,000th: a topic full of old records must not flood the log. */
    private void skip(TopicPartition partition, long offset, RuntimeException why) {
        long count = skipped.incrementAndGet();
        if (count <= 10 || count % 10_000 == 0) {
            LOG.warn("skipped the record at offset {} of {} ({} skipped so far, all counted in "
                    + "ccu_topic_reader_skipped_records_total): {}", offset, partition, count, why.toString());
        }
    }

    /** The topic's id on the cluster (a topic deleted and created again has a new one). */
    private String topicId() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "ccu-topic-id-" + topic.name()))) {
            return admin.describeTopics(List.of(topic.name())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic.name()).topicId().toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic.name(), e);
        }
    }

    private List<TopicPartition> awaitPartitions() {
        while (running.get()) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(5));
                if (!infos.isEmpty()) {
                    return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.info("waiting for topic {}", topic.name());
            }
        }
        throw new WakeupException();
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            poller.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
