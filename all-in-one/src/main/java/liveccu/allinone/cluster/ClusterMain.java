package liveccu.allinone.cluster;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import liveccu.faults.Target.Role;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./liveccu cluster}: a real cluster on this machine, every node its own process — three Kafka
 * brokers (replication 3, min.insync.replicas 2) and two collectors, aggregators and query APIs — to
 * try faults on ({@code ./liveccu faults --local DIR …}) before trying them on one's own cluster. Like
 * an orchestrator, it restarts a service whose liveness keeps failing ({@link Supervisor}).
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a local cluster, each node its own process, until Ctrl-C; the services get this shell's CCU_* settings.",
                "Its directory holds every node's start script, pid, log, port and data; a second run on it starts the same cluster again."})
public final class ClusterMain implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "data/cluster", description = "where the cluster lives (default: data/cluster)")
    Path dir;
    @Option(names = "--brokers", defaultValue = "3", description = "Kafka nodes (default: 3)")
    int brokers;
    @Option(names = "--collectors", defaultValue = "2", description = "collectors (default: 2)")
    int collectors;
    @Option(names = "--aggregators", defaultValue = "2", description = "aggregators (default: 2)")
    int aggregators;
    @Option(names = "--apis", defaultValue = "2", description = "query APIs (default: 2)")
    int apis;
    @Option(names = "--partitions", defaultValue = "6", description = "partitions of the pipeline's topics (default: 6)")
    int partitions;
    @Option(names = "--heap", defaultValue = "512m", description = "each node's maximum heap (default: 512m)")
    String heap;
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClusterMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LocalCluster cluster;
        if (Files.exists(dir.resolve("cluster.env"))) {
            cluster = LocalCluster.open(dir);
            out.println("starting the cluster laid out in " + dir.toAbsolutePath() + " again (its data kept)");
        } else {
            int replication = Math.min(3, brokers);
            LocalCluster.Layout layout = new LocalCluster.Layout(brokers, collectors, aggregators, apis, partitions, replication,
                    List.of("-Xmx" + heap));
            cluster = LocalCluster.layOut(dir, layout, callersSettings(), ownClasspath());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping the cluster (services, then brokers)");
            out.flush();
            cluster.stop();
            stopped.countDown();
        }, "cluster-shutdown"));
        long started = System.nanoTime();
        cluster.start();
        out.printf("cluster running (%.1f s to start); each node's log is ROLE-ID.log in %s%n",
                (System.nanoTime() - started) / 1e9, cluster.dir());
        out.println("  a service whose /health/live fails 3 times in a row (asked every 10 s) is restarted, as Kubernetes would;"
                + " one that is not running is left to whoever stopped it");
        cluster.supervisor().onRestart(restart -> {
            out.println(LocalTime.now().withNano(0) + " " + restart);
            out.flush();
        });
        out.println("  KAFKA_BOOTSTRAP_SERVERS=" + cluster.bootstrapServers());
        for (Role role : List.of(Role.COLLECTOR, Role.AGGREGATOR, Role.API)) {
            out.println("  " + role.label() + "s: " + cluster.urls(role));
        }
        out.println("try, in another terminal:");
        out.println("  ./liveccu faults --local " + cluster.dir() + " leaders");
        out.println("  ./liveccu faults --local " + cluster.dir() + " kill broker:busiest aggregator:1");
        out.println("  ./liveccu faults --local " + cluster.dir() + " restart broker:2 aggregator:1");
        out.println("  ./liveccu faults --local " + cluster.dir() + " roll-brokers");
        out.flush();
        stopped.await();
        return 0;
    }

    /** This shell's CCU_* settings (besides those the cluster sets per node), so a restart from another shell gets them too. */
    private static Map<String, String> callersSettings() {
        return System.getenv().entrySet().stream()
                .filter(e -> e.getKey().startsWith("CCU_") && !e.getKey().equals("CCU_CLUSTER_DIR"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** What this JVM runs from, with absolute paths, for the nodes' start scripts. */
    private static String ownClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }
}
