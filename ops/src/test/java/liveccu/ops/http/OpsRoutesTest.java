package liveccu.ops.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsRoutesTest {

    private final AtomicReference<Optional<String>> liveProblem = new AtomicReference<>(Optional.empty());
    private final AtomicReference<Optional<String>> readyProblem = new AtomicReference<>(Optional.empty());
    private final OpsRoutes ops = new OpsRoutes(liveProblem::get, readyProblem::get,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void serve() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        ops.mount(router);
        ErrorResponses.install(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void healthyServiceIsLiveAndReady() throws Exception {
        assertEquals("200 {\"status\":\"UP\"}", get("/health/live"));
        assertEquals("200 {\"status\":\"UP\"}", get("/health/ready"));
    }

    @Test
    void notReadyIsA503WithTheReasonWhileStillLive() throws Exception {
        readyProblem.set(Optional.of("Kafka unreachable"));

        assertEquals("503 {\"status\":\"DOWN\",\"reason\":\"Kafka unreachable\"}", get("/health/ready"));
        assertEquals("200 {\"status\":\"UP\"}", get("/health/live"));
    }

    @Test
    void aServiceStuckForGoodFailsLivenessSoItIsRestarted() throws Exception {
        liveProblem.set(Optional.of("Kafka Streams is in ERROR"));

        assertEquals("503 {\"status\":\"DOWN\",\"reason\":\"Kafka Streams is in ERROR\"}", get("/health/live"));
    }

    @Test
    void drainingTurnsReadinessDownFirst() throws Exception {
        ops.startDraining();

        assertEquals("503 {\"status\":\"DOWN\",\"reason\":\"shutting down\"}", get("/health/ready"));
    }

    @Test
    void servesPrometheusMetricsAndJsonErrorsForUnknownPaths() throws Exception {
        assertTrue(get("/metrics").startsWith("200 "));
        assertEquals("404 {\"error\":\"no such resource: /nope\"}", get("/nope"));
    }

    private String get(String path) {
        Http.Reply reply = Http.get(server.actualPort(), path);
        return reply.status() + " " + reply.body();
    }
}
