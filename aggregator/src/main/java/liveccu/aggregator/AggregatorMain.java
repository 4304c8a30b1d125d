package liveccu.aggregator;

import io.vertx.core.Vertx;
import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import liveccu.ops.http.LivenessExit;
import liveccu.ops.metrics.Metrics;

/** Runs the aggregator alone against the Kafka cluster in KAFKA_BOOTSTRAP_SERVERS. */
public final class AggregatorMain {

    private AggregatorMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("aggregator", () -> {
            Env env = Env.system();
            AggregatorConfig config = AggregatorConfig.read(env, null);
            env.failIfInvalid();
            ServiceMain.provisionTopics(config.pipeline());
            Vertx vertx = Vertx.vertx();
            Aggregator aggregator = ServiceMain.await(Aggregator.start(vertx, config, Metrics.newRegistry("aggregator")));
            LivenessExit.watch("aggregator", aggregator::failedReason, config.livenessExit());
            return () -> {
                ServiceMain.await(aggregator.stop(vertx));
                ServiceMain.await(vertx.close());
            };
        });
    }
}
