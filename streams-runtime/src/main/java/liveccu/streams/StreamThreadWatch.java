package liveccu.streams;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a stream thread that has stopped polling Kafka while the application says it is running:
 * its partitions are then not processed, yet {@link StreamsHealth} sees nothing wrong (issue 25: a
 * thread blocked for 5.5 minutes in Kafka Streams' handling of corrupted tasks).
 *
 * <p>Every few seconds, off the event loop, it reads each stream thread's main-consumer metric
 * {@code last-poll-seconds-ago}. A thread that has not polled for longer than {@code notReadyAfter}
 * while the application is RUNNING or REBALANCING makes the instance not ready, with a reason naming
 * the thread; past twice that, not live, so that an orchestrator restarts it (its state comes back
 * from Kafka) before Kafka's own poll timeout (max.poll.interval.ms, 5 minutes) even notices. Each
 * stall is logged once at WARN with the stacks of the client's threads (the stream thread, its state
 * updater, its producer's network thread…): where it blocks. A restore or a rebalance is no stall:
 * the stream thread keeps polling through both (restoration runs on the state updater thread), and a
 * thread that has not polled yet (the metric is -1, NaN or absent) is not stalled either.
 */
public final class StreamThreadWatch implements AutoCloseable {

    /** The setting, read by the aggregator and the sessions service: {@code notReadyAfter}, in seconds. */
    public static final String SETTING = "CCU_STREAM_STALL_SECONDS";
    /**
     * Its default: far beyond a healthy poll loop (well under a second) and beyond the producer's and the
     * consumer's own waits (request timeout 30 s, max.block.ms 60 s), so that liveness, at twice this,
     * fails before Kafka's poll timeout (5 minutes) drops the thread from the group.
     */
    public static final Duration DEFAULT_NOT_READY_AFTER = Duration.ofSeconds(60);
    public static final Duration MAX_NOT_READY_AFTER = Duration.ofHours(1);
    /** How often the metrics are read. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(StreamThreadWatch.class);
    /** A stream thread's main consumer, {@code <client>-StreamThread-<n>-consumer}: not its restore consumer, nor the global one. */
    private static final Pattern MAIN_CONSUMER = Pattern.compile("((.+)-StreamThread-\\d+)-consumer");

    /** What is watched: the application's state and its clients' metrics. */
    interface Source {
        KafkaStreams.State state();

        Map<MetricName, ? extends Metric> metrics();
    }

    private final String name;
    private final Source source;
    private final Duration notReadyAfter;
    private final Duration notLiveAfter;
    private final LongSupplier clock;
    /** The stacks of a client's threads, given its client id (a stream thread's name less {@code -StreamThread-n}). */
    private final UnaryOperator<String> stacks;
    /** Stalled thread → when it last polled (clock millis), as of the last check. */
    private volatile Map<String, Long> stalled = Map.of();
    private ScheduledExecutorService checks;

    StreamThreadWatch(String name, Source source, Duration notReadyAfter, LongSupplier clock, UnaryOperator<String> stacks) {
        this.name = name;
        this.source = source;
        this.notReadyAfter = notReadyAfter;
        this.notLiveAfter = notReadyAfter.multipliedBy(2);
        this.clock = clock;
        this.stacks = stacks;
    }

    /**
     * Watches {@code streams} from now on (a daemon thread checks every few seconds) and registers
     * the gauge {@code ccu_stream_thread_stalled_seconds}.
     *
     * @param name          the application in logs and health answers, e.g. {@code Kafka Streams}
     * @param notReadyAfter how long a stream thread may go without polling before the instance is not
     *                      ready (not live after twice that); zero turns the watch off
     */
    public static StreamThreadWatch start(KafkaStreams streams, String name, Duration notReadyAfter, MeterRegistry registry) {
        StreamThreadWatch watch = new StreamThreadWatch(name, new Source() {
            @Override
            public KafkaStreams.State state() {
                return streams.state();
            }

            @Override
            public Map<MetricName, ? extends Metric> metrics() {
                return streams.metrics();
            }
        }, notReadyAfter, System::currentTimeMillis, StreamThreadWatch::threadsOf);
        Gauge.builder("ccu_stream_thread_stalled_seconds", watch, StreamThreadWatch::stalledSeconds)
                .description("how long the longest-stalled stream thread has not polled Kafka, once past its limit (0: all poll)")
                .register(registry);
        if (!notReadyAfter.isZero()) {
            watch.checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "stream-thread-watch");
                thread.setDaemon(true);
                return thread;
            });
            watch.checks.scheduleWithFixedDelay(watch::checkSafely, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return watch;
    }

    /** Empty unless a stream thread has not polled for longer than the limit. */
    public Optional<String> notReadyReason() {
        return longest().map(stall -> "stream thread " + stall.getKey() + " of " + name + " has not polled Kafka for "
                + seconds(stall.getValue()) + " s: its partitions are not being processed");
    }

    /** Empty unless a stream thread has not polled for longer than twice the limit: then only a restart helps. */
    public Optional<String> failedReason() {
        return longest().filter(stall -> clock.getAsLong() - stall.getValue() > notLiveAfter.toMillis())
                .map(stall -> "stream thread " + stall.getKey() + " of " + name + " has not polled Kafka for "
                        + seconds(stall.getValue()) + " s (over " + notLiveAfter.toSeconds() + " s): restart the instance");
    }

    /** The gauge: how long the longest-stalled thread has gone without polling, 0 when none is stalled. */
    double stalledSeconds() {
        return longest().map(stall -> (double) seconds(stall.getValue())).orElse(0.0);
    }

    private Optional<Map.Entry<String, Long>> longest() {
        return stalled.entrySet().stream().min(Map.Entry.comparingByValue());
    }

    private long seconds(long lastPoll) {
        return (clock.getAsLong() - lastPoll) / 1000;
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            // An exception would cancel the schedule: the watch would go blind.
            LOG.warn("could not check the stream threads of {}", name, e);
        }
    }

    /** Reads the metrics once: which threads are stalled now; a WARN with the stacks for each new stall. */
    void check() {
        KafkaStreams.State state = source.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            stalled = Map.of(); // starting, shutting down or failed: StreamsHealth answers for those
            return;
        }
        long now = clock.getAsLong();
        Map<String, Long> stalledNow = new HashMap<>();
        for (Map.Entry<MetricName, ? extends Metric> metric : source.metrics().entrySet()) {
            MetricName id = metric.getKey();
            if (!id.name().equals("last-poll-seconds-ago") || !id.group().equals("consumer-metrics")) {
                continue;
            }
            Matcher consumer = MAIN_CONSUMER.matcher(id.tags().getOrDefault("client-id", ""));
            if (consumer.matches() && metric.getValue().metricValue() instanceof Number value
                    && value.doubleValue() * 1000 > notReadyAfter.toMillis()) { // NaN and -1 (never polled) are no stall
                stalledNow.put(consumer.group(1), now - (long) (value.doubleValue() * 1000));
            }
        }
        Set<String> clientsDumped = new HashSet<>();
        stalledNow.keySet().stream().filter(thread -> !stalled.containsKey(thread)).sorted().forEach(thread -> {
            String client = thread.substring(0, thread.lastIndexOf("-StreamThread-"));
            LOG.warn("stream thread {} of {} has not polled Kafka for {} s (limit {} s): not ready{}", thread, name,
                    (now - stalledNow.get(thread)) / 1000, notReadyAfter.toSeconds(), clientsDumped.add(client)
                            ? "; the threads of its client now:\n" + stacks.apply(client)
                            : " (its client's threads are in the warning above)");
        });
        stalled.keySet().stream().filter(thread -> !stalledNow.containsKey(thread)).sorted().forEach(thread ->
                LOG.info("stream thread {} of {} polls Kafka again", thread, name));
        stalled = Map.copyOf(stalledNow);
    }

    /** The stacks of the threads whose name contains {@code client}, with the locks they wait for and hold. */
    static String threadsOf(String client) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StringBuilder text = new StringBuilder();
        for (ThreadInfo thread : threads.dumpAllThreads(threads.isObjectMonitorUsageSupported(),
                threads.isSynchronizerUsageSupported())) {
            if (thread != null && thread.getThreadName().contains(client)) {
                appendStack(text, thread);
            }
        }
        return text.toString();
    }

    /** Like {@link ThreadInfo#toString()}, without its cut after eight frames. */
    private static void appendStack(StringBuilder text, ThreadInfo thread) {
        text.append('"').append(thread.getThreadName()).append("\" ").append(thread.getThreadState());
        if (thread.getLockName() != null) {
            text.append(" on ").append(thread.getLockName());
        }
        if (thread.getLockOwnerName() != null) {
            text.append(" owned by \"").append(thread.getLockOwnerName()).append('"');
        }
        text.append('\n');
        StackTraceElement[] frames = thread.getStackTrace();
        for (int i = 0; i < frames.length; i++) {
            text.append("\tat ").append(frames[i]).append('\n');
            for (MonitorInfo monitor : thread.getLockedMonitors()) {
                if (monitor.getLockedStackDepth() == i) {
                    text.append("\t- locked ").append(monitor).append('\n');
                }
            }
        }
        for (LockInfo lock : thread.getLockedSynchronizers()) {
            text.append("\t- holds ").append(lock).append('\n');
        }
        text.append('\n');
    }

    @Override
    public void close() {
        if (checks != null) {
            checks.shutdownNow();
        }
    }
}
