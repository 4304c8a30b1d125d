package liveccu.benchmarks;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import liveccu.collector.Collector;
import liveccu.collector.CollectorConfig;
import liveccu.kafka.EmbeddedKafkaBroker;
import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import liveccu.ops.metrics.Metrics;
import org.slf4j.LoggerFactory;

/**
 * The collector exactly as it runs in production (acks=all, idempotent producer), with a real broker
 * on loopback and nothing else competing for the cores: what the collector benchmark loads.
 * Settings come from the environment like the collector's own (CCU_COLLECTOR_PORT, …).
 */
public final class CollectorWithBroker {

    private CollectorWithBroker() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("liveccu-bench-kafka");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(data, 0).start();
        Env env = Env.system().withDefault("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        CollectorConfig config = CollectorConfig.read(env, null);
        env.failIfInvalid();
        ServiceMain.provisionTopics(config.pipeline());
        Vertx vertx = Vertx.vertx();
        Collector collector = ServiceMain.await(Collector.start(vertx, config, Metrics.newRegistry("collector")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ServiceMain.await(collector.stop());
            ServiceMain.await(vertx.close());
            broker.stop();
        }));
        LoggerFactory.getLogger(CollectorWithBroker.class).info("collector with broker listening on port {}", collector.port());
    }
}
