package liveccu.collector;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import liveccu.ops.metrics.Metrics;

/** Runs the collector alone against the Kafka cluster in KAFKA_BOOTSTRAP_SERVERS. */
public final class CollectorMain {

    private CollectorMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("collector", () -> {
            Env env = Env.system();
            CollectorConfig config = CollectorConfig.read(env, null);
            env.failIfInvalid();
            ServiceMain.provisionTopics(config.pipeline());
            PrometheusMeterRegistry registry = Metrics.newRegistry("collector");
            Vertx vertx = Vertx.vertx();
            Collector collector = ServiceMain.await(Collector.start(vertx, config, registry));
            return () -> {
                ServiceMain.await(collector.stop());
                ServiceMain.await(vertx.close());
            };
        });
    }
}
