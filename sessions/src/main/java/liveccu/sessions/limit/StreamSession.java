package liveccu.sessions.limit;

/**
 * One streaming session of one viewer at one streaming location (correlator): the unit a
 * concurrency limit counts. Published to {@code ccu.stream-sessions} keyed by session id.
 *
 * @param correlator the token's {@code sid}: the same correlator is the same slot (a reload keeps it)
 * @param stopped    stopped through the API: its next heartbeat is refused until it expires
 */
public record StreamSession(String sessionId, String accountId, String userId, String correlator, String video,
                            long startedMs, long lastSeenMs, boolean stopped) {

    StreamSession renewed(long atMs, String playing) {
        return new StreamSession(sessionId, accountId, userId, correlator, playing, startedMs, Math.max(lastSeenMs, atMs), stopped);
    }

    StreamSession asStopped() {
        return new StreamSession(sessionId, accountId, userId, correlator, video, startedMs, lastSeenMs, true);
    }

    boolean expiredAt(long nowMs, long expiryMs) {
        return lastSeenMs + expiryMs < nowMs;
    }
}
