package liveccu.api.dashboard;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.HEAD;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The operators' dashboard at {@code /}: a static page from {@code webroot/} and Chart.js from its
 * webjar, both read from the classpath, so the page works on a machine without internet.
 *
 * <p>No key check here: the page holds no data. It asks for the key and sends it to {@code /ccu}
 * and {@code /jobs} like any other client.
 */
public final class DashboardRoutes {

    private DashboardRoutes() {
    }

    /** Mount after the API's own routes: unknown paths fall through to the 404 answer. */
    public static void mount(Router router) {
        // Webjar paths carry the library's version, so browsers may keep them.
        router.route("/webjars/*").method(GET).method(HEAD)
                .handler(StaticHandler.create("META-INF/resources/webjars"));
        // The page's own files sit at the root. Matching only "/" and file names keeps other paths
        // answering as before: 404 for unknown ones, 405 for other methods on the API's routes.
        // Not cached: the page changes with each release.
        router.routeWithRegex("/|/[^/]+\\.[a-z]+").method(GET).method(HEAD)
                .handler(StaticHandler.create("webroot").setCachingEnabled(false));
    }
}
