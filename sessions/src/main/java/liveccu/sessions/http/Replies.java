package liveccu.sessions.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import liveccu.sessions.limit.SessionCommand;
import liveccu.sessions.limit.SessionDecision;
import liveccu.sessions.limit.SessionsTopology;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the limiter over Kafka and waits for its answer: a command goes to the commands topic (keyed
 * by viewer), and this instance follows the decisions topic for the ones addressed to it. Only
 * committed decisions are read, so an answer given is one the limiter's state also kept.
 */
public final class Replies implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

    private final String instanceId;
    private final Duration timeout;
    private final Vertx vertx;
    private final KafkaProducer<String, SessionCommand> producer;
    private final KafkaConsumer<String, SessionDecision> consumer;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread poller;

    private record Waiting(Promise<SessionDecision> promise, Context context) {
    }

    public Replies(Vertx vertx, String bootstrapServers, String instanceId, Duration timeout) {
        this.vertx = vertx;
        this.instanceId = instanceId;
        this.timeout = timeout;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "ccu-sessions-" + instanceId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 0),  // never block the event loop: fail and answer 503
                new StringSerializer(), SessionsTopology.COMMAND_SERDE.serializer());
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "ccu-sessions-replies-" + instanceId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), SessionsTopology.DECISION_SERDE.deserializer());
        this.poller = new Thread(this::run, "ccu-sessions-replies");
        this.poller.setDaemon(true);
    }

    /** Positions on the decisions topic's end before any command is sent, so no answer is missed. */
    public Replies start() {
        List<TopicPartition> partitions = decisionPartitions();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);  // resolve the end now, not lazily at the first poll
        awaitCommandsMetadata();
        poller.start();
        return this;
    }

    /** A topic just created may not be in every broker's metadata yet: ask until it is. */
    private List<TopicPartition> decisionPartitions() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<TopicPartition> partitions = consumer.partitionsFor(SessionsTopology.DECISIONS, Duration.ofSeconds(5)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (!partitions.isEmpty()) {
                return partitions;
            }
        }
        throw new IllegalStateException("topic " + SessionsTopology.DECISIONS + " not found");
    }

    /** Liveness: without its reader this instance can never answer again, so it must be restarted. */
    public Optional<String> failedReason() {
        return running.get() && !poller.isAlive() && poller.getState() != Thread.State.NEW
                ? Optional.of("stopped reading " + SessionsTopology.DECISIONS) : Optional.empty();
    }

    /** The producer never blocks (max.block.ms=0), so fetch the commands topic's metadata now, patiently. */
    private void awaitCommandsMetadata() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                producer.partitionsFor(SessionsTopology.COMMANDS);
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The limiter's decision; fails when Kafka cannot take the command or no answer comes in time. */
    public Future<SessionDecision> ask(SessionCommand command) {
        Promise<SessionDecision> promise = Promise.promise();
        waiting.put(command.requestId(), new Waiting(promise, vertx.getOrCreateContext()));
        long timer = vertx.setTimer(timeout.toMillis(), id -> {
            if (waiting.remove(command.requestId()) != null) {
                promise.tryFail("no decision within " + timeout.toMillis() + " ms");
            }
        });
        try {
            producer.send(new ProducerRecord<>(SessionsTopology.COMMANDS, command.viewerKey(), command), (metadata, error) -> {
                if (error != null && waiting.remove(command.requestId()) != null) {
                    promise.tryFail("Kafka did not take the request: " + error.getClass().getSimpleName());
                }
            });
        } catch (RuntimeException e) {
            waiting.remove(command.requestId());
            promise.tryFail("Kafka cannot take requests now: " + e.getClass().getSimpleName());
        }
        return promise.future().onComplete(done -> vertx.cancelTimer(timer));
    }

    public String instanceId() {
        return instanceId;
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, SessionDecision> record : consumer.poll(Duration.ofMillis(500))) {
                    SessionDecision decision = record.value();
                    if (decision == null || !instanceId.equals(decision.replyTo())) {
                        continue;
                    }
                    Waiting asked = waiting.remove(decision.requestId());
                    if (asked != null) {
                        asked.context().runOnContext(v -> asked.promise().tryComplete(decision));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("stopped reading {}", SessionsTopology.DECISIONS, e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
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
        producer.close(Duration.ofSeconds(5));
    }
}
