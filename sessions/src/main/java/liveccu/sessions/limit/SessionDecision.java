package liveccu.sessions.limit;

import java.util.List;

/**
 * The limiter's answer to one {@link SessionCommand}, for the instance that asked.
 *
 * @param status    the HTTP status to answer with
 * @param errorCode MAX_CONCURRENCY, SESSION_STOPPED or NOT_FOUND; null on success
 * @param current   the viewer's active (not stopped) sessions after the decision
 * @param sessions  the viewer's sessions (the active ones when refused, all for a list)
 */
public record SessionDecision(String requestId, String replyTo, int status, String errorCode, String message,
                              int current, int max, String sessionId, List<StreamSession> sessions) {
}
