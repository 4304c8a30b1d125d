package liveccu.faults;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import liveccu.faults.ClusterView.PartitionState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./liveccu faults}: kills, restarts and rolls the nodes of a live CCU cluster, aimed and
 * timed by Kafka's metadata. The local test cluster ({@code ./liveccu cluster}) is driven through its
 * directory; any other cluster through the operator's hook script (docs/operations-failover.md).
 */
@Command(name = "faults", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {FaultsMain.Status.class, FaultsMain.Leaders.class, FaultsMain.Kill.class, FaultsMain.Restart.class,
                FaultsMain.RollBrokers.class},
        description = {"Faults on a live CCU cluster: kill -9 brokers and services, restart them, restart every broker one by one.",
                "Targets: broker:ID, broker:busiest (the leader of the busiest partitions, from Kafka's metadata), collector:ID,",
                "aggregator:ID, api:ID. Exit status 0 on success, 1 when a step failed or timed out, 2 for a usage error."})
public final class FaultsMain {

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS}", scope = CommandLine.ScopeType.INHERIT,
            description = "the Kafka cluster (default: $KAFKA_BOOTSTRAP_SERVERS, or the local cluster's)")
    String bootstrapServers;
    @Option(names = "--local", defaultValue = "${env:CCU_CLUSTER_DIR}", scope = CommandLine.ScopeType.INHERIT,
            description = "the directory of a cluster started by ./liveccu cluster (default: $CCU_CLUSTER_DIR): acts on its processes")
    Path local;
    @Option(names = "--hook", defaultValue = "${env:CCU_FAULTS_HOOK}", scope = CommandLine.ScopeType.INHERIT,
            description = "your executable, run as HOOK kill|stop|start ROLE ID (default: $CCU_FAULTS_HOOK): acts on your cluster")
    Path hook;
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new FaultsMain());
        commandLine.registerConverter(Duration.class, FaultsMain::duration);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("faults: " + e.getMessage());
            return 1;
        });
        System.exit(commandLine.execute(args));
    }

    /** 500ms, 5s, 2m, 1h. */
    static Duration duration(String text) {
        var matcher = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text.trim());
        if (!matcher.matches()) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration like 500ms, 5s, 2m or 1h");
        }
        long n = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    ClusterView cluster() throws IOException {
        String servers = bootstrapServers;
        if ((servers == null || servers.isBlank()) && local != null) {
            servers = localSetting(local, "KAFKA_BOOTSTRAP_SERVERS").orElse(null);
        }
        if (servers == null || servers.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give the Kafka cluster: --bootstrap-servers, $KAFKA_BOOTSTRAP_SERVERS, or --local DIR");
        }
        return new ClusterView(servers);
    }

    NodeControl nodes() {
        if ((local == null) == (hook == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "say how nodes are killed and started: --local DIR (./liveccu cluster) or --hook YOUR-SCRIPT, not both");
        }
        return local != null ? new LocalProcesses(local) : new HookCommand(hook);
    }

    Faults faults(ClusterView cluster) {
        PrintWriter out = out();
        return new Faults(cluster, nodes(), line -> {
            out.println(line);
            out.flush();
        });
    }

    /** A setting from the local cluster's cluster.env (NAME=value lines). */
    static Optional<String> localSetting(Path dir, String name) throws IOException {
        Path env = dir.resolve("cluster.env");
        if (!Files.exists(env)) {
            return Optional.empty();
        }
        return Files.readAllLines(env).stream().filter(line -> line.startsWith(name + "="))
                .map(line -> line.substring(name.length() + 1).trim()).findFirst();
    }

    static Predicate<String> topics(List<String> names) {
        return names == null || names.isEmpty() ? name -> !name.startsWith("__") : names::contains;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Live brokers, the active controller, and partitions without a leader or with a replica out of sync.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        FaultsMain faults;

        @Override
        public Integer call() throws Exception {
            try (ClusterView cluster = faults.cluster()) {
                PrintWriter out = faults.out();
                out.println("live brokers: " + cluster.liveBrokers() + ", active controller: " + cluster.activeController());
                List<PartitionState> partitions = cluster.allPartitions();
                List<PartitionState> offline = partitions.stream().filter(PartitionState::offline).toList();
                List<PartitionState> behind = partitions.stream().filter(p -> !p.offline() && p.underReplicated()).toList();
                out.printf(Locale.ROOT, "%d partitions: %d without a leader, %d with a replica out of sync%n",
                        partitions.size(), offline.size(), behind.size());
                offline.stream().limit(20).forEach(p -> out.println("  no leader: " + p.partition() + " replicas " + p.replicas()));
                behind.stream().limit(20).forEach(p -> out.println("  out of sync: " + p.partition() + " leader " + p.leader()
                        + " isr " + p.isr() + " of " + p.replicas()));
                return offline.isEmpty() && behind.isEmpty() ? 0 : 1;
            }
        }
    }

    @Command(name = "leaders", mixinStandardHelpOptions = true,
            description = "The busiest partitions by records written per second over a sample, with their leader and in-sync replicas.")
    static final class Leaders implements Callable<Integer> {
        @ParentCommand
        FaultsMain faults;
        @Option(names = "--topic", description = "a topic to measure (repeat; default: every topic but Kafka's own)")
        List<String> topics;
        @Option(names = "--sample", defaultValue = "5s", description = "how long to measure (default: 5s)")
        Duration sample;
        @Option(names = "--top", defaultValue = "10", description = "partitions to list (default: 10)")
        int top;

        @Override
        public Integer call() throws Exception {
            try (ClusterView cluster = faults.cluster()) {
                PrintWriter out = faults.out();
                List<ClusterView.Load> loads = cluster.busiest(topics(topics), sample);
                Map<org.apache.kafka.common.TopicPartition, PartitionState> states = new java.util.HashMap<>();
                cluster.partitions(topics(topics)).forEach(p -> states.put(p.partition(), p));
                out.printf(Locale.ROOT, "%-52s %12s %7s %s%n", "partition", "records/s", "leader", "in sync");
                for (ClusterView.Load load : loads.subList(0, Math.min(top, loads.size()))) {
                    PartitionState state = states.get(load.partition());
                    out.printf(Locale.ROOT, "%-52s %12.0f %7d %s%n", load.partition(), load.recordsPerSecond(), load.leader(),
                            state == null ? "?" : state.isr() + " of " + state.replicas());
                }
                out.println("records/s led by each broker: " + ClusterView.writesByLeader(loads).entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%d: %.0f", e.getKey(), e.getValue())).toList());
                return 0;
            }
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true,
            description = {"Kills the targets at the same moment (SIGKILL: no shutdown), e.g. broker:busiest aggregator:1.",
                    "For a broker, then waits until the cluster has fenced it and elected other leaders, and says how long that took."})
    static final class Kill implements Callable<Integer> {
        @ParentCommand
        FaultsMain faults;
        @Parameters(arity = "1..*", paramLabel = "TARGET", description = "broker:ID, broker:busiest, collector:ID, aggregator:ID, api:ID")
        List<String> targets;
        @Option(names = "--topic", description = "broker:busiest measures these topics (repeat; default: ccu.beacons, the collectors' writes)")
        List<String> topics;
        @Option(names = "--sample", defaultValue = "5s", description = "broker:busiest measures this long (default: 5s)")
        Duration sample;
        @Option(names = "--election-timeout", defaultValue = "60s",
                description = "how long to wait for other leaders after a broker is killed (default: 60s)")
        Duration electionTimeout;

        @Override
        public Integer call() throws Exception {
            List<Target> parsed = parse(faults, targets);
            try (ClusterView cluster = faults.cluster()) {
                Faults tool = faults.faults(cluster);
                List<Target> resolved = tool.resolve(parsed, topics(topics == null ? List.of("ccu.beacons") : topics), sample);
                long killedAt = System.nanoTime();
                tool.kill(resolved);
                int status = 0;
                for (int broker : Faults.brokers(resolved)) {
                    try {
                        Duration took = tool.awaitLeadershipMoved(broker, electionTimeout);
                        faults.out().println("broker " + broker + " fenced and its partitions led by others "
                                + Faults.seconds(Duration.ofNanos(System.nanoTime() - killedAt)) + " after the kill (waited "
                                + Faults.seconds(took) + ")");
                    } catch (IllegalStateException e) {
                        faults.out().println("broker " + broker + ": " + e.getMessage()
                                + " — with fewer than a majority of controllers alive, nothing can move (writes wait or answer 503)");
                        status = 1;
                    }
                }
                return status;
            }
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Starts killed targets again (with their data); for a broker, waits until every replica is back in sync.")
    static final class Restart implements Callable<Integer> {
        @ParentCommand
        FaultsMain faults;
        @Parameters(arity = "1..*", paramLabel = "TARGET", description = "broker:ID, collector:ID, aggregator:ID, api:ID")
        List<String> targets;
        @Option(names = "--sync-timeout", defaultValue = "5m", description = "how long replicas may take to catch up (default: 5m)")
        Duration syncTimeout;

        @Override
        public Integer call() throws Exception {
            List<Target> parsed = parse(faults, targets);
            if (parsed.stream().anyMatch(Target::isBusiestBroker)) {
                throw new CommandLine.ParameterException(faults.spec.commandLine(), "restart names brokers by node id");
            }
            try (ClusterView cluster = faults.cluster()) {
                faults.faults(cluster).restart(parsed, syncTimeout);
                return 0;
            }
        }
    }

    @Command(name = "roll-brokers", mixinStandardHelpOptions = true,
            description = {"Restarts every broker one by one, the active controller last: controlled stop, start, every replica in sync,",
                    "then the next; finally elects the preferred leaders. Refuses to begin while a replica is out of sync."})
    static final class RollBrokers implements Callable<Integer> {
        @ParentCommand
        FaultsMain faults;
        @Option(names = "--step-timeout", defaultValue = "5m", description = "how long each broker may take to be back in sync (default: 5m)")
        Duration stepTimeout;

        @Override
        public Integer call() throws Exception {
            try (ClusterView cluster = faults.cluster()) {
                faults.faults(cluster).rollBrokers(stepTimeout);
                return 0;
            }
        }
    }

    private static List<Target> parse(FaultsMain faults, List<String> targets) {
        try {
            return targets.stream().map(Target::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(faults.spec.commandLine(), e.getMessage());
        }
    }
}
