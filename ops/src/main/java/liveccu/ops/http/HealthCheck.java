package liveccu.ops.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/** Whether a service is healthy in one respect (alive, or ready for work); the reason when it is not. */
@FunctionalInterface
public interface HealthCheck {

    /** Always healthy: the liveness of a service that cannot get stuck short of not answering HTTP. */
    HealthCheck ALWAYS = Optional::empty;

    /** Empty when healthy, else a short reason shown on the health endpoint. */
    Optional<String> problem();

    /**
     * Waits, at start-up, for a service to be ready the first time, so that "started" means "serving".
     * After {@code wait} it logs {@code ifStillNotReady} and completes anyway: the service then serves,
     * its readiness endpoint answering 503 until it is ready.
     */
    static Future<Void> awaitFirst(Vertx vertx, CompletionStage<Void> ready, Duration wait, String ifStillNotReady) {
        return Future.fromCompletionStage(ready, vertx.getOrCreateContext())
                .timeout(wait.toMillis(), TimeUnit.MILLISECONDS)
                .otherwise(e -> {
                    LoggerFactory.getLogger(HealthCheck.class).warn("not ready after {}: {}", wait, ifStillNotReady);
                    return null;
                });
    }
}
