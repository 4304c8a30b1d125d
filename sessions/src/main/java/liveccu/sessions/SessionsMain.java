package liveccu.sessions;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import liveccu.ops.http.LivenessExit;
import liveccu.ops.metrics.Metrics;

/** Runs the sessions service alone against the Kafka cluster in KAFKA_BOOTSTRAP_SERVERS. */
public final class SessionsMain {

    private SessionsMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("sessions", () -> {
            Env env = Env.system();
            SessionsConfig config = SessionsConfig.read(env, null);
            env.failIfInvalid();
            ServiceMain.provisionTopics(config.pipeline());
            SessionsService.provisionTopics(config);
            PrometheusMeterRegistry registry = Metrics.newRegistry("sessions");
            Vertx vertx = Vertx.vertx();
            SessionsService service = ServiceMain.await(SessionsService.start(vertx, config, registry));
            LivenessExit.watch("sessions", service::failedReason, config.livenessExit());
            return () -> {
                ServiceMain.await(service.stop());
                ServiceMain.await(vertx.close());
            };
        });
    }
}
