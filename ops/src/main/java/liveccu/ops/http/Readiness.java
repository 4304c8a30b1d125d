package liveccu.ops.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/** Whether a service can do its work now; the reason when it cannot. */
@FunctionalInterface
public interface Readiness {

    /** Empty when ready, else a short reason shown on the readiness endpoint. */
    Optional<String> notReadyReason();

    /**
     * Waits, at start-up, for a service to be ready the first time, so that "started" means "serving".
     * After {@code wait} it logs {@code ifStillNotReady} and completes anyway: the service then serves,
     * its readiness endpoint answering 503 until it is ready.
     */
    static Future<Void> awaitFirst(Vertx vertx, CompletionStage<Void> ready, Duration wait, String ifStillNotReady) {
        return Future.fromCompletionStage(ready, vertx.getOrCreateContext())
                .timeout(wait.toMillis(), TimeUnit.MILLISECONDS)
                .otherwise(e -> {
                    LoggerFactory.getLogger(Readiness.class).warn("not ready after {}: {}", wait, ifStillNotReady);
                    return null;
                });
    }
}
