package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import liveccu.model.Beacon;
import liveccu.model.Topics;
import liveccu.ops.config.Env;
import liveccu.simulator.Simulation;
import liveccu.simulator.send.BeaconSender;
import liveccu.simulator.traffic.TrafficPlan;
import liveccu.simulator.truth.Comparison;
import liveccu.simulator.truth.CountsReader;
import liveccu.testsupport.Eventually;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two collectors, two aggregators and two APIs on one broker, half of them in their own JVMs. While
 * realistic traffic flows, a collector and an aggregator are killed (SIGKILL) and the aggregator is
 * started again: every beacon that got a 2xx is counted exactly once, and both APIs agree.
 */
class CrashAndScaleOutIT {

    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;
    LocalSystem system;
    Map<String, String> childEnv;

    @BeforeEach
    void startSystem() throws Exception {
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dir));
        env.put("CCU_STREAM_THREADS", "1");
        env.put("CCU_TOPIC_PARTITIONS", Integer.toString(PARTITIONS));
        system = LocalSystem.start(new Env(env));
        childEnv = new HashMap<>(env);
        childEnv.put("KAFKA_BOOTSTRAP_SERVERS", system.broker().orElseThrow().bootstrapServers());
        childEnv.put("CCU_COLLECTOR_EVENT_LOOPS", "1");
        childEnv.put("CCU_API_STATE_DIR", dir.resolve("child-api-state").toString());  // never the in-process API's
    }

    @AfterEach
    void stopSystem() {
        system.close();
    }

    @Test
    void crashesAndRebalancesWhileTrafficFlowsChangeNoCount() throws Exception {
        Map<String, String> aggregatorEnv = new HashMap<>(childEnv);
        aggregatorEnv.put("CCU_STATE_DIR", dir.resolve("child-aggregator-state").toString());
        ChildService aggregator = ChildService.start("liveccu.aggregator.AggregatorMain", "CCU_AGGREGATOR_PORT",
                aggregatorEnv, dir.resolve("aggregator.log"));
        ChildService collector = ChildService.start("liveccu.collector.CollectorMain", "CCU_COLLECTOR_PORT",
                childEnv, dir.resolve("collector.log"));
        try (ChildService api = ChildService.start("liveccu.api.ApiMain", "CCU_API_PORT", childEnv, dir.resolve("api.log"))) {
            TrafficPlan plan = new TrafficPlan(99, 3, 40, 5, Duration.ofMinutes(6), Duration.ofSeconds(5),
                    Duration.ofSeconds(30), 0.25, 0.05, 0.05, Duration.ofSeconds(5), 3, 5);
            var sender = new BeaconSender.Settings(List.of(local(system.collectorPort()), local(collector.port())),
                    "acc", null, 16, 64, 1000, Duration.ZERO);
            Simulation simulation = new Simulation(plan, sender, reader(system.apiPort()), Duration.ofMinutes(30));

            var sending = simulation.send();
            Eventually.await(Duration.ofSeconds(60), "a quarter of the traffic accepted", simulation::accepted, n -> n > 3_000);
            aggregator.kill();
            collector.kill();
            Eventually.await(Duration.ofSeconds(60), "half of the traffic accepted", simulation::accepted, n -> n > 6_000);
            aggregator = ChildService.start("liveccu.aggregator.AggregatorMain", "CCU_AGGREGATOR_PORT",
                    aggregatorEnv, dir.resolve("aggregator-restarted.log"));
            BeaconSender.Report report = sending.get(5, TimeUnit.MINUTES);

            assertEquals(0, report.refused());
            assertEquals(report.planned(), report.accepted(), "every beacon accepted in the end, retried past the crash");
            Comparison throughThisApi = simulation.verify(reader(system.apiPort()), Duration.ofSeconds(90));
            assertTrue(throughThisApi.exact(), () -> "mismatches: " + throughThisApi.mismatches());
            Comparison throughTheOtherApi = simulation.verify(reader(api.port()), Duration.ofSeconds(30));
            assertTrue(throughTheOtherApi.exact(), () -> "second API: " + throughTheOtherApi.mismatches());
        } finally {
            aggregator.close();
        }
    }

    @Test
    void oneHotJobIsSpreadOverEveryPartition() throws Exception {
        TrafficPlan plan = new TrafficPlan(5, 2, 20, 10, Duration.ofMinutes(3), Duration.ofSeconds(10),
                Duration.ofSeconds(30), 0, 0, 0, Duration.ZERO, 0, 0);
        var sender = new BeaconSender.Settings(List.of(local(system.collectorPort())), "acc", null, 8, 64, 0, Duration.ZERO);
        Simulation simulation = new Simulation(plan, sender, reader(system.apiPort()), Duration.ofMinutes(30));
        assertTrue(simulation.run(Duration.ofSeconds(60)).comparison().exact());

        Map<String, int[]> beaconsPerPartitionByJob = beaconsPerPartitionByJob();
        int[] hot = beaconsPerPartitionByJob.values().stream()
                .max((a, b) -> Integer.compare(java.util.Arrays.stream(a).sum(), java.util.Arrays.stream(b).sum()))
                .orElseThrow();
        int total = java.util.Arrays.stream(hot).sum();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            // 200 sessions over 4 partitions: each gets a real share, far from all-on-one
            assertTrue(hot[partition] > total / (PARTITIONS * 3),
                    "partition " + partition + " has " + hot[partition] + " of the hot job's " + total + " beacons");
        }
    }

    private Map<String, int[]> beaconsPerPartitionByJob() {
        Map<String, int[]> counts = new HashMap<>();
        for (ConsumerRecord<String, Beacon> record : TopicContents.read(system.broker().orElseThrow().bootstrapServers(), Topics.BEACONS)) {
            counts.computeIfAbsent(record.value().jobId(), j -> new int[PARTITIONS])[record.partition()]++;
        }
        return counts;
    }

    private static URI local(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    private static CountsReader reader(int port) {
        return new CountsReader(local(port), Viewers.API_KEY);
    }
}
