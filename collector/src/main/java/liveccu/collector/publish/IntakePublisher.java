package liveccu.collector.publish;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import liveccu.model.Beacon;
import liveccu.model.CdnRequest;
import liveccu.model.PlayerEvent;
import liveccu.model.RejectedBeacon;
import liveccu.model.Topic;
import liveccu.model.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands beacons to Kafka without ever blocking the caller.
 *
 * <p>{@link #publish} completes only when the broker has acknowledged the beacon (acks=all,
 * idempotent), and fails at once when Kafka cannot take it: the producer's bounded buffer is full,
 * or the broker is known to be unreachable. The caller turns a failure into a 503, so nothing is
 * accepted and then dropped. A background check (off the hot path) follows the broker's reachability
 * and keeps the beacon topic's metadata warm, so sends never wait for metadata.
 */
public final class IntakePublisher implements BeaconSink, PlayerEventSink, CdnRequestSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IntakePublisher.class);
    private static final Duration HEALTH_CHECK_INTERVAL = Duration.ofMillis(500);

    /** Why Kafka cannot take a beacon now; the message is safe to show to clients. */
    public static final class KafkaUnavailable extends RuntimeException {
        public KafkaUnavailable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /** @param bufferBytes     producer memory for beacons not yet acknowledged; when full, 503
     *  @param deliveryTimeout how long a beacon may wait for the broker's acknowledgement
     *  @param linger          how long the producer waits to fill a batch: every beacon's answer waits too
     *  @param compression     the producer's compression type */
    public record Settings(String bootstrapServers, long bufferBytes, Duration deliveryTimeout, Duration linger,
                           String compression) {
    }

    private final Producer<String, byte[]> producer;
    private final Admin admin;
    private final Serializer<Beacon> beaconSerializer = Topics.BEACONS.valueSerde().serializer();
    private final Serializer<PlayerEvent> playerEventSerializer = Topics.PLAYER_EVENTS.valueSerde().serializer();
    private final Serializer<CdnRequest> cdnRequestSerializer = Topics.CDN_REQUESTS.valueSerde().serializer();
    private final Serializer<RejectedBeacon> rejectedSerializer = Topics.REJECTED.valueSerde().serializer();
    private final ScheduledExecutorService healthChecks;
    private final Consumer<Long> sendLatencyNanos;
    private static final Optional<String> STARTING = Optional.of("not connected to Kafka yet");
    private volatile Optional<String> unavailableReason = STARTING;
    private final CompletableFuture<Void> firstAvailable = new CompletableFuture<>();

    public IntakePublisher(Settings settings, Consumer<Long> sendLatencyNanos) {
        this.sendLatencyNanos = sendLatencyNanos;
        this.producer = new KafkaProducer<>(producerConfig(settings), new StringSerializer(), new ByteArraySerializer());
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "ccu-collector-health",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000));
        this.healthChecks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ccu-collector-kafka-health");
            t.setDaemon(true);
            return t;
        });
        healthChecks.scheduleWithFixedDelay(this::checkKafka, 0, HEALTH_CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Map<String, Object> producerConfig(Settings settings) {
        int requestTimeoutMs = (int) Math.min(settings.deliveryTimeout().toMillis(), 5000);
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "ccu-collector",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, (int) settings.linger().toMillis(),
                ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.compression(),
                ProducerConfig.BUFFER_MEMORY_CONFIG, settings.bufferBytes(),
                // Never block the event loop: a full buffer or unknown metadata fails the send at once.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(settings.deliveryTimeout().toMillis(), requestTimeoutMs + 5));
    }

    /** Completes when Kafka has acknowledged the beacon; fails with {@link KafkaUnavailable} otherwise. */
    @Override
    public CompletionStage<Void> publish(Beacon beacon) {
        return send(Topics.BEACONS, beacon.partitionKey(), beacon, beaconSerializer, "beacon");
    }

    /** Completes when Kafka has acknowledged the player event; fails with {@link KafkaUnavailable} otherwise. */
    @Override
    public CompletionStage<Void> publish(PlayerEvent event) {
        return send(Topics.PLAYER_EVENTS, event.partitionKey(), event, playerEventSerializer, "player event");
    }

    /** Completes when Kafka has acknowledged the CDN log request; fails with {@link KafkaUnavailable} otherwise. */
    @Override
    public CompletionStage<Void> publish(CdnRequest request) {
        return send(Topics.CDN_REQUESTS, request.partitionKey(), request, cdnRequestSerializer, "CDN log line");
    }

    private <V> CompletionStage<Void> send(Topic<String, V> topic, String key, V value, Serializer<V> serializer,
                                           String what) {
        Optional<String> down = unavailableReason;
        if (down.isPresent()) {
            return CompletableFuture.failedFuture(new KafkaUnavailable(down.get(), null));
        }
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        long started = System.nanoTime();
        try {
            producer.send(record(topic, key, value, serializer), (metadata, error) -> {
                if (error == null) {
                    sendLatencyNanos.accept(System.nanoTime() - started);
                    acknowledged.complete(null);
                } else {
                    if (error instanceof RetriableException) {
                        // Refuse at once from now on, until the health check sees Kafka again.
                        updateAvailability(Optional.of("Kafka did not acknowledge beacons in time"));
                    }
                    acknowledged.completeExceptionally(new KafkaUnavailable("Kafka did not acknowledge the " + what + ": "
                            + error.getClass().getSimpleName(), error));
                }
            });
        } catch (RuntimeException e) {
            // BufferExhaustedException, metadata not (yet) known, producer closed: all mean "not now".
            acknowledged.completeExceptionally(new KafkaUnavailable("Kafka cannot take " + what + "s now: "
                    + e.getClass().getSimpleName(), e));
        }
        return acknowledged;
    }

    /**
     * Records a rejected beacon for operators, without waiting for the broker: the sender's 4xx does
     * not depend on it. Returns false when it could not even be handed to the producer.
     */
    @Override
    public boolean recordRejection(RejectedBeacon rejected) {
        try {
            producer.send(record(Topics.REJECTED, null, rejected, rejectedSerializer), (metadata, error) -> {
                if (error != null) {
                    LOG.debug("rejected beacon not recorded: {}", error.toString());
                }
            });
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Exposes the producer's own metrics (batching, errors, buffer use) on the registry. */
    public void bindTo(MeterRegistry registry) {
        new KafkaClientMetrics(producer).bindTo(registry);
    }

    /** Completes the first time Kafka is reachable and the topics are known. */
    public CompletionStage<Void> firstAvailable() {
        return firstAvailable;
    }

    /** Empty when Kafka is reachable and the beacon topic known; else why not. */
    public Optional<String> unavailableReason() {
        return unavailableReason;
    }

    private static <V> ProducerRecord<String, byte[]> record(Topic<String, V> topic, String key, V value,
                                                            Serializer<V> serializer) {
        return new ProducerRecord<>(topic.name(), key, serializer.serialize(topic.name(), value));
    }

    private void checkKafka() {
        Optional<String> reason;
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
            // Asking for partitions keeps a topic in the producer's metadata; with max.block.ms=0
            // it fails at once (and fetches them) when they are not known yet.
            producer.partitionsFor(Topics.BEACONS.name());
            producer.partitionsFor(Topics.REJECTED.name());
            producer.partitionsFor(Topics.PLAYER_EVENTS.name());
            producer.partitionsFor(Topics.CDN_REQUESTS.name());
            reason = Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            reason = Optional.of("Kafka unreachable or topics not known yet (" + e.getClass().getSimpleName() + ")");
        }
        updateAvailability(reason);
    }

    /** Logs transitions only, however often it is called. */
    private synchronized void updateAvailability(Optional<String> reason) {
        if (reason.isEmpty() && unavailableReason.isPresent()) {
            LOG.info("Kafka is reachable: accepting beacons");
        } else if (reason.isPresent() && unavailableReason.isEmpty()) {
            LOG.warn("{}: answering beacons with 503 until it is back", reason.get());
        }
        unavailableReason = reason;
        if (reason.isEmpty()) {
            firstAvailable.complete(null);
        }
    }

    /** Stops health checks, then waits (bounded) for beacons in flight to be acknowledged. */
    @Override
    public void close() {
        healthChecks.shutdownNow();
        producer.close(Duration.ofSeconds(10));
        admin.close(Duration.ofSeconds(2));
    }
}
