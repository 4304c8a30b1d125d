package liveccu.sessions.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limiter's decisions, driven with explicit times. */
class SessionLimiterTest {

    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final SessionRules RULES = new SessionRules(Duration.ofSeconds(60), 2);

    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, SessionCommand> commands;
    private TestOutputTopic<String, SessionDecision> decisions;
    private TestOutputTopic<String, StreamSession> streamSessions;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "limiter-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        registry = new SimpleMeterRegistry();
        driver = new TopologyTestDriver(SessionsTopology.build(RULES, new SessionMetrics(registry)), props, T0);
        commands = driver.createInputTopic(SessionsTopology.COMMANDS, Serdes.String().serializer(), SessionsTopology.COMMAND_SERDE.serializer());
        decisions = driver.createOutputTopic(SessionsTopology.DECISIONS, Serdes.String().deserializer(),
                SessionsTopology.DECISION_SERDE.deserializer());
        streamSessions = driver.createOutputTopic(SessionsTopology.STREAM_SESSIONS, Serdes.String().deserializer(),
                SessionsTopology.STREAM_SESSION_SERDE.deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private SessionDecision send(SessionCommand.Type type, String user, String correlator, int limit, String sessionId, long atSeconds) {
        var command = new SessionCommand(UUID.randomUUID().toString(), "instance-1", type, "acc", user, correlator, "video-1",
                limit, sessionId, T0.plusSeconds(atSeconds).toEpochMilli());
        commands.pipeInput(command.viewerKey(), command, T0.plusSeconds(atSeconds));
        return decisions.readValue();
    }

    private SessionDecision heartbeat(String user, String correlator, int limit, long atSeconds) {
        return send(SessionCommand.Type.HEARTBEAT, user, correlator, limit, null, atSeconds);
    }

    @Test
    void refusesAStartBeyondTheLimitAndListsThePlayingSessions() {
        assertEquals(List.of(200, 1), List.of(heartbeat("u1", "tv", 2, 0).status(), heartbeat("u1", "tv", 2, 1).current()));
        assertEquals(2, heartbeat("u1", "phone", 2, 2).current());
        SessionDecision refused = heartbeat("u1", "laptop", 2, 3);
        assertEquals(List.of(403, "MAX_CONCURRENCY", 2, 2), List.of(refused.status(), refused.errorCode(), refused.current(), refused.max()));
        assertEquals(List.of("tv", "phone"), refused.sessions().stream().map(StreamSession::correlator).toList());
        assertEquals(200, heartbeat("u2", "laptop", 2, 4).status(), "another viewer has slots of their own");
        assertEquals(1.0, registry.counter("ccu_stream_sessions_refused").count());
    }

    @Test
    void theSameCorrelatorKeepsItsSlotAndSession() {
        SessionDecision first = heartbeat("u1", "tv", 1, 0);
        SessionDecision reload = heartbeat("u1", "tv", 1, 30);
        assertEquals(List.of(200, 1, first.sessionId()), List.of(reload.status(), reload.current(), reload.sessionId()));
    }

    @Test
    void aStoppedSessionIsRefusedAndNoLongerTakesASlot() {
        String tv = heartbeat("u1", "tv", 1, 0).sessionId();
        assertEquals(200, send(SessionCommand.Type.STOP, "u1", null, 0, tv, 10).status());
        SessionDecision next = heartbeat("u1", "tv", 1, 20);
        assertEquals(List.of(403, "SESSION_STOPPED"), List.of(next.status(), next.errorCode()));
        assertEquals(200, heartbeat("u1", "phone", 1, 21).status(), "the stopped session's slot is free");
        assertEquals(404, send(SessionCommand.Type.STOP, "u1", null, 0, "no-such-session", 22).status());
    }

    @Test
    void aSessionThatStopsHeartbeatingExpiresAndFreesItsSlot() {
        String tv = heartbeat("u1", "tv", 1, 0).sessionId();
        assertEquals(403, heartbeat("u1", "phone", 1, 100).status(), "one missed heartbeat: still holds its slot");
        assertEquals(200, heartbeat("u1", "phone", 1, 121).status(), "two missed heartbeats (120 s): expired");
        assertEquals(1.0, registry.counter("ccu_stream_sessions_expired").count());
        StreamSession last = null;
        for (var record : streamSessions.readKeyValuesToList()) {
            if (record.key.equals(tv)) {
                last = record.value;
            }
        }
        assertNull(last, "the expired session's last record is a tombstone");
    }

    @Test
    void theWallClockSweepFreesSlotsOfViewersWhoWentSilent() {
        heartbeat("u1", "tv", 1, 0);
        streamSessions.readKeyValuesToList();
        driver.advanceWallClockTime(Duration.ofSeconds(180));
        var records = streamSessions.readKeyValuesToList();
        assertEquals(1, records.size());
        assertNull(records.get(0).value);
        assertEquals(0, send(SessionCommand.Type.LIST, "u1", null, 0, null, 200).sessions().size());
    }
}
