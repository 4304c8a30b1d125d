package liveccu.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, combined broker and controller) running inside this JVM: a single-node
 * cluster for one-machine runs and integration tests, or one node of a several-node quorum
 * ({@link Quorum}, each node in its own JVM: {@link KafkaNodeMain}). Not a mock: the same server
 * classes as a cluster.
 *
 * <p>Its data directory survives {@link #stop()} and a later {@link #start()} on the same instance
 * reuses both the data and the ports, so clients reconnect by themselves — which is how tests show
 * recovery from a broker outage.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String LOCALHOST = "127.0.0.1";

    /**
     * Which node of which cluster this is.
     *
     * @param nodeId      this node's id, one of the voters
     * @param clusterId   the same on every node (base64 UUID); null: a new random one at formatting
     * @param voters      every controller of the quorum, {@code id@host:port,…}; null: this node alone
     * @param replication replicas of the internal topics (offsets, transactions) and of topics
     *                    created without a replication factor
     * @param minInsyncReplicas replicas that must have a write before it is acknowledged (acks=all)
     */
    public record Quorum(int nodeId, String clusterId, String voters, short replication, int minInsyncReplicas) {

        /** A cluster of this node alone: every topic has one replica. */
        public static Quorum single() {
            return new Quorum(1, null, null, (short) 1, 1);
        }
    }

    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
    private final Quorum quorum;
    private KafkaRaftServer server;

    /**
     * @param dataDir    where the log and metadata live; formatted on first use, reused afterwards
     * @param brokerPort client port, or 0 for a free one (kept across restarts of this instance)
     */
    public EmbeddedKafkaBroker(Path dataDir, int brokerPort) {
        this(dataDir, brokerPort, 0);
    }

    /** @param controllerPort the KRaft controller's port (not the broker's), or 0 for a free one */
    public EmbeddedKafkaBroker(Path dataDir, int brokerPort, int controllerPort) {
        this(dataDir, brokerPort, controllerPort, Quorum.single());
    }

    /** One node of {@code quorum}; its controller port must be the one the voters name for it. */
    public EmbeddedKafkaBroker(Path dataDir, int brokerPort, int controllerPort, Quorum quorum) {
        this.quorum = quorum;
        this.dataDir = dataDir.toAbsolutePath();
        this.brokerPort = brokerPort == 0 ? freePort() : brokerPort;
        // the broker's port is free again once found, so the OS may hand it out a second time
        int controller = controllerPort;
        while (controllerPort == 0 && (controller == 0 || controller == this.brokerPort)) {
            controller = freePort();
        }
        this.controllerPort = controller;
    }

    /** Starts the broker; returns once it serves clients. */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        Map<String, String> props = settings();
        formatOnce(props);
        server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        LOG.info("embedded Kafka broker listening on {} (data in {})", bootstrapServers(), dataDir);
        return this;
    }

    /** Stops the broker, keeping its data; {@link #start()} brings it back on the same port. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    @Override
    public void close() {
        stop();
    }

    public String bootstrapServers() {
        return LOCALHOST + ":" + brokerPort;
    }

    private Map<String, String> settings() {
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(quorum.nodeId()));
        props.put("controller.quorum.voters", quorum.voters() != null ? quorum.voters()
                : quorum.nodeId() + "@" + LOCALHOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + LOCALHOST + ":" + brokerPort + ",CONTROLLER://" + LOCALHOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + LOCALHOST + ":" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir().toString());
        // One node: every internal topic has one replica. A quorum: as the deploy files say (3 and 2).
        String replication = Short.toString(quorum.replication());
        String minIsr = Integer.toString(quorum.minInsyncReplicas());
        props.put("default.replication.factor", replication);
        props.put("min.insync.replicas", minIsr);
        props.put("offsets.topic.replication.factor", replication);
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", replication);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        // Transactions v2: the first produce request of a transaction waits on the broker until the
        // coordinator has finished the previous transaction (written its commit markers). Kafka waits
        // 100 ms by default and then answers CONCURRENT_TRANSACTIONS; a cold start's first commits take
        // longer, so every exactly-once producer logged retries (docs/operations.md, "A clean start"). 5 s covers a
        // cold start and stays well under the producers' 30 s request timeout.
        props.put("add.partitions.to.txn.retry.backoff.max.ms", "5000");
        // The cleaner's default 128 MiB dedupe buffer would dominate the heap of a one-machine run.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        return props;
    }

    private Path logDir() {
        return dataDir.resolve("kafka-logs");
    }

    private void formatOnce(Map<String, String> props) {
        if (Files.exists(logDir().resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logDir());
            new Formatter()
                    .setPrintStream(new PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setNodeId(quorum.nodeId())
                    .setClusterId(quorum.clusterId() != null ? quorum.clusterId() : Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir().toString()))
                    .setMetadataLogDirectory(logDir().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + logDir(), e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
