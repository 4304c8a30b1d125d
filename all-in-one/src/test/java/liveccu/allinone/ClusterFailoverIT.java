package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import liveccu.allinone.cluster.FailoverDrill;
import liveccu.allinone.cluster.LocalCluster;
import liveccu.faults.Faults;
import liveccu.faults.Target;
import liveccu.faults.Target.Role;
import liveccu.simulator.live.LiveLoad;
import liveccu.simulator.live.LiveProbe;
import liveccu.simulator.live.Timeline;
import liveccu.simulator.traffic.TrafficPlan;
import liveccu.simulator.truth.Comparison;
import liveccu.testsupport.Eventually;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A real cluster loses machines under live, realistic traffic: three Kafka brokers in their own
 * processes (replication 3, min.insync.replicas 2), two collectors behind a balancer, two aggregators
 * (one standby replica), two query APIs, each its own JVM, and a CDN pushing its log beside the
 * beacons. Every broker is restarted one by one (no 5xx at all); then the leader of the busiest beacon
 * partitions is killed (-9) and stays dead; then an aggregator; then a second broker, so that one of
 * three is left (nothing acknowledged). Every beacon and log line answered 2xx is counted exactly
 * once, in every minute, through both APIs.
 *
 * <p>The short version of {@code benchmarks/run cluster} (docs/operations-failover.md), which also
 * kills collectors and APIs, freezes a broker and measures without standby replicas.
 */
class ClusterFailoverIT {

    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target");
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

    /** The cluster's directory: every node's log stays there after a run (target/ is cleaned by the build). */
    private static final Path DIR = TARGET.resolve("cluster-failover-it");

    @Test
    void rollingBrokersThenLosingABrokerAnAggregatorAndASecondBrokerNeverLosesOrDoublesAnAcceptedBeacon() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("CCU_API_KEY", Viewers.API_KEY);
        env.put("CCU_STREAM_THREADS", "1");
        env.put("CCU_COLLECTOR_EVENT_LOOPS", "1");
        env.put("CCU_COMMIT_INTERVAL_MS", "100");
        env.put("CCU_STANDBY_REPLICAS", "1");
        env.put("CCU_AGGREGATOR_SESSION_TIMEOUT_MS", Long.toString(SESSION_TIMEOUT.toMillis()));
        // Nine JVMs on a small CI machine: small heaps, and no optimising JIT (light load, fast starts).
        var layout = new LocalCluster.Layout(3, 2, 2, 2, 4, 3, List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        // A window longer than the faults take: the load is ended after the last one.
        TrafficPlan plan = new TrafficPlan(25, 3, 30, 4, Duration.ofSeconds(300), Duration.ofSeconds(5), Duration.ofSeconds(30),
                0.25, 0.05, 0.05, Duration.ofSeconds(5), 3, 5);
        var settings = new FailoverDrill.Settings(layout, env,
                LocalCluster.classpath(TARGET.resolve("lib"), TARGET.resolve("liveccu.jar")), plan, "acc", Viewers.API_KEY,
                new FailoverDrill.CdnPush(20, Duration.ofSeconds(1)));

        deleteRecursively(DIR);
        deleteRecursively(DIR.resolveSibling(DIR.getFileName() + "-second-start"));
        try (FailoverDrill drill = FailoverDrill.start(DIR, settings)) {
            drill.awaitProbe(0, Duration.ofSeconds(90), p -> true, "a first probe counted");

            // 0. Every broker restarted one by one (controlled shutdown, back in sync, the next): no 5xx at all.
            long rollStarted = System.currentTimeMillis();
            List<Faults.RollStep> roll = drill.faults().rollBrokers(Duration.ofMinutes(2));
            Timeline.Totals rolling = drill.timeline().between(rollStarted, System.currentTimeMillis() + 1000);
            Timeline.Totals cdnRolling = drill.cdnTimeline().between(rollStarted, System.currentTimeMillis() + 1000);
            assertEquals(3, roll.size());
            assertEquals(0, rolling.clientErrors() + rolling.collector503() + cdnRolling.clientErrors() + cdnRolling.collector503(),
                    "5xx while the brokers were restarted one by one: beacons " + rolling + ", CDN log " + cdnRolling);
            assertTrue(rolling.ok() > 0, "traffic flowed during the rolling restart: " + rolling);

            // 1. The leader of the busiest beacon partitions dies, for good: two of three accept and count.
            Target first = drill.busiestBroker();
            long firstKilled = drill.kill(first);
            Duration election = drill.faults().awaitLeadershipMoved(first.nodeId(), Duration.ofSeconds(60));
            long elected = System.currentTimeMillis();
            drill.note("broker " + first.id() + " fenced, its partitions led by others: " + election.toMillis() + " ms after the kill returned");
            drill.awaitProbe(elected, Duration.ofSeconds(60), p -> true, "a new viewer accepted and counted with two of three brokers");
            Timeline.Totals brokerLoss = drill.timeline().between(firstKilled, System.currentTimeMillis());

            // 2. An aggregator dies: the other takes its tasks over (it has their state: a standby replica).
            Target aggregator = drill.busiestAggregator();
            long aggregatorKilled = drill.kill(aggregator);
            LiveProbe.Probe moving = drill.awaitEveryPartitionFresh(aggregatorKilled, Duration.ofSeconds(5),
                    SESSION_TIMEOUT.plusSeconds(90));
            long stallMs = drill.longestFreshnessMs(aggregatorKilled, moving.acceptedAtMs() + 1);
            Map<String, Long> apiAnswers = drill.apiAnswers(aggregatorKilled, moving.countedAtMs() + 1);
            assertTrue(apiAnswers.keySet().stream().allMatch(answer -> answer.endsWith(":200")),
                    "the query APIs answered every read while the aggregator failed over: " + apiAnswers);

            // 3. A second broker dies: one of three left, below min.insync.replicas: nothing is acknowledged.
            Target second = drill.brokerSparingABeaconLeader();
            long secondKilled = drill.kill(second);
            Map<TopicPartition, Long> acknowledgedAtKill = drill.beaconsAcknowledged();
            Eventually.await(Duration.ofSeconds(60), "clients answered 5xx with one broker of three",
                    () -> drill.timeline().between(secondKilled, System.currentTimeMillis() + 1000).clientErrors(), n -> n > 0);
            Map<TopicPartition, Long> acknowledgedLater = drill.beaconsAcknowledged();
            List<LiveProbe.Probe> newViewersAccepted = drill.probes(secondKilled + 1_000, Long.MAX_VALUE);
            long outageEnd = drill.restart(Duration.ofMinutes(3), second, first, aggregator);
            Timeline.Totals outage = drill.timeline().between(secondKilled, outageEnd);

            assertTrue(newViewersAccepted.isEmpty(), "a new viewer's first beacon accepted with one broker: " + newViewersAccepted);
            List<TopicPartition> compared = acknowledgedAtKill.keySet().stream().filter(acknowledgedLater::containsKey).toList();
            assertFalse(compared.isEmpty(), "the surviving broker leads some beacon partitions: " + acknowledgedAtKill);
            for (TopicPartition partition : compared) {
                assertEquals(acknowledgedAtKill.get(partition), acknowledgedLater.get(partition),
                        partition + ": a write acknowledged while one broker of three was up");
            }

            // 4. Back to three: accepting again, and in the end every 2xx counted exactly once, every minute.
            drill.awaitProbe(outageEnd, Duration.ofSeconds(90), p -> true, "a new viewer accepted and counted after the restarts");
            drill.endLoad();
            LiveLoad.Report report = drill.finish(Duration.ofMinutes(3));
            assertEquals(report.planned(), report.accepted(), "every beacon accepted in the end, retried past the faults");
            for (URI api : drill.cluster().urls(Role.API)) {
                Comparison comparison = drill.verify(api, Duration.ofSeconds(90));
                assertTrue(comparison.exact(), () -> api + ": " + comparison.mismatches());
                assertTrue(comparison.minutesChecked() >= 3, "minutes checked: " + comparison.minutesChecked());
                var cdn = drill.verifyCdn(api, Duration.ofSeconds(60));
                assertTrue(cdn.getValue().isEmpty(), () -> api + ": CDN lines accepted / counted per minute differ: "
                        + cdn.getValue().entrySet().stream().map(e -> e.getKey() + "=" + java.util.Arrays.toString(e.getValue())).toList());
                assertTrue(cdn.getKey() >= 2, "CDN minutes compared: " + cdn.getKey());
            }

            drill.writeRecord(DIR.resolve("record"));
            drill.note(String.format("measured: cluster start %d s; rolling restart %s: %s; broker %s killed: leadership moved after %d ms, %s; "
                            + "aggregator killed: live minute still for %d ms (session timeout %d s, standby 1), APIs %s; "
                            + "second broker killed: %s; load %s, behind schedule at worst %d ms",
                    drill.clusterStart().toSeconds(), roll, rolling, first.id(), election.toMillis(), brokerLoss, stallMs, SESSION_TIMEOUT.toSeconds(),
                    apiAnswers, outage, report, drill.load().behindScheduleMs()));
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }
}
