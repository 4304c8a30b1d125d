package liveccu.sessions;

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
 * A sessions service whose port is taken fails its start with that reason, after stopping what it had
 * started: the limiter (its tasks and its state directory's lock), the readers and the reply consumer.
 */
class BusyPortIT {

    @TempDir
    Path dataDir;

    @Test
    void aBusyPortFailsTheStartAndStopsTheLimiterCleanly() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket taken = new ServerSocket();
             EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), 0).start()) {
            taken.bind(new InetSocketAddress(0));
            Path stateDir = dataDir.resolve("sessions");
            SessionsConfig config = SessionsConfig.read(new Env(Map.of("CCU_SESSIONS_STATE_DIR", stateDir.toString(),
                    "CCU_SESSIONS_PORT", Integer.toString(taken.getLocalPort()),
                    "CCU_TOKEN_SECRET", "a-test-secret-of-at-least-32-bytes!!")), broker.bootstrapServers());
            SessionsService.provisionTopics(config);
            ExecutionException failed = assertThrows(ExecutionException.class, () ->
                    SessionsService.start(vertx, config, Metrics.newRegistry("sessions")).toCompletionStage().toCompletableFuture()
                            .get(90, TimeUnit.SECONDS));
            assertTrue(PortInUse.in(failed.getCause()).isPresent(), failed.getCause().toString());
            // Closed in time before the start failed: the next start keeps the local state instead of wiping it.
            assertTrue(Files.exists(stateDir.resolve("stopped-cleanly")), "the limiter's clean stop is marked");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
