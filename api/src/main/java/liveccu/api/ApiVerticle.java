package liveccu.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;
import liveccu.access.Access;
import liveccu.access.Scope;
import liveccu.access.admin.KeyAdminRoutes;
import liveccu.api.cdn.CdnRoutes;
import liveccu.api.dashboard.DashboardRoutes;
import liveccu.api.erasure.ViewerErasureRoutes;
import liveccu.api.openapi.OpenApiRoutes;
import liveccu.api.playback.PlaybackRoutes;
import liveccu.api.qoe.QoeRoutes;
import liveccu.api.ccu.CcuRoutes;
import liveccu.api.viewers.ViewerReportRoutes;
import liveccu.ops.PortInUse;
import liveccu.ops.http.ErrorResponses;
import liveccu.ops.http.OpsRoutes;

/**
 * The API's HTTP server: CORS for browser dashboards, the query routes each behind the scope it needs,
 * the operator's key management, the API description and the dashboard page.
 */
final class ApiVerticle extends VerticleBase {

    private final int port;
    private final CcuRoutes ccu;
    private final ViewerReportRoutes viewers;
    private final ViewerErasureRoutes erasures;
    private final Access access;
    private final KeyAdminRoutes keys;
    private final OpsRoutes ops;
    private final PlaybackRoutes playback;
    private final CdnRoutes cdn;
    private final QoeRoutes qoe;
    private final OpenApiRoutes description;
    private Router router;
    private HttpServer server;

    ApiVerticle(int port, CcuRoutes ccu, ViewerReportRoutes viewers, ViewerErasureRoutes erasures, Access access,
                KeyAdminRoutes keys, OpsRoutes ops, PlaybackRoutes playback, CdnRoutes cdn, QoeRoutes qoe) {
        this.port = port;
        this.ccu = ccu;
        this.viewers = viewers;
        this.erasures = erasures;
        this.access = access;
        this.keys = keys;
        this.ops = ops;
        this.playback = playback;
        this.cdn = cdn;
        this.qoe = qoe;
        this.description = OpenApiRoutes.fromClasspath();  // here, off the event loop
    }

    @Override
    public Future<?> start() {
        router = Router.router(vertx);
        // As the seed API answered: any origin, and the two headers its page sends.
        router.route().handler(CorsHandler.create()
                .addOrigin("*")
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("Content-Type", "x-api-key"))
                .maxAgeSeconds(3600));
        ops.mount(router);
        router.get("/access").handler(access.describeCaller());
        router.get("/ccu").handler(access.require(Scope.COUNTS)).handler(ccu::ccu);
        router.get("/ccu/account").handler(access.require(Scope.COUNTS)).handler(ccu::accountCcu);
        router.get("/ccu/tracking").handler(access.require(Scope.COUNTS)).handler(ccu::trackingCcu);
        router.get("/jobs").handler(access.require(Scope.COUNTS)).handler(ccu::jobs);
        router.get("/accounts").handler(access.require(Scope.COUNTS)).handler(ccu::accounts);
        router.get("/tracking").handler(access.require(Scope.COUNTS)).handler(ccu::trackingIds);
        router.get("/playback").handler(access.require(Scope.COUNTS)).handler(playback::playback);
        router.get("/playback/retention").handler(access.require(Scope.COUNTS)).handler(playback::retention);
        router.get("/cdn").handler(access.require(Scope.COUNTS)).handler(cdn::cdn);
        router.get("/qoe").handler(access.require(Scope.COUNTS)).handler(qoe::qoe);
        router.get("/qoe/breakdown").handler(access.require(Scope.COUNTS)).handler(qoe::breakdown);
        router.get("/qoe/startup").handler(access.require(Scope.COUNTS)).handler(qoe::startup);
        router.get("/viewers").handler(access.require(Scope.VIEWERS)).handler(viewers::report);
        // (Vert.x takes the body handler first; 4 KiB bounds what is read before the key is checked.)
        router.post("/admin/viewers/erasures").handler(BodyHandler.create(false).setBodyLimit(4096))
                .handler(access.operatorOnly()).handler(erasures::erase);
        keys.mount(router, access);
        description.mount(router);
        DashboardRoutes.mount(router);
        ErrorResponses.install(router);
        return PortInUse.explain(vertx.createHttpServer().requestHandler(router).listen(port), port, "query API", "CCU_API_PORT")
                .onSuccess(s -> server = s);
    }

    int actualPort() {
        return server.actualPort();
    }

    /** The routes its router holds. */
    List<Route> routes() {
        return router.getRoutes();
    }
}
