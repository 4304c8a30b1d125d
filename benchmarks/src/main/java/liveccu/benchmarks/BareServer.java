package liveccu.benchmarks;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import liveccu.model.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline: a Vert.x server with the collector's routes and event loops, answering an empty 200
 * without parsing or Kafka. Collector throughput is reported as a ratio to this, measured in the
 * same run, so the figure says what our work costs rather than what this machine can do.
 */
public final class BareServer extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(BareServer.class);

    private final int port;

    private BareServer(int port) {
        this.port = port;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        for (Side side : Side.values()) {
            router.get("/:guid/:jobid/:sessionid/:accountid/:time/" + side.pathSuffix())
                    .handler(ctx -> ctx.response().end());
        }
        return vertx.createHttpServer().requestHandler(router).listen(port);
    }

    /** Usage: BareServer PORT EVENT_LOOPS */
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int instances = Integer.parseInt(args[1]);
        Vertx.vertx().deployVerticle(() -> new BareServer(port), new DeploymentOptions().setInstances(instances))
                .onSuccess(id -> LOG.info("bare server listening on port {}", port))
                .onFailure(e -> {
                    LOG.error("bare server failed to start", e);
                    System.exit(1);
                });
    }
}
