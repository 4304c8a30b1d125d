package liveccu.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;
import liveccu.api.dashboard.DashboardRoutes;
import liveccu.api.erasure.ViewerErasureRoutes;
import liveccu.api.http.ApiKeyCheck;
import liveccu.api.query.CcuRoutes;
import liveccu.api.viewers.ViewerReportRoutes;
import liveccu.ops.PortInUse;
import liveccu.ops.http.ErrorResponses;
import liveccu.ops.http.OpsRoutes;

/** The API's HTTP server: CORS for browser dashboards, the key check, the query routes and the dashboard page. */
final class ApiVerticle extends VerticleBase {

    private final int port;
    private final CcuRoutes ccu;
    private final ViewerReportRoutes viewers;
    private final ViewerErasureRoutes erasures;
    private final ApiKeyCheck keyCheck;
    private final OpsRoutes ops;
    private HttpServer server;

    ApiVerticle(int port, CcuRoutes ccu, ViewerReportRoutes viewers, ViewerErasureRoutes erasures, ApiKeyCheck keyCheck,
                OpsRoutes ops) {
        this.port = port;
        this.ccu = ccu;
        this.viewers = viewers;
        this.erasures = erasures;
        this.keyCheck = keyCheck;
        this.ops = ops;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        // As the seed API answered: any origin, and the two headers its page sends.
        router.route().handler(CorsHandler.create()
                .addOrigin("*")
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("Content-Type", "x-api-key"))
                .maxAgeSeconds(3600));
        ops.mount(router);
        router.get("/ccu").handler(keyCheck).handler(ccu::ccu);
        router.get("/ccu/account").handler(keyCheck).handler(ccu::accountCcu);
        router.get("/ccu/tracking").handler(keyCheck).handler(ccu::trackingCcu);
        router.get("/jobs").handler(keyCheck).handler(ccu::jobs);
        router.get("/accounts").handler(keyCheck).handler(ccu::accounts);
        router.get("/tracking").handler(keyCheck).handler(ccu::trackingIds);
        router.get("/viewers").handler(keyCheck).handler(viewers::report);
        // Operators only, once keys have scopes; until then behind the one key like every query.
        // (Vert.x takes the body handler first; 4 KiB bounds what is read before the key is checked.)
        router.post("/admin/viewers/erasures").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(keyCheck)
                .handler(erasures::erase);
        DashboardRoutes.mount(router);
        ErrorResponses.install(router);
        return PortInUse.explain(vertx.createHttpServer().requestHandler(router).listen(port), port, "query API", "CCU_API_PORT")
                .onSuccess(s -> server = s);
    }

    int actualPort() {
        return server.actualPort();
    }
}
