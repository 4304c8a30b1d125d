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

    @Test
    void theQoeFieldsAreSnakeCaseAndLeftOutWhenAbsentSoOldRecordsReadAsBefore() {
        var error = new PlayerEvent("player", "error", "acc", "pb-1", 1L, 2L, null, null, "Others", null, null, null, null,
                null, null, null, null, null, null, null, null, "DE", 3320L, "DTAG", 2500.0, "NET-404", true);
        var cmcd = new PlayerEvent("cmcd", "cmcd", "acc", "sid-1", 1L, 2L, null, "live", "Others", null, null, null, null,
                null, null, null, null, null, null, "h",
                new PlayerEvent.Cmcd(null, "e", "f", false, null, 7L, null, null, null, null, 2L, 1750L, "manifestLoadError", true),
                null, null, null, null, null, null);
        var serde = Topics.PLAYER_EVENTS.valueSerde();
        String json = new String(serde.serializer().serialize("t", error), StandardCharsets.UTF_8);
        assertEquals(true, json.endsWith("\"property\":\"Others\",\"country\":\"DE\",\"asn\":3320,\"as_org\":\"DTAG\","
                + "\"bitrate_kbps\":2500.0,\"error_code\":\"NET-404\",\"fatal\":true}"), json);
        String report = new String(serde.serializer().serialize("t", cmcd), StandardCharsets.UTF_8);
        assertEquals(true, report.contains("\"v\":2,\"msd\":1750,\"ec\":\"manifestLoadError\",\"bs\":true}"), report);
        for (PlayerEvent event : new PlayerEvent[] {error, cmcd}) {
            assertEquals(event, serde.deserializer().deserialize("t", serde.serializer().serialize("t", event)));
        }
        // a record written before these fields: read with them absent
        byte[] old = serde.serializer().serialize("t", PLAYING);
        PlayerEvent read = serde.deserializer().deserialize("t", old);
        assertEquals(PLAYING, read);
        assertEquals(null, read.country());
        assertEquals(null, read.fatal());
    }
}
