package liveccu.ops.http;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a service's process once its liveness has failed at every look, {@link #EVERY} apart, for
 * {@value #SETTING} — what Kubernetes' liveness probe does in deploy/kubernetes (every 10 s, 3 failures),
 * for a service run alone under Docker Compose or systemd, which restart a process that exits but not one
 * that only answers {@code /health/live} 503 (an aggregator whose Kafka Streams client shut down stays up,
 * counting nothing). Not for the all-in-one: its collector still takes beacons while its aggregator is down.
 */
public final class LivenessExit {

    public static final String SETTING = "CCU_LIVENESS_EXIT_SECONDS";
    public static final Duration DEFAULT_AFTER = Duration.ofSeconds(30);
    static final Duration EVERY = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(LivenessExit.class);

    private final HealthCheck liveness;
    private final int failuresToExit;
    private int failuresInARow;

    LivenessExit(HealthCheck liveness, int failuresToExit) {
        this.liveness = liveness;
        this.failuresToExit = failuresToExit;
    }

    /**
     * Asks {@code liveness} every {@link #EVERY} on a thread of its own and, once it has failed at every look for
     * {@code after} (zero: never), logs why and exits with status 1 (the shutdown hooks stop the service in order
     * first).
     */
    public static void watch(String service, HealthCheck liveness, Duration after) {
        if (after.isZero()) {
            return;
        }
        int failures = (int) Math.max(1, after.toMillis() / EVERY.toMillis());
        LivenessExit exit = new LivenessExit(liveness, failures);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, service + "-liveness-exit");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> exit.check().ifPresent(reason -> {
            LOG.error("{} not live {} times in a row, {} s apart ({}): exiting, so that whatever runs it starts it again",
                    service, failures, EVERY.toSeconds(), reason);
            System.exit(1);
        }), EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One look at liveness: the reason to exit now, or empty (live, or not yet failed often enough in a row). */
    Optional<String> check() {
        Optional<String> problem = liveness.problem();
        failuresInARow = problem.isPresent() ? failuresInARow + 1 : 0;
        return failuresInARow >= failuresToExit ? problem : Optional.empty();
    }
}
