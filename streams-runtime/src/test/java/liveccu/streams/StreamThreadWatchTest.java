package liveccu.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** {@link StreamThreadWatch} on a fake application: its state, its consumers' last-poll metrics and a clock set by hand. */
class StreamThreadWatchTest {

    private static final String CLIENT = "app-0c1d";
    private static final String THREAD_1 = CLIENT + "-StreamThread-1";
    private static final String THREAD_2 = CLIENT + "-StreamThread-2";

    private KafkaStreams.State state = KafkaStreams.State.RUNNING;
    private final Map<MetricName, Metric> metrics = new HashMap<>();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<String> dumped = new ArrayList<>();
    private final StreamThreadWatch watch = new StreamThreadWatch("Kafka Streams", new StreamThreadWatch.Source() {
        @Override
        public KafkaStreams.State state() {
            return state;
        }

        @Override
        public Map<MetricName, ? extends Metric> metrics() {
            return metrics;
        }
    }, Duration.ofSeconds(60), clock::get, client -> {
        dumped.add(client);
        return "\"" + client + "-StreamThread-1\" WAITING\n";
    });

    @Test
    void threadsThatPollAreReadyAndLive() {
        lastPoll(THREAD_1 + "-consumer", 0.0);
        lastPoll(THREAD_2 + "-consumer", 1.0);
        watch.check();

        assertEquals(Optional.empty(), watch.notReadyReason());
        assertEquals(Optional.empty(), watch.failedReason());
        assertEquals(0.0, watch.stalledSeconds());
    }

    @Test
    void aThreadThatHasNotPolledPastTheLimitMakesTheInstanceNotReadyNamingIt() {
        lastPoll(THREAD_1 + "-consumer", 0.0);
        lastPoll(THREAD_2 + "-consumer", 75.0);
        watch.check();

        assertEquals(Optional.of("stream thread " + THREAD_2 + " of Kafka Streams has not polled Kafka for 75 s:"
                + " its partitions are not being processed"), watch.notReadyReason());
        assertEquals(Optional.empty(), watch.failedReason(), "live until twice the limit");
        assertEquals(75.0, watch.stalledSeconds());
    }

    @Test
    void pastTwiceTheLimitItIsNotLiveEither() {
        lastPoll(THREAD_1 + "-consumer", 75.0);
        watch.check();
        clock.addAndGet(Duration.ofSeconds(50).toMillis()); // the answers count on between checks

        assertEquals(Optional.of("stream thread " + THREAD_1 + " of Kafka Streams has not polled Kafka for 125 s"
                + " (over 120 s): restart the instance"), watch.failedReason());
        assertTrue(watch.notReadyReason().orElseThrow().contains("for 125 s"), watch.notReadyReason().toString());
        assertEquals(125.0, watch.stalledSeconds());
    }

    @Test
    void aThreadThatPollsAgainIsReadyAgain() {
        lastPoll(THREAD_1 + "-consumer", 90.0);
        watch.check();
        lastPoll(THREAD_1 + "-consumer", 0.0);
        watch.check();

        assertEquals(Optional.empty(), watch.notReadyReason());
        assertEquals(0.0, watch.stalledSeconds());
    }

    @Test
    void eachStallIsDumpedOnceWhateverTheChecksDuringIt() {
        lastPoll(THREAD_1 + "-consumer", 61.0);
        watch.check();
        lastPoll(THREAD_1 + "-consumer", 66.0);
        watch.check();
        lastPoll(THREAD_1 + "-consumer", 71.0);
        watch.check();
        assertEquals(List.of(CLIENT), dumped);

        lastPoll(THREAD_1 + "-consumer", 0.0);
        watch.check();
        lastPoll(THREAD_1 + "-consumer", 65.0);
        watch.check();
        assertEquals(List.of(CLIENT, CLIENT), dumped, "a new stall after a recovery is dumped again");
    }

    @Test
    void twoThreadsOfOneClientStallingTogetherDumpItsThreadsOnce() {
        lastPoll(THREAD_1 + "-consumer", 61.0);
        lastPoll(THREAD_2 + "-consumer", 62.0);
        watch.check();

        assertEquals(List.of(CLIENT), dumped);
        assertTrue(watch.notReadyReason().orElseThrow().contains(THREAD_2 + " of"), "the longest stall is named");
    }

    @Test
    void aThreadThatHasNotPolledYetOrWhoseMetricIsAbsentIsNoStall() {
        lastPoll(THREAD_1 + "-consumer", -1.0); // Kafka's value before the first poll
        lastPoll(THREAD_2 + "-consumer", Double.NaN);
        watch.check();
        assertEquals(Optional.empty(), watch.notReadyReason());

        metrics.clear();
        watch.check();
        assertEquals(Optional.empty(), watch.notReadyReason());
        assertEquals(List.of(), dumped);
    }

    @Test
    void onlyTheStreamThreadsMainConsumersAreWatched() {
        lastPoll(THREAD_1 + "-restore-consumer", 500.0); // polled only while restoring
        lastPoll(CLIENT + "-global-consumer", 500.0);
        metrics.put(new MetricName("last-poll-seconds-ago", "admin-client-metrics", "", Map.of("client-id", THREAD_1 + "-consumer")),
                metric(500.0));
        watch.check();

        assertEquals(Optional.empty(), watch.notReadyReason());
    }

    @Test
    void noStallIsReportedUnlessTheApplicationRunsOrRebalances() {
        lastPoll(THREAD_1 + "-consumer", 200.0);
        for (KafkaStreams.State notRunning : List.of(KafkaStreams.State.CREATED, KafkaStreams.State.PENDING_SHUTDOWN,
                KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.ERROR)) {
            state = notRunning;
            watch.check();
            assertEquals(Optional.empty(), watch.notReadyReason(), notRunning.toString());
        }

        state = KafkaStreams.State.REBALANCING;
        watch.check();
        assertTrue(watch.notReadyReason().isPresent(), "a thread that stopped polling mid-rebalance is stalled too");
    }

    @Test
    void theStacksOfAClientsThreadsAreTheWholeStacks() {
        String stacks = StreamThreadWatch.threadsOf(Thread.currentThread().getName());

        assertTrue(stacks.startsWith("\"" + Thread.currentThread().getName() + "\" RUNNABLE\n"), stacks);
        assertTrue(stacks.contains("theStacksOfAClientsThreadsAreTheWholeStacks"), stacks);
        assertTrue(stacks.lines().count() > 10, "not cut after eight frames: " + stacks);
    }

    private void lastPoll(String clientId, double secondsAgo) {
        metrics.put(new MetricName("last-poll-seconds-ago", "consumer-metrics", "", Map.of("client-id", clientId)),
                metric(secondsAgo));
    }

    private static Metric metric(double value) {
        return new Metric() {
            @Override
            public MetricName metricName() {
                return null;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        };
    }
}
