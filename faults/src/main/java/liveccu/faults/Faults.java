package liveccu.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import liveccu.faults.ClusterView.PartitionState;

/**
 * The faults themselves, the same for the local test cluster and an operator's cluster: kill nodes
 * (several at the same moment), restart them, restart every broker one by one. Where a broker is
 * aimed at ("the leader of the busiest partitions") and when a step is over (leadership moved, every
 * replica back in sync) is read from Kafka's metadata.
 */
public final class Faults {

    private static final Duration POLL = Duration.ofMillis(100);

    private final ClusterView cluster;
    private final NodeControl nodes;
    private final Consumer<String> log;

    public Faults(ClusterView cluster, NodeControl nodes, Consumer<String> log) {
        this.cluster = cluster;
        this.nodes = nodes;
        this.log = log;
    }

    /** Each partition of the busiest topics, by write rate over {@code sample}: which broker to aim at. */
    public int busiestLeader(Predicate<String> topics, Duration sample) throws Exception {
        List<ClusterView.Load> loads = cluster.busiest(topics, sample);
        Map<Integer, Double> byLeader = ClusterView.writesByLeader(loads);
        if (byLeader.isEmpty()) {
            throw new IllegalStateException("no partition of the chosen topics has a leader");
        }
        Map.Entry<Integer, Double> top = byLeader.entrySet().iterator().next();
        List<String> led = loads.stream().filter(load -> load.leader() == top.getKey()).limit(3)
                .map(load -> String.format(Locale.ROOT, "%s (%.0f records/s)", load.partition(), load.recordsPerSecond())).toList();
        log.accept(String.format(Locale.ROOT, "broker %d leads the busiest partitions: %.0f of %.0f records/s, e.g. %s",
                top.getKey(), top.getValue(), byLeader.values().stream().mapToDouble(Double::doubleValue).sum(), String.join(", ", led)));
        return top.getKey();
    }

    /** {@code broker:busiest} becomes the broker that leads the busiest partitions now; other targets stay. */
    public List<Target> resolve(List<Target> targets, Predicate<String> busiestTopics, Duration sample) throws Exception {
        List<Target> resolved = new ArrayList<>();
        for (Target target : targets) {
            resolved.add(target.isBusiestBroker() ? Target.broker(busiestLeader(busiestTopics, sample)) : target);
        }
        return resolved;
    }

    /** Kills every target at the same moment (SIGKILL or the hook's equivalent); returns once all are gone. */
    public void kill(List<Target> targets) throws Exception {
        together(targets, nodes::kill, "killed");
    }

    /**
     * Starts the targets again, together. A broker is then waited for until every replica is back in
     * sync, and leadership is moved back to the preferred replicas at once (Kafka would do it by itself
     * within {@code leader.imbalance.check.interval.seconds}, 5 minutes: a second, later disturbance).
     */
    public void restart(List<Target> targets, Duration syncTimeout) throws Exception {
        together(targets, nodes::start, "started");
        if (targets.stream().anyMatch(target -> target.role() == Target.Role.BROKER)) {
            Duration took = awaitInSync(syncTimeout);
            log.accept("every partition has all its replicas in sync again (" + seconds(took) + " after the start returned)");
            cluster.electPreferredLeaders();
            log.accept("preferred leaders elected: leadership spread over the brokers as before");
        }
    }

    /**
     * After a broker was lost: waits until the cluster no longer lists it as alive and no partition has
     * it as leader (the controller fenced it and elected new leaders). Returns how long that took.
     */
    public Duration awaitLeadershipMoved(int broker, Duration timeout) throws Exception {
        long started = System.nanoTime();
        await(timeout, "broker " + broker + " fenced and its partitions led by others", () ->
                !cluster.liveBrokers().contains(broker)
                        && cluster.allPartitions().stream().noneMatch(p -> p.leader() == broker));
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Waits until every live-listed broker set is complete and every partition has all its replicas in sync. */
    public Duration awaitInSync(Duration timeout) throws Exception {
        long started = System.nanoTime();
        await(timeout, "every partition with all its replicas in sync", () ->
                cluster.allPartitions().stream().noneMatch(p -> p.underReplicated() || p.offline()));
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** What a rolling restart did, broker by broker. */
    public record RollStep(int broker, Duration stop, Duration start, Duration inSync) {
    }

    /**
     * Restarts every broker one after the other, the active controller last: a controlled stop (its
     * partitions' leadership moves to the others first), a start, then waiting until it is listed
     * alive and every partition has all its replicas in sync before the next one. Refuses to begin on
     * a cluster with a replica out of sync. Ends with a preferred-leader election, so leadership is
     * spread as before.
     */
    public List<RollStep> rollBrokers(Duration perStepTimeout) throws Exception {
        List<PartitionState> behind = cluster.allPartitions().stream().filter(p -> p.underReplicated() || p.offline()).toList();
        if (!behind.isEmpty()) {
            throw new IllegalStateException(behind.size() + " partitions have a replica out of sync (e.g. " + behind.get(0)
                    + "): a rolling restart now could stop writes; wait or repair first");
        }
        int controller = cluster.activeController();
        List<Integer> order = new ArrayList<>(cluster.liveBrokers());
        order.remove(Integer.valueOf(controller));
        if (cluster.liveBrokers().contains(controller)) {
            order.add(controller);
        }
        List<RollStep> steps = new ArrayList<>();
        for (int broker : order) {
            Target target = Target.broker(broker);
            long t0 = System.nanoTime();
            nodes.stop(target);
            long t1 = System.nanoTime();
            log.accept("broker " + broker + " stopped (controlled shutdown, " + seconds(Duration.ofNanos(t1 - t0)) + ")");
            nodes.start(target);
            long t2 = System.nanoTime();
            await(perStepTimeout, "broker " + broker + " listed alive", () -> cluster.liveBrokers().contains(broker));
            awaitInSync(perStepTimeout);
            long t3 = System.nanoTime();
            RollStep step = new RollStep(broker, Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), Duration.ofNanos(t3 - t2));
            log.accept("broker " + broker + " started (" + seconds(step.start()) + ") and every replica in sync ("
                    + seconds(step.inSync()) + ")");
            steps.add(step);
        }
        cluster.electPreferredLeaders();
        log.accept("preferred leaders elected: leadership spread over the brokers as before");
        return steps;
    }

    public ClusterView cluster() {
        return cluster;
    }

    @FunctionalInterface
    private interface Action {
        void apply(Target target) throws Exception;
    }

    private void together(List<Target> targets, Action action, String done) throws Exception {
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (Target target : targets) {
            running.add(CompletableFuture.runAsync(() -> {
                try {
                    action.apply(target);
                } catch (Exception e) {
                    throw new IllegalStateException(target + ": " + e.getMessage(), e);
                }
            }));
        }
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        log.accept(done + ": " + String.join(", ", targets.stream().map(Target::toString).toList()));
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Duration timeout, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.holds()) {
                    return;
                }
                last = null;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;  // the cluster did not answer this time (a broker just went away): ask again
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new IllegalStateException("timed out after " + seconds(timeout) + " waiting for " + what
                + (last == null ? "" : " (last error: " + last + ")"));
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** Brokers named by the targets. */
    static Set<Integer> brokers(List<Target> targets) {
        return targets.stream().filter(t -> t.role() == Target.Role.BROKER).map(Target::nodeId)
                .collect(java.util.stream.Collectors.toSet());
    }
}
