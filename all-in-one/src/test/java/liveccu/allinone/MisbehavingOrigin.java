package liveccu.allinone;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The players' origin in the QoE tests: one stream made once, served under {@code /case/{name}/} for each case, and
 * the players' pages at the root; per case and file it misbehaves on purpose — answers 404, never answers, or holds
 * the file back until the test lets it go. Every stream request is recorded with its time, so a test can wait for
 * the player to have asked for a file.
 */
final class MisbehavingOrigin implements AutoCloseable {

    /** A stream request as the origin saw it. */
    record Request(String caseName, String file, long atMs) {
    }

    /** A file held back from one case's player until released (a retried request is held too). */
    static final class Hold {
        private final Vertx vertx;
        private final Promise<Void> released = Promise.promise();

        private Hold(Vertx vertx) {
            this.vertx = vertx;
        }

        /** Lets the file go after {@code delay}: how long the player waits beyond what it was kept waiting already. */
        void releaseAfter(Duration delay) {
            vertx.setTimer(Math.max(1, delay.toMillis()), id -> released.tryComplete());
        }
    }

    private sealed interface Misbehaviour {
    }

    private record NotFound() implements Misbehaviour {
    }

    private record NeverAnswer() implements Misbehaviour {
    }

    private record HeldBack(Hold hold) implements Misbehaviour {
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final Path streamDir;
    private final Map<String, Misbehaviour> misbehaviours = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private MisbehavingOrigin(Vertx vertx, HttpServer server, Path streamDir) {
        this.vertx = vertx;
        this.server = server;
        this.streamDir = streamDir;
    }

    /**
     * @param webRoot   the players' pages and scripts, served as they are
     * @param streamDir the stream's playlists and segments, served under {@code /case/{name}/}
     */
    static MisbehavingOrigin start(Vertx vertx, Path webRoot, Path streamDir) throws Exception {
        Router router = Router.router(vertx);
        MisbehavingOrigin[] origin = new MisbehavingOrigin[1];
        router.get("/case/:case/:file").handler(ctx -> origin[0].serve(ctx));
        router.route().handler(StaticHandler.create(FileSystemAccess.ROOT, webRoot.toString()).setCachingEnabled(false));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        origin[0] = new MisbehavingOrigin(vertx, server, streamDir);
        return origin[0];
    }

    int port() {
        return server.actualPort();
    }

    /** The absolute URL of a case's copy of a stream file (Shaka with CMCD needs an absolute one). */
    String url(String caseName, String file) {
        return "http://localhost:" + port() + "/case/" + caseName + "/" + file;
    }

    /** The URL of a page of the web root, with its query. */
    String page(String pathAndQuery) {
        return "http://localhost:" + port() + "/" + pathAndQuery;
    }

    void answerNotFound(String caseName, String file) {
        misbehaviours.put(caseName + "/" + file, new NotFound());
    }

    void neverAnswer(String caseName, String file) {
        misbehaviours.put(caseName + "/" + file, new NeverAnswer());
    }

    Hold holdBack(String caseName, String file) {
        Hold hold = new Hold(vertx);
        misbehaviours.put(caseName + "/" + file, new HeldBack(hold));
        return hold;
    }

    /** Whether the case's player has asked for the file (whatever it was answered). */
    boolean requested(String caseName, String file) {
        return requests.stream().anyMatch(r -> r.caseName().equals(caseName) && r.file().equals(file));
    }

    private void serve(RoutingContext ctx) {
        String caseName = ctx.pathParam("case");
        String file = ctx.pathParam("file");
        requests.add(new Request(caseName, file, System.currentTimeMillis()));
        Path path = streamDir.resolve(file).normalize();
        if (!path.startsWith(streamDir) || !Files.isRegularFile(path)) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        Misbehaviour misbehaviour = misbehaviours.get(caseName + "/" + file);
        if (misbehaviour instanceof NotFound) {
            ctx.response().setStatusCode(404).end();
        } else if (misbehaviour instanceof HeldBack held) {
            held.hold().released.future().onComplete(done -> send(ctx, path));
        } else if (!(misbehaviour instanceof NeverAnswer)) {
            send(ctx, path);
        }
        // never answered: the request stays open until the player gives up or its page is closed
    }

    private static void send(RoutingContext ctx, Path path) {
        if (ctx.response().closed()) {
            return;  // the player gave up on this request (it asks again, or its page is gone)
        }
        String name = path.getFileName().toString();
        ctx.response().putHeader("content-type", name.endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp4")
                .putHeader("cache-control", "no-store")
                .sendFile(path.toString());
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
