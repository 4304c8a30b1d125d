package liveccu.benchmarks;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline: a Vert.x server with the collector's event loops answering every request an empty
 * 200, with no routing, parsing or Kafka: the barest HTTP answer this machine gives. The collector's
 * costs are reported as ratios to this, measured in the same run, so the figures say what our work
 * costs rather than what this machine can do. (Until 2026-12-01 it routed through a Router with the
 * collector's beacon routes; the collector no longer routes beacons, so neither does the baseline.)
 */
public final class BareServer extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(BareServer.class);

    private final int port;

    private BareServer(int port) {
        this.port = port;
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer().requestHandler(request -> request.response().end()).listen(port);
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
