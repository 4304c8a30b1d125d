package liveccu.collector;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import liveccu.collector.ccu.BeaconRoutes;
import liveccu.collector.intake.IntakeRoutes;
import liveccu.ops.PortInUse;
import liveccu.ops.http.ErrorResponses;
import liveccu.ops.http.OpsRoutes;

/**
 * One HTTP server instance of the collector (one per event loop): the intakes' routes on one router,
 * beacons first and before it (nearly every request is one).
 */
final class CollectorVerticle extends VerticleBase {

    private final int port;
    private final BeaconRoutes beacons;
    private final OpsRoutes ops;
    private final AtomicInteger boundPort;
    private final List<IntakeRoutes> intakes;
    private Router router;

    CollectorVerticle(int port, BeaconRoutes beacons, OpsRoutes ops, AtomicInteger boundPort) {
        this(port, beacons, ops, boundPort, List.of());
    }

    /** @param intakes the other intakes' routes served beside beacons (player events and CMCD reports, CDN logs) */
    CollectorVerticle(int port, BeaconRoutes beacons, OpsRoutes ops, AtomicInteger boundPort, List<IntakeRoutes> intakes) {
        this.port = port;
        this.beacons = beacons;
        this.ops = ops;
        this.boundPort = boundPort;
        this.intakes = intakes;
    }

    @Override
    public Future<?> start() {
        router = Router.router(vertx);
        // Players fire beacons from web pages: a token in the Authorization header needs a preflight,
        // and so do CMCD reports and player events POSTed with their content type or gzip encoding.
        router.route().handler(CorsHandler.create()
                .addOrigin("*")
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("authorization", "x-api-key", "content-type", "content-encoding"))
                .maxAgeSeconds(3600));
        ops.mount(router);
        beacons.mount(router);
        intakes.forEach(routes -> routes.mount(router));
        ErrorResponses.install(router);
        // Beacons, nearly every request, go straight to their handler; everything else through the router.
        Handler<HttpServerRequest> requests = request -> {
            if (!beacons.handled(request)) {
                router.handle(request);
            }
        };
        // port 0 means "any free port"; -1 makes every instance share that one random port
        var listening = vertx.createHttpServer().requestHandler(requests).listen(port == 0 ? -1 : port);
        return PortInUse.explain(listening, port, "collector", "CCU_COLLECTOR_PORT")
                .onSuccess(server -> boundPort.set(server.actualPort()));
    }

    /** The routes its router holds (beacons also have their fast path before it, to the same handler). */
    List<Route> routes() {
        return router.getRoutes();
    }
}
