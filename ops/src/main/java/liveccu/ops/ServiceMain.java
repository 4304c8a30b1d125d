package liveccu.ops;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import liveccu.model.TopicProvisioner;
import liveccu.ops.config.ConfigException;
import liveccu.ops.config.PipelineSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service's {@code main} does the same way: report all configuration errors at once and
 * exit 2, exit 1 when start-up fails, and stop in order on SIGTERM.
 */
public final class ServiceMain {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);
    private static final Duration STARTUP_KAFKA_WAIT = Duration.ofMinutes(2);

    /** Starts a service and returns how to stop it. */
    @FunctionalInterface
    public interface Startup {
        Runnable start() throws Exception;
    }

    private ServiceMain() {
    }

    public static void run(String service, Startup startup) {
        Runnable stop;
        try {
            stop = startup.start();
        } catch (ConfigException e) {
            LOG.error("{}: {}", service, e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            Optional<PortInUse> busy = PortInUse.in(e);
            if (busy.isPresent()) {
                LOG.error("{} cannot start: {}", service, busy.get().getMessage());
                System.exit(1);
                return;
            }
            LOG.error("{} failed to start", service, e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{} stopping", service);
            try {
                stop.run();
            } catch (RuntimeException e) {
                LOG.warn("{} did not stop cleanly", service, e);
            }
            LOG.info("{} stopped", service);
        }, service + "-shutdown"));
    }

    /**
     * Creates missing topics and brings personal-data retention to the settings, waiting for the
     * cluster to answer at start-up; logs what it changed on existing topics.
     */
    public static void provisionTopics(PipelineSettings pipeline) throws InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers()))) {
            for (String change : new TopicProvisioner(admin, pipeline.topics()).ensureAll(STARTUP_KAFKA_WAIT)) {
                LOG.info("personal data kept as configured ({}): {}", PipelineSettings.VIEWER_DATA_RETENTION, change);
            }
        }
    }

    /** Waits for a Vert.x future from a non-Vert.x thread (main, shutdown hook). */
    public static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(STARTUP_KAFKA_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out", e);
        }
    }
}
