package liveccu.sessions.limit;

import java.time.Duration;

/**
 * @param heartbeatInterval how often players are told to heartbeat (Brightcove's default and minimum: 60 s)
 * @param missedHeartbeats  how many heartbeats a session may miss before it expires and frees its slot
 */
public record SessionRules(Duration heartbeatInterval, int missedHeartbeats) {

    public long expiryMs() {
        return heartbeatInterval.toMillis() * missedHeartbeats;
    }
}
