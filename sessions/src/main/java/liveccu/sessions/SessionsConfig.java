package liveccu.sessions;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import liveccu.ops.config.Env;
import liveccu.ops.config.PipelineSettings;
import liveccu.ops.http.LivenessExit;
import liveccu.sessions.limit.SessionRules;
import liveccu.streams.StreamThreadWatch;
import liveccu.tokens.TokenSettings;

/**
 * The sessions service's settings, from environment variables (defaults in brackets):
 *
 * <ul>
 *   <li>{@code CCU_SESSIONS_PORT} [8083] — the sessions API, health and metrics</li>
 *   <li>{@code CCU_SESSIONS_APP_ID} [liveccu-sessions] — Kafka Streams application id of the limiter;
 *       instances with one id share the viewers</li>
 *   <li>{@code CCU_SESSIONS_STATE_DIR} [data/sessions] — the limiter's local state (rebuilt from Kafka when lost)</li>
 *   <li>{@code CCU_SESSIONS_HEARTBEAT_SECONDS} [60] — the heartbeat interval players are told (Brightcove's minimum)</li>
 *   <li>{@code CCU_SESSIONS_MISSED_HEARTBEATS} [3] — heartbeats a session may miss before it expires and frees its slot</li>
 *   <li>{@code CCU_SESSIONS_COMMIT_INTERVAL_MS} [50] — the limiter's exactly-once commit: every answer waits for it</li>
 *   <li>{@code CCU_SESSIONS_REPLY_TIMEOUT_MS} [5000] — how long a request waits for the limiter before 503</li>
 *   <li>{@code CCU_STREAM_STALL_SECONDS} [60] — a limiter's stream thread that has not polled Kafka this
 *       long makes the instance not ready, twice this long not live; 0: not watched ({@link StreamThreadWatch})</li>
 *   <li>{@code CCU_LIVENESS_EXIT_SECONDS} [30] — the process exits when it has not been live this long, so that
 *       Compose or systemd starts it again; 0: never ({@link LivenessExit})</li>
 *   <li>{@code CCU_API_KEY} [unset] — the operator key ({@code x-api-key}): any session of an account</li>
 *   <li>plus {@link TokenSettings} (CCU_TOKEN_SECRET and/or CCU_TOKEN_PUBLIC_KEYS: required here) and the
 *       shared {@link PipelineSettings}</li>
 * </ul>
 */
public record SessionsConfig(
        int port,
        String applicationId,
        Path stateDir,
        SessionRules rules,
        Duration commitInterval,
        Duration replyTimeout,
        Duration streamStall,
        Duration livenessExit,
        Optional<String> operatorKey,
        String instanceId,
        TokenSettings tokens,
        PipelineSettings pipeline) {

    public static SessionsConfig read(Env env, String defaultBootstrap) {
        TokenSettings tokens = TokenSettings.read(env);
        if (!tokens.hasKeys()) {
            env.error("the sessions service verifies viewer tokens: set CCU_TOKEN_SECRET or CCU_TOKEN_PUBLIC_KEYS");
        }
        return new SessionsConfig(
                env.integer("CCU_SESSIONS_PORT", 8083, 0, 65535),
                env.string("CCU_SESSIONS_APP_ID", "liveccu-sessions"),
                Path.of(env.string("CCU_SESSIONS_STATE_DIR", "data/sessions")),
                new SessionRules(
                        env.duration("CCU_SESSIONS_HEARTBEAT_SECONDS", Duration.ofSeconds(60), ChronoUnit.SECONDS, Duration.ofHours(1)),
                        env.integer("CCU_SESSIONS_MISSED_HEARTBEATS", 3, 1, 100)),
                env.duration("CCU_SESSIONS_COMMIT_INTERVAL_MS", Duration.ofMillis(50), ChronoUnit.MILLIS, Duration.ofMinutes(1)),
                env.duration("CCU_SESSIONS_REPLY_TIMEOUT_MS", Duration.ofSeconds(5), ChronoUnit.MILLIS, Duration.ofMinutes(1)),
                env.duration(StreamThreadWatch.SETTING, StreamThreadWatch.DEFAULT_NOT_READY_AFTER, ChronoUnit.SECONDS,
                        StreamThreadWatch.MAX_NOT_READY_AFTER),
                env.duration(LivenessExit.SETTING, LivenessExit.DEFAULT_AFTER, ChronoUnit.SECONDS, Duration.ofHours(1)),
                env.optional("CCU_API_KEY"),
                UUID.randomUUID().toString(),
                tokens,
                PipelineSettings.read(env, defaultBootstrap));
    }

    /** Never print the operator key. */
    @Override
    public String toString() {
        return "SessionsConfig[port=" + port + ", applicationId=" + applicationId + ", stateDir=" + stateDir + ", rules=" + rules
                + ", commitInterval=" + commitInterval + ", replyTimeout=" + replyTimeout + ", streamStall=" + streamStall + ", livenessExit=" + livenessExit
                + ", operatorKey="
                + (operatorKey.isPresent() ? "<set>" : "<unset>") + ", instanceId=" + instanceId + ", tokens=" + tokens
                + ", pipeline=" + pipeline + "]";
    }
}
