package liveccu.api.query;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import liveccu.model.Audience;
import liveccu.model.MinuteCount;
import liveccu.model.Topics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-minute counts this API instance serves, materialised in memory from the compacted results
 * topic. Every API instance reads the whole topic (it is small: one record per audience and minute), so
 * instances are independent and can be added freely. Only committed results are read.
 */
public final class MinuteCountsView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MinuteCountsView.class);

    private final KafkaConsumer<String, MinuteCount> consumer;
    private final Duration history;
    private final Clock clock;
    private final Map<String, ConcurrentNavigableMap<Long, MinuteCount>> byAudience = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread poller;
    private volatile boolean caughtUp;
    private final java.util.concurrent.CompletableFuture<Void> firstCaughtUp = new java.util.concurrent.CompletableFuture<>();
    private long nextEvictionMs;

    /** @param history how far back results are kept in memory and can be queried */
    public MinuteCountsView(String bootstrapServers, Duration history, Clock clock) {
        this.history = history;
        this.clock = clock;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "ccu-api-view",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                Topics.MINUTE_COUNTS.keySerde().deserializer(), Topics.MINUTE_COUNTS.valueSerde().deserializer());
        this.poller = new Thread(this::run, "ccu-api-view");
        this.poller.setDaemon(true);
    }

    public void bindTo(MeterRegistry registry) {
        new KafkaClientMetrics(consumer).bindTo(registry);
    }

    public MinuteCountsView start() {
        poller.start();
        return this;
    }

    /** Not ready until everything on the results topic at start-up has been read. */
    public Optional<String> notReadyReason() {
        return caughtUp ? Optional.empty() : Optional.of("still reading " + Topics.MINUTE_COUNTS.name());
    }

    /** Completes once everything on the results topic at start-up has been read. */
    public java.util.concurrent.CompletionStage<Void> caughtUp() {
        return firstCaughtUp;
    }

    public Duration history() {
        return history;
    }

    /** Minutes of an audience with {@code fromMs <= minute < toMs} and any count above zero, newest first. */
    public List<MinuteCount> range(Audience audience, long fromMs, long toMs) {
        ConcurrentNavigableMap<Long, MinuteCount> minutes = byAudience.get(audience.key());
        if (minutes == null || fromMs >= toMs) {
            return List.of();
        }
        List<MinuteCount> result = new ArrayList<>();
        for (MinuteCount count : minutes.subMap(fromMs, true, toMs, false).descendingMap().values()) {
            if (count.ssccu() > 0 || count.csccu() > 0) {
                result.add(count);
            }
        }
        return result;
    }

    /**
     * The latest minute of every audience of one kind seen since {@code sinceMs}, most recently active
     * first; for {@link Audience.Kind#TRACKING_IN_JOB}, only those of {@code jobId}.
     */
    public List<MinuteCount> latest(Audience.Kind kind, String jobId, long sinceMs) {
        List<MinuteCount> result = new ArrayList<>();
        byAudience.forEach((key, minutes) -> {
            Map.Entry<Long, MinuteCount> last = minutes.lastEntry();
            if (last == null || last.getKey() < sinceMs) {
                return;
            }
            Audience audience = Audience.fromKey(key);
            if (audience.kind() == kind && (jobId == null || jobId.equals(audience.jobId()))) {
                result.add(last.getValue());
            }
        });
        result.sort(Comparator.comparingLong(MinuteCount::minuteStartMs).reversed().thenComparing(MinuteCount::audience));
        return result;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endAtStart = consumer.endOffsets(partitions);
            while (running.get()) {
                for (ConsumerRecord<String, MinuteCount> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                if (!caughtUp && endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    firstCaughtUp.complete(null);
                    LOG.info("results view caught up: {} jobs, accounts and tracking ids in the last {}", byAudience.size(), history);
                }
                evictOldMinutes();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("results view stopped reading {}", Topics.MINUTE_COUNTS.name(), e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private List<TopicPartition> awaitPartitions() {
        while (running.get()) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(Topics.MINUTE_COUNTS.name(), Duration.ofSeconds(5));
                if (!infos.isEmpty()) {
                    return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.info("waiting for topic {}", Topics.MINUTE_COUNTS.name());
            }
        }
        throw new WakeupException();
    }

    private void apply(ConsumerRecord<String, MinuteCount> record) {
        MinuteCount count = record.value();
        if (count == null) {
            forget(record.key());
            return;
        }
        if (count.minuteStartMs() < clock.millis() - history.toMillis()) {
            return;
        }
        byAudience.computeIfAbsent(count.audience(), audience -> new ConcurrentSkipListMap<>()).put(count.minuteStartMs(), count);
    }

    /** A tombstone on the compacted topic: the operator deleted that minute. */
    private void forget(String key) {
        if (key == null || key.lastIndexOf('/') < 0) {
            return;
        }
        var minutes = byAudience.get(MinuteCount.audienceOfKey(key));
        if (minutes != null) {
            try {
                minutes.remove(MinuteCount.minuteOfKey(key));
            } catch (NumberFormatException e) {
                LOG.debug("ignoring tombstone with unknown key {}", key);
            }
        }
    }

    private void evictOldMinutes() {
        long now = clock.millis();
        if (now < nextEvictionMs) {
            return;
        }
        nextEvictionMs = now + 60_000;
        long oldest = now - history.toMillis();
        byAudience.values().forEach(minutes -> minutes.headMap(oldest).clear());
        byAudience.values().removeIf(Map::isEmpty);
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
