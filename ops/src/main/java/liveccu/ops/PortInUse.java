package liveccu.ops;

import io.vertx.core.Future;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * A port a service needs is taken. Start-up fails with one line that says which port, what needs
 * it and which setting moves it, instead of a stack trace from deep inside a server.
 */
public final class PortInUse extends RuntimeException {

    public PortInUse(int port, String owner, String setting) {
        super("port " + port + " is already in use; the " + owner + " needs it: stop what holds it, or set "
                + setting + " to another port");
    }

    /** Fails now if {@code port} cannot be bound; 0 (any free port) needs no check. */
    public static void check(int port, String owner, String setting) {
        if (port <= 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new PortInUse(port, owner, setting);
        }
    }

    /** {@code listening} with a bind failure turned into this exception; other failures pass unchanged. */
    public static <T> Future<T> explain(Future<T> listening, int port, String owner, String setting) {
        return listening.recover(e -> Future.failedFuture(isBindFailure(e) ? new PortInUse(port, owner, setting) : e));
    }

    /** This exception, if it is {@code failure} or one of its causes. */
    public static Optional<PortInUse> in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PortInUse portInUse) {
                return Optional.of(portInUse);
            }
        }
        return Optional.empty();
    }

    // Netty's native transport reports EADDRINUSE as its own IOException, not a BindException.
    private static boolean isBindFailure(Throwable e) {
        return e instanceof BindException
                || (e.getMessage() != null && e.getMessage().contains("Address already in use"));
    }
}
