package liveccu.sessions.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import liveccu.model.Topic;
import liveccu.ops.kafka.TopicReader;
import liveccu.sessions.limit.SessionCommand;
import liveccu.sessions.limit.SessionDecision;
import liveccu.sessions.limit.SessionsTopology;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Asks the limiter over Kafka and waits for its answer: a command goes to the commands topic (keyed
 * by viewer), and this instance follows the decisions topic for the ones addressed to it. Only
 * committed decisions are read, so an answer given is one the limiter's state also kept.
 */
public final class Replies implements LimiterClient, AutoCloseable {

    private static final Topic<String, SessionDecision> DECISIONS =
            new Topic<>(SessionsTopology.DECISIONS, Serdes.String(), SessionsTopology.DECISION_SERDE);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String instanceId;
    private final Duration timeout;
    private final Vertx vertx;
    private final KafkaProducer<String, SessionCommand> producer;
    private final TopicReader<SessionDecision> decisions;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

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
        this.decisions = new TopicReader<>(bootstrapServers, "ccu-sessions-replies-" + instanceId, DECISIONS,
                TopicReader.From.END, (requestId, decision) -> answer(decision), () -> { });
    }

    /** Positions on the decisions topic's end before any command is sent, so no answer is missed. Blocking. */
    public Replies start() throws Exception {
        decisions.start();
        decisions.caughtUp().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        awaitCommandsMetadata();
        return this;
    }

    /** Liveness: without its reader this instance can never answer again, so it must be restarted. */
    public Optional<String> failedReason() {
        return decisions.failedReason();
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
    @Override
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

    @Override
    public String instanceId() {
        return instanceId;
    }

    private void answer(SessionDecision decision) {
        if (decision == null || !instanceId.equals(decision.replyTo())) {
            return;
        }
        Waiting asked = waiting.remove(decision.requestId());
        if (asked != null) {
            asked.context().runOnContext(v -> asked.promise().tryComplete(decision));
        }
    }

    @Override
    public void close() {
        decisions.close();
        producer.close(Duration.ofSeconds(5));
    }
}
