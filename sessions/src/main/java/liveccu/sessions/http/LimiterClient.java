package liveccu.sessions.http;

import io.vertx.core.Future;
import liveccu.sessions.limit.SessionCommand;
import liveccu.sessions.limit.SessionDecision;

/**
 * The limiter as the routes ask it: {@link Replies} asks over Kafka; the route tests answer in
 * memory, so the HTTP side is tested without a broker.
 */
public interface LimiterClient {

    /** This instance: commands carry it so that the decision comes back here. */
    String instanceId();

    /** The limiter's decision; fails when the limiter cannot be asked or does not answer in time. */
    Future<SessionDecision> ask(SessionCommand command);
}
