package liveccu.collector.ccu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import liveccu.model.Side;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The fast path's split: exactly the beacon shape, anything else left to the router. */
class BeaconPathTest {

    @Test
    void splitsBothSides() {
        assertEquals(new BeaconPath("g", "j", "s", "acc.1", "1534640088.5", Side.SS),
                BeaconPath.match("/g/j/s/acc.1/1534640088.5/heartbeat"));
        assertEquals(Side.CS, BeaconPath.match("/g/j/s/a/1/csheartbeat").side());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/health/ready", "/g/j/s/a/1/heartbeat/", "/g/j/s/a/1/heartbeats", "/g/j/s/a/heartbeat",
            "/x/g/j/s/a/1/heartbeat", "/g//s/a/1/heartbeat", "/g/j/s/a%2Fb/1/heartbeat", "g/j/s/a/1/heartbeat",
            "/v1/accounts/acc/events", "/cmcd/acc/142bbf588a574e018de94136a664cfaf"})
    void leavesEverythingElseToTheRouter(String path) {
        assertNull(BeaconPath.match(path), path);
    }
}
