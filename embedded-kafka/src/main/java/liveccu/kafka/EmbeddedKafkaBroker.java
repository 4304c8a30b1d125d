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
 * A real, single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM,
 * for one-machine runs and integration tests. Not a mock: the same server classes as a cluster.
 *
 * <p>Its data directory survives {@link #stop()} and a later {@link #start()} on the same instance
 * reuses both the data and the ports, so clients reconnect by themselves — which is how tests show
 * recovery from a broker outage.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String LOCALHOST = "127.0.0.1";

    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
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
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + LOCALHOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + LOCALHOST + ":" + brokerPort + ",CONTROLLER://" + LOCALHOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + LOCALHOST + ":" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir().toString());
        // One node: every internal topic has one replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
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
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
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
