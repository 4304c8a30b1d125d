package liveccu.sessions.limit;

/**
 * A request to the limiter, keyed by {@link #viewerKey()} so that every request of one viewer is
 * decided by one task, one at a time: that is what makes the limit hold under races.
 *
 * @param requestId  unique per request; also the id of a session this request starts
 * @param replyTo    the instance waiting for the decision
 * @param limit      the token's {@code climit} (heartbeats only)
 * @param sessionId  the session to stop (STOP only)
 * @param atMs       when the instance received the request
 */
public record SessionCommand(String requestId, String replyTo, Type type, String accountId, String userId,
                             String correlator, String video, int limit, String sessionId, long atMs) {

    public enum Type { HEARTBEAT, STOP, LIST }

    public String viewerKey() {
        return viewerKey(accountId, userId);
    }

    public static String viewerKey(String accountId, String userId) {
        return accountId + "/" + userId;
    }
}
