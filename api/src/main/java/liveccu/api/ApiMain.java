package liveccu.api;

import io.vertx.core.Vertx;
import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import liveccu.ops.metrics.Metrics;

/** Runs one query API instance against the Kafka cluster in KAFKA_BOOTSTRAP_SERVERS. */
public final class ApiMain {

    private ApiMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("api", () -> {
            Env env = Env.system();
            ApiConfig config = ApiConfig.read(env, null);
            env.failIfInvalid();
            ServiceMain.provisionTopics(config.pipeline());
            Vertx vertx = Vertx.vertx();
            Api api = ServiceMain.await(Api.start(vertx, config, Metrics.newRegistry("api")));
            return () -> {
                ServiceMain.await(api.stop());
                ServiceMain.await(vertx.close());
            };
        });
    }
}
