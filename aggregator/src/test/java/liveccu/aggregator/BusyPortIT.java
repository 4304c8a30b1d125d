package liveccu.aggregator;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import liveccu.kafka.EmbeddedKafkaBroker;
import liveccu.ops.PortInUse;
import liveccu.ops.config.Env;
import liveccu.ops.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An aggregator whose port is taken (run alone: the all-in-one launcher checks its ports before it
 * starts anything) fails its start with that reason, after stopping the Kafka Streams it had started.
 */
class BusyPortIT {

    @TempDir
    Path dataDir;

    @Test
    void aBusyPortFailsTheStartAndStopsStreamsCleanly() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket taken = new ServerSocket();
             EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), 0).start()) {
            taken.bind(new InetSocketAddress(0));
            Path stateDir = dataDir.resolve("streams");
            AggregatorConfig config = AggregatorConfig.read(new Env(Map.of("CCU_STATE_DIR", stateDir.toString(),
                    "CCU_AGGREGATOR_PORT", Integer.toString(taken.getLocalPort()))), broker.bootstrapServers());
            ExecutionException failed = assertThrows(ExecutionException.class, () ->
                    Aggregator.start(vertx, config, Metrics.newRegistry("aggregator")).toCompletionStage().toCompletableFuture()
                            .get(60, TimeUnit.SECONDS));
            assertTrue(PortInUse.in(failed.getCause()).isPresent(), failed.getCause().toString());
            // Closed in time before the start failed: the next start keeps the local state instead of wiping it.
            assertTrue(Files.exists(stateDir.resolve("stopped-cleanly")), "the clean stop is marked");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
