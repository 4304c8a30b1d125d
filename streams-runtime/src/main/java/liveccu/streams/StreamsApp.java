package liveccu.streams;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * One Kafka Streams application as the aggregator and the sessions service run it: the client, the
 * watch on its stream threads and its clean-stop marker, made, judged and closed in one order, so
 * that no caller can, say, build the client before {@link CleanStop} or forget to mark a clean stop.
 */
public final class StreamsApp implements AutoCloseable {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final KafkaStreams streams;
    private final StreamThreadWatch watch;
    private final CleanStop cleanStop;

    private StreamsApp(String name, KafkaStreams streams, StreamThreadWatch watch, CleanStop cleanStop) {
        this.name = name;
        this.streams = streams;
        this.watch = watch;
        this.cleanStop = cleanStop;
    }

    /**
     * Makes the client, not started yet: failed stream threads replaced ({@link StreamsHealth}), its
     * metrics (once running) and its stream threads' polls watched. The state directory and application id come from
     * {@code props} ({@link StreamsSettings} sets them): the marker is where the client keeps its state.
     *
     * @param name        the application in logs and health answers, e.g. {@code Kafka Streams}
     * @param stallLimit  {@link StreamThreadWatch}'s {@code notReadyAfter} (zero: not watched)
     */
    public static StreamsApp create(String name, Topology topology, Properties props, Duration stallLimit,
                                    MeterRegistry registry) {
        CleanStop cleanStop = CleanStop.beforeStreams(Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG)),
                props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), name);
        KafkaStreams streams = new KafkaStreams(topology, props);
        StreamsHealth.replaceFailedThreads(streams, name);
        bindMetricsOnceRunning(streams, registry);
        // A stream thread that stops polling leaves the state RUNNING: watched apart (issue 25).
        StreamThreadWatch watch = StreamThreadWatch.start(streams, name, stallLimit, registry);
        return new StreamsApp(name, streams, watch, cleanStop);
    }

    /**
     * Micrometer's binder reads the client's metrics when bound, then once a minute: bound before the start, the
     * stores' and tasks' metrics (made when the tasks are) stayed out of {@code /metrics} for the first minute.
     * Bound when the client first runs, on a thread of its own (a pass over thousands of metrics takes a while,
     * and the state listener runs on a stream thread).
     */
    private static void bindMetricsOnceRunning(KafkaStreams streams, MeterRegistry registry) {
        AtomicBoolean bound = new AtomicBoolean();
        streams.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING && bound.compareAndSet(false, true)) {
                Thread binder = new Thread(() -> new KafkaStreamsMetrics(streams).bindTo(registry), "bind-streams-metrics");
                binder.setDaemon(true);
                binder.start();
            }
        });
    }

    public void start() {
        streams.start();
    }

    /** Liveness: empty unless only a restart helps (Streams in ERROR, or a stream thread stalled for long). */
    public Optional<String> failedReason() {
        return StreamsHealth.failedReason(streams, name).or(watch::failedReason);
    }

    /** Readiness: empty while running or rebalancing with every stream thread polling. */
    public Optional<String> notReadyReason() {
        return StreamsHealth.notReadyReason(streams, name).or(watch::notReadyReason);
    }

    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Blocks up to 30 s while Streams commits and leaves the group; marks a clean stop when that finished in time. */
    @Override
    public void close() {
        watch.close();
        // Leaving the group hands the tasks over at once; otherwise they wait for the session timeout.
        cleanStop.stopped(streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)));
    }
}
