package liveccu.sessions.limit;

import java.util.List;

/** Every session of one viewer (account and uid): the state the limit is decided on. */
record ViewerStreams(List<StreamSession> sessions) {
}
