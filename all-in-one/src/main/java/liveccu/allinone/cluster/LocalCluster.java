package liveccu.allinone.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import liveccu.faults.LocalProcesses;
import liveccu.faults.NodeControl;
import liveccu.faults.Target;
import liveccu.faults.Target.Role;
import org.apache.kafka.common.Uuid;

/**
 * A real cluster on this machine, every node in its own process so that it can be killed for real:
 * Kafka brokers (each a combined KRaft broker and controller, {@code liveccu.kafka.KafkaNodeMain};
 * topics with 3 replicas and {@code min.insync.replicas} 2, as the deploy files say), and collectors,
 * aggregators and query APIs started from the same classpath as an operator runs them.
 *
 * <p>Everything lives in one directory, in the layout {@link LocalProcesses} reads: each node's start
 * script, pid, log, port and data, plus {@code cluster.env} (the Kafka bootstrap servers and the
 * services' URLs). So the fault tool acts on it from another terminal
 * ({@code ./liveccu faults --local DIR kill broker:busiest}) exactly as the failover tests do in-process.
 * Ports are chosen once, when the directory is laid out, and kept across restarts.
 *
 * <p>Once started, a {@link Supervisor} restarts a service whose liveness keeps failing, as Kubernetes
 * would; {@link #nodes()} acts on the nodes in step with it.
 */
public final class LocalCluster implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    /**
     * @param brokers     Kafka nodes (at least 3 for replication 3)
     * @param partitions  partitions of the pipeline's topics
     * @param replication replicas of every topic; min.insync.replicas is one less (2 of 3)
     * @param jvmOptions  for every node's JVM, e.g. -Xmx512m
     */
    public record Layout(int brokers, int collectors, int aggregators, int apis, int partitions, int replication,
                         List<String> jvmOptions) {

        /** Three brokers and two of each service, as the issue's cluster. */
        public static Layout standard(int partitions) {
            return new Layout(3, 2, 2, 2, partitions, 3, List.of("-Xmx512m"));
        }
    }

    private final Path dir;
    private final Layout layout;
    private final LocalProcesses processes;
    private final String bootstrapServers;
    private final Supervisor supervisor;

    private LocalCluster(Path dir, Layout layout, String bootstrapServers) {
        this.dir = dir;
        this.layout = layout;
        this.processes = new LocalProcesses(dir);
        this.bootstrapServers = bootstrapServers;
        this.supervisor = Supervisor.of(this, services());
    }

    /**
     * Lays the cluster out in {@code dir} (start scripts, ports, cluster.env) without starting it.
     *
     * @param serviceEnv settings for every service (CCU_API_KEY, CCU_STREAM_THREADS, …); the cluster
     *                   adds Kafka's address, the topics' partitions and replication, ports and state dirs
     * @param classpath  what every node runs from (absolute paths; entries may end in {@code *})
     */
    public static LocalCluster layOut(Path dir, Layout layout, Map<String, String> serviceEnv, String classpath) throws IOException {
        Path home = dir.toAbsolutePath();
        Files.createDirectories(home);
        Set<Integer> taken = new HashSet<>();
        String clusterId = Uuid.randomUuid().toString();
        int[] brokerPorts = new int[layout.brokers()];
        int[] controllerPorts = new int[layout.brokers()];
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < layout.brokers(); i++) {
            brokerPorts[i] = freePort(taken);
            controllerPorts[i] = freePort(taken);
            voters.add((i + 1) + "@" + HOST + ":" + controllerPorts[i]);
        }
        String bootstrap = String.join(",", IntStream.of(brokerPorts).mapToObj(port -> HOST + ":" + port).toList());
        LocalCluster cluster = new LocalCluster(home, layout, bootstrap);
        for (int i = 0; i < layout.brokers(); i++) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("CCU_KAFKA_NODE_ID", Integer.toString(i + 1));
            env.put("CCU_KAFKA_CLUSTER_ID", clusterId);
            env.put("CCU_KAFKA_VOTERS", String.join(",", voters));
            env.put("CCU_KAFKA_PORT", Integer.toString(brokerPorts[i]));
            env.put("CCU_KAFKA_CONTROLLER_PORT", Integer.toString(controllerPorts[i]));
            env.put("CCU_KAFKA_REPLICATION", Integer.toString(layout.replication()));
            env.put("CCU_KAFKA_MIN_ISR", Integer.toString(Math.max(1, layout.replication() - 1)));
            env.put("CCU_DATA_DIR", home.resolve("broker-" + (i + 1) + "-data").toString());
            env.put("CCU_LOG_LEVEL", "INFO");
            cluster.writeNode(Target.broker(i + 1), brokerPorts[i], "liveccu.kafka.KafkaNodeMain", env, layout, classpath);
        }
        Map<String, String> shared = new LinkedHashMap<>(serviceEnv);
        shared.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        shared.put("CCU_TOPIC_PARTITIONS", Integer.toString(layout.partitions()));
        shared.put("CCU_TOPIC_REPLICATION", Integer.toString(layout.replication()));
        shared.putIfAbsent("CCU_LOG_LEVEL", "INFO");  // the bound port is on an INFO line
        // Its Supervisor restarts a service that is not live (and tells); a process that ended itself would
        // look killed on purpose, and be left down.
        shared.put("CCU_LIVENESS_EXIT_SECONDS", "0");
        List<String> collectors = new ArrayList<>();
        List<String> apis = new ArrayList<>();
        for (int i = 1; i <= layout.aggregators(); i++) {
            Map<String, String> env = new LinkedHashMap<>(shared);
            int port = freePort(taken);
            env.put("CCU_AGGREGATOR_PORT", Integer.toString(port));
            env.put("CCU_STATE_DIR", home.resolve("aggregator-" + i + "-state").toString());
            cluster.writeNode(Target.of(Role.AGGREGATOR, i), port, "liveccu.aggregator.AggregatorMain", env, layout, classpath);
        }
        for (int i = 1; i <= layout.apis(); i++) {
            Map<String, String> env = new LinkedHashMap<>(shared);
            int port = freePort(taken);
            env.put("CCU_API_PORT", Integer.toString(port));
            env.put("CCU_API_STATE_DIR", home.resolve("api-" + i + "-state").toString());
            cluster.writeNode(Target.of(Role.API, i), port, "liveccu.api.ApiMain", env, layout, classpath);
            apis.add("http://" + HOST + ":" + port);
        }
        for (int i = 1; i <= layout.collectors(); i++) {
            Map<String, String> env = new LinkedHashMap<>(shared);
            int port = freePort(taken);
            env.put("CCU_COLLECTOR_PORT", Integer.toString(port));
            cluster.writeNode(Target.of(Role.COLLECTOR, i), port, "liveccu.collector.CollectorMain", env, layout, classpath);
            collectors.add("http://" + HOST + ":" + port);
        }
        Files.writeString(home.resolve("cluster.env"), "# the local cluster in this directory (./liveccu cluster)\n"
                + "KAFKA_BOOTSTRAP_SERVERS=" + bootstrap + "\n"
                + "CCU_COLLECTOR_URLS=" + String.join(",", collectors) + "\n"
                + "CCU_API_URLS=" + String.join(",", apis) + "\n");
        return cluster;
    }

    /** A cluster laid out before in {@code dir} (its start scripts and ports as they are). */
    public static LocalCluster open(Path dir) throws IOException {
        Path home = dir.toAbsolutePath();
        String bootstrap = Files.readAllLines(home.resolve("cluster.env")).stream()
                .filter(line -> line.startsWith("KAFKA_BOOTSTRAP_SERVERS=")).map(line -> line.substring(line.indexOf('=') + 1))
                .findFirst().orElseThrow(() -> new IOException("no KAFKA_BOOTSTRAP_SERVERS in " + home.resolve("cluster.env")));
        int[] counts = new int[Role.values().length];
        for (Role role : Role.values()) {
            while (Files.exists(home.resolve(role.label() + "-" + (counts[role.ordinal()] + 1) + ".start"))) {
                counts[role.ordinal()]++;
            }
        }
        return new LocalCluster(home, new Layout(counts[Role.BROKER.ordinal()], counts[Role.COLLECTOR.ordinal()],
                counts[Role.AGGREGATOR.ordinal()], counts[Role.API.ordinal()], 0, 0, List.of()), bootstrap);
    }

    /**
     * Starts every node: the brokers together (a quorum forms only with a majority), then the services
     * together; then supervises the services' liveness.
     */
    public LocalCluster start() {
        together(brokers());
        together(services());
        supervisor.start();
        return this;
    }

    /** The aggregators, the query APIs and the collectors. */
    private List<Target> services() {
        List<Target> services = new ArrayList<>();
        services.addAll(instances(Role.AGGREGATOR));
        services.addAll(instances(Role.API));
        services.addAll(instances(Role.COLLECTOR));
        return services;
    }

    private void together(List<Target> targets) {
        CompletableFuture.allOf(targets.stream().map(target -> CompletableFuture.runAsync(() -> {
            try {
                processes.start(target);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start " + target + ": " + e.getMessage(), e);
            }
        })).toArray(CompletableFuture[]::new)).join();
    }

    public Path dir() {
        return dir;
    }

    public Layout layout() {
        return layout;
    }

    /** The cluster's processes, as the fault tool acts on them from another terminal (not in step with the supervisor). */
    public LocalProcesses processes() {
        return processes;
    }

    /** Kills, stops and starts nodes in step with the supervisor: never beside its restart of the same service. */
    public NodeControl nodes() {
        return supervisor;
    }

    /** What restarts services whose liveness keeps failing; its restarts so far. */
    public Supervisor supervisor() {
        return supervisor;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public List<Target> brokers() {
        return IntStream.rangeClosed(1, layout.brokers()).mapToObj(Target::broker).toList();
    }

    public List<Target> instances(Role role) {
        int count = switch (role) {
            case BROKER -> layout.brokers();
            case COLLECTOR -> layout.collectors();
            case AGGREGATOR -> layout.aggregators();
            case API -> layout.apis();
        };
        return IntStream.rangeClosed(1, count).mapToObj(i -> Target.of(role, i)).toList();
    }

    public URI url(Target service) {
        return URI.create("http://" + HOST + ":" + processes.port(service));
    }

    public List<URI> urls(Role role) {
        return instances(role).stream().map(this::url).toList();
    }

    /** Stops the supervisor, the services gracefully (together), then the brokers; whatever does not stop in time is killed. */
    public void stop() {
        supervisor.close();
        List<Target> services = new ArrayList<>();
        services.addAll(instances(Role.COLLECTOR));
        services.addAll(instances(Role.API));
        services.addAll(instances(Role.AGGREGATOR));
        stopTogether(services);
        stopTogether(brokers());
    }

    private void stopTogether(List<Target> targets) {
        CompletableFuture.allOf(targets.stream().map(target -> CompletableFuture.runAsync(() -> {
            try {
                processes.stop(target);
            } catch (Exception e) {
                killQuietly(target);
            }
        })).toArray(CompletableFuture[]::new)).join();
    }

    /** Kills every node at once (a test's end: the directory is thrown away). */
    @Override
    public void close() {
        supervisor.close();
        List<Target> all = new ArrayList<>();
        for (Role role : Role.values()) {
            all.addAll(instances(role));
        }
        all.parallelStream().forEach(this::killQuietly);
    }

    private void killQuietly(Target target) {
        try {
            processes.kill(target);
        } catch (Exception e) {
            // already gone, or will be when the machine cleans up: nothing else to do at the end
        }
    }

    private void writeNode(Target target, int port, String mainClass, Map<String, String> env, Layout layout,
                           String classpath) throws IOException {
        StringBuilder script = new StringBuilder("#!/usr/bin/env bash\n# " + target + " of the local cluster in "
                + dir + " (written by LocalCluster; started by ./liveccu faults --local and the failover tests)\n");
        env.forEach((name, value) -> script.append("export ").append(name).append('=').append(quote(value)).append('\n'));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(layout.jvmOptions());
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        script.append("exec ").append(String.join(" ", command.stream().map(LocalCluster::quote).toList())).append('\n');
        Path file = processes.file(target, ".start");
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(processes.file(target, ".port"), Integer.toString(port));
    }

    /** Single quotes for the shell, a quote inside closed and reopened. */
    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** The classpath a service runs from: {@code lib/*} and the launcher's jar, as ./liveccu runs it. */
    public static String classpath(Path lib, Path jar) {
        return lib.toAbsolutePath() + File.separator + "*" + File.pathSeparator + jar.toAbsolutePath();
    }

    private static int freePort(Set<Integer> taken) {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                if (taken.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port", e);
            }
        }
    }
}
