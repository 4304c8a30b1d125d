package liveccu.api.openapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API description, {@code docs/openapi.yaml} (copied onto the classpath by the build), served as
 * written at {@code GET /openapi.yaml} and as JSON at {@code GET /openapi.json}. No key needed: it
 * describes the routes, and holds no data.
 */
public final class OpenApiRoutes {

    /** Where the build puts docs/openapi.yaml. */
    public static final String RESOURCE = "openapi/openapi.yaml";

    private final Buffer yaml;
    private final Buffer json;

    private OpenApiRoutes(byte[] yaml, byte[] json) {
        this.yaml = Buffer.buffer(yaml);
        this.json = Buffer.buffer(json);
    }

    /** Reads the description from the classpath, once (blocking: call it off the event loop). */
    public static OpenApiRoutes fromClasspath() {
        try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath: the api module's build copies it from docs/");
            }
            byte[] yaml = in.readAllBytes();
            return new OpenApiRoutes(yaml, new ObjectMapper().writeValueAsBytes(new YAMLMapper().readTree(yaml)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Mount before the dashboard: its static files match any {@code /name.ext}. */
    public void mount(Router router) {
        router.get("/openapi.yaml").handler(ctx -> ctx.response()
                .putHeader("content-type", "application/yaml; charset=utf-8").end(yaml));
        router.get("/openapi.json").handler(ctx -> ctx.response()
                .putHeader("content-type", "application/json").end(json));
    }
}
