package liveccu.ops.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one error body, {@code {"error": reason}}, whatever failed: a handler, Vert.x's own handlers, the router. */
class ErrorResponsesTest {

    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void serve() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/refused").handler(ctx -> {
            throw new HttpFailure(409, "not now");
        });
        router.get("/bug").handler(ctx -> {
            throw new IllegalStateException("a bug");
        });
        router.get("/status").handler(ctx -> ctx.fail(Integer.parseInt(ctx.request().getParam("code"))));
        router.post("/small").handler(BodyHandler.create().setBodyLimit(16)).handler(ctx -> ctx.end());
        ErrorResponses.install(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aHandlersFailureIsItsStatusAndReason() {
        assertEquals("409 {\"error\":\"not now\"}", answer(Http.get(server.actualPort(), "/refused")));
    }

    @Test
    void anythingElseIsA500WithoutItsDetails() {
        assertEquals("500 {\"error\":\"internal error\"}", answer(Http.get(server.actualPort(), "/bug")));
    }

    @Test
    void unknownPathsAndMethodsSaySo() {
        assertEquals("404 {\"error\":\"no such resource: /nothing\"}", answer(Http.get(server.actualPort(), "/nothing")));
        assertEquals("405 {\"error\":\"method POST not allowed here\"}",
                answer(Http.post(server.actualPort(), "/refused", "")));
    }

    @Test
    void aStatusWithoutAReasonIsNamedByItsStatus() {
        assertEquals("413 {\"error\":\"request entity too large\"}",
                answer(Http.post(server.actualPort(), "/small", "a body longer than sixteen bytes")));
        assertEquals("400 {\"error\":\"bad request\"}", answer(Http.get(server.actualPort(), "/status?code=400")));
        assertEquals("415 {\"error\":\"unsupported media type\"}", answer(Http.get(server.actualPort(), "/status?code=415")));
    }

    private static String answer(Http.Reply reply) {
        return reply.status() + " " + reply.body();
    }
}
