package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The JSON on {@code ccu.player-events} is a contract: its field names are pinned here. */
class PlayerEventTest {

    private static final PlayerEvent PLAYING = new PlayerEvent("player", "playing", "acc", "pb-1", 1_764_500_000_000L,
            1_764_500_001_000L, "c1", "vod", "Others", "example.com", "dev-1", "news", "dist", "prod", "show", "zone-1",
            10.0, 42.5, "Mozilla/5.0", "00112233445566778899aabbccddeeff", null);

    @Test
    void writesSnakeCaseFieldNamesAndLeavesOutAbsentValues() {
        String json = new String(Topics.PLAYER_EVENTS.valueSerde().serializer().serialize("t", PLAYING), StandardCharsets.UTF_8);

        assertEquals("{\"source\":\"player\",\"type\":\"playing\",\"account_id\":\"acc\",\"playback_id\":\"pb-1\","
                + "\"event_time_ms\":1764500000000,\"received_at_ms\":1764500001000,\"content_id\":\"c1\","
                + "\"content_type\":\"vod\",\"property\":\"Others\",\"referrer_domain\":\"example.com\",\"device_id\":\"dev-1\","
                + "\"category\":\"news\",\"distributor\":\"dist\",\"producer\":\"prod\",\"show\":\"show\",\"zone\":\"zone-1\","
                + "\"seconds_played\":10.0,\"position_s\":42.5,\"user_agent\":\"Mozilla/5.0\","
                + "\"ip_hash\":\"00112233445566778899aabbccddeeff\"}", json);
    }

    @Test
    void readsBackWhatItWrote() {
        var cmcd = new PlayerEvent("cmcd", "cmcd", "acc", "sid-1", 1L, 2L, null, "live", "Others", null, null, null, null,
                null, null, null, null, 45.0, null, "h",
                new PlayerEvent.Cmcd("142bbf588a574e018de94136a664cfaf", "t", "p", true, "0123456789abcdef0123456789abcdef",
                        3L, 3000L, 5000L, "h", "l", 2L));
        var serde = Topics.PLAYER_EVENTS.valueSerde();
        for (PlayerEvent event : new PlayerEvent[] {PLAYING, cmcd}) {
            assertEquals(event, serde.deserializer().deserialize("t", serde.serializer().serialize("t", event)));
        }
        String json = new String(serde.serializer().serialize("t", cmcd), StandardCharsets.UTF_8);
        assertEquals(true, json.contains("\"cmcd\":{\"job_id\":\"142bbf588a574e018de94136a664cfaf\",\"e\":\"t\",\"sta\":\"p\","
                + "\"heartbeat\":true,\"session_id\":\"0123456789abcdef0123456789abcdef\",\"sn\":3,\"br\":3000,\"bl\":5000,"
                + "\"sf\":\"h\",\"st\":\"l\",\"v\":2}"), json);
    }
}
