package liveccu.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node (combined broker and controller, KRaft) of a several-node Kafka cluster, in its own JVM:
 * start it once per node, e.g. three times with node ids 1, 2, 3 and the same voters and cluster id.
 * The same Kafka server classes the project ships, so that a test cluster can lose a node for real
 * (SIGKILL) and an operator can try the fault tool on this machine ({@code ./liveccu cluster}).
 *
 * <p>Settings, from environment variables (defaults in brackets):
 * <ul>
 *   <li>{@code CCU_KAFKA_NODE_ID} — this node's id, one of the voters</li>
 *   <li>{@code CCU_KAFKA_VOTERS} — every node, {@code 1@127.0.0.1:19093,2@127.0.0.1:19095,…}: id, host
 *       and controller port</li>
 *   <li>{@code CCU_KAFKA_CLUSTER_ID} — the same on every node, a base64 UUID (22 characters)</li>
 *   <li>{@code CCU_KAFKA_PORT} — the client (broker) port; {@code CCU_KAFKA_CONTROLLER_PORT} — the
 *       controller port, as the voters name it for this node</li>
 *   <li>{@code CCU_DATA_DIR} — the node's log and metadata, formatted on first start, kept after</li>
 *   <li>{@code CCU_KAFKA_REPLICATION} [3] — replicas of internal topics and of topics created without
 *       a replication factor; {@code CCU_KAFKA_MIN_ISR} [2] — {@code min.insync.replicas}</li>
 * </ul>
 * Logs "kafka node N listening on port P" once it serves clients. SIGTERM is a controlled shutdown
 * (leadership moves to the other nodes first), SIGKILL a crash.
 */
public final class KafkaNodeMain {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaNodeMain.class);

    private KafkaNodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> errors = new ArrayList<>();
        int nodeId = integer("CCU_KAFKA_NODE_ID", System.getenv("CCU_KAFKA_NODE_ID"), null, errors);
        int port = integer("CCU_KAFKA_PORT", System.getenv("CCU_KAFKA_PORT"), null, errors);
        int controllerPort = integer("CCU_KAFKA_CONTROLLER_PORT", System.getenv("CCU_KAFKA_CONTROLLER_PORT"), null, errors);
        short replication = (short) integer("CCU_KAFKA_REPLICATION", System.getenv("CCU_KAFKA_REPLICATION"), 3, errors);
        int minIsr = integer("CCU_KAFKA_MIN_ISR", System.getenv("CCU_KAFKA_MIN_ISR"), 2, errors);
        String voters = required("CCU_KAFKA_VOTERS", System.getenv("CCU_KAFKA_VOTERS"), errors);
        String clusterId = required("CCU_KAFKA_CLUSTER_ID", System.getenv("CCU_KAFKA_CLUSTER_ID"), errors);
        String dataDir = required("CCU_DATA_DIR", System.getenv("CCU_DATA_DIR"), errors);
        if (voters != null && !voters.matches("(\\d+@[^,:@]+:\\d+)(,\\d+@[^,:@]+:\\d+)*")) {
            errors.add("CCU_KAFKA_VOTERS=" + voters + ": must be id@host:port[,id@host:port…]");
        } else if (voters != null && !("," + voters).contains("," + nodeId + "@")) {
            errors.add("CCU_KAFKA_VOTERS=" + voters + " does not name CCU_KAFKA_NODE_ID=" + nodeId);
        }
        if (!errors.isEmpty()) {
            errors.forEach(error -> LOG.error("kafka node: {}", error));
            System.exit(2);
        }
        EmbeddedKafkaBroker node = new EmbeddedKafkaBroker(Path.of(dataDir), port, controllerPort,
                new EmbeddedKafkaBroker.Quorum(nodeId, clusterId, voters, replication, minIsr));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("kafka node {} stopping (controlled shutdown)", nodeId);
            node.stop();
            LOG.info("kafka node {} stopped", nodeId);
            stopped.countDown();
        }, "kafka-node-shutdown"));
        try {
            node.start();
        } catch (RuntimeException e) {
            // e.g. its port taken: Kafka's threads would keep the JVM alive without ever serving
            LOG.error("kafka node {} failed to start", nodeId, e);
            Runtime.getRuntime().halt(1);
        }
        LOG.info("kafka node {} listening on port {} (controller port {}, data in {})", nodeId, port, controllerPort, dataDir);
        stopped.await();
    }

    private static String required(String name, String value, List<String> errors) {
        if (value == null || value.isBlank()) {
            errors.add(name + " is not set");
            return null;
        }
        return value.trim();
    }

    private static int integer(String name, String value, Integer defaultValue, List<String> errors) {
        if (value == null || value.isBlank()) {
            if (defaultValue == null) {
                errors.add(name + " is not set");
                return 0;
            }
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 0 || parsed > 65535) {
                errors.add(name + "=" + value + ": must be 0-65535");
            }
            return parsed;
        } catch (NumberFormatException e) {
            errors.add(name + "=" + value + ": not a number");
            return 0;
        }
    }
}
