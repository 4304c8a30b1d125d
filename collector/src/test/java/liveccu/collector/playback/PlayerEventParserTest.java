package liveccu.collector.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import liveccu.collector.intake.BatchParse;
import liveccu.collector.intake.Origin;
import liveccu.model.CountingRules;
import liveccu.model.PlayerEvent;
import liveccu.model.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class PlayerEventParserTest {

    private static final long NOW = 1_764_500_000_000L;
    private static final Origin ORIGIN = new Origin("acc-1", "Mozilla/5.0 (X11)", "00112233445566778899aabbccddeeff", NOW);
    private final PlayerEventParser parser = new PlayerEventParser(CountingRules.defaults(), 5);

    private BatchParse.Batch batch(String body) {
        return assertInstanceOf(BatchParse.Batch.class, parser.parse(body, ORIGIN));
    }

    private PlayerEvent one(String json) {
        BatchParse.Batch batch = batch(json);
        assertEquals(List.of(), batch.rejected());
        return batch.events().get(0);
    }

    @ParameterizedTest
    @EnumSource(liveccu.model.PlayerEventType.class)
    void acceptsEveryEventType(liveccu.model.PlayerEventType type) {
        PlayerEvent event = one("{\"event\":\"" + type.wireName() + "\",\"playback_id\":\"pb-1\",\"time\":" + (NOW - 5000)
                + ",\"seconds\":10,\"position\":42.5,\"bitrate_kbps\":2500,\"error_code\":\"NET-404\",\"fatal\":true}");
        assertEquals(type.wireName(), event.type());
        assertEquals(List.of("player", "acc-1", "pb-1", NOW - 5000, NOW), List.of(event.source(), event.accountId(),
                event.playbackId(), event.eventTimeMs(), event.receivedAtMs()));
        assertEquals(42.5, event.positionS());
        boolean playing = type == liveccu.model.PlayerEventType.PLAYING;
        boolean error = type == liveccu.model.PlayerEventType.ERROR;
        assertEquals(playing ? Double.valueOf(10) : null, event.secondsPlayed(), "only playing carries seconds played");
        assertEquals(playing ? Double.valueOf(2500) : null, event.bitrateKbps(), "only playing carries a bitrate");
        assertEquals(error ? List.of("NET-404", true) : java.util.Arrays.asList(null, null),
                java.util.Arrays.asList(event.errorCode(), event.fatal()), "only error carries a code and fatal");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "text code, fatal       | \"error_code\":\"manifestLoadError\",\"fatal\":true      | manifestLoadError | true",
            "code stripped          | \"error_code\":\"  E 42 \",\"fatal\":false               | E 42              | false",
            "a number is its text   | \"error_code\":4,\"fatal\":false                           | 4                 | false",
            "64 characters          | \"error_code\":\"CODE64\",\"fatal\":true                 | CODE64            | true",
    })
    void anErrorCarriesItsCodeAndWhetherItEndedPlayback(String label, String fields, String code, boolean fatal) {
        String code64 = "x".repeat(64);
        PlayerEvent event = one("{\"event\":\"error\",\"playback_id\":\"pb-e\",\"time\":" + NOW + ","
                + fields.replace("CODE64", code64) + "}");
        assertEquals(List.of("error", code.replace("CODE64", code64), fatal),
                List.of(event.type(), event.errorCode(), event.fatal()), label);
    }

    @Test
    void playingMayCarryTheBitratePlayed() {
        assertEquals(3000.5, one("{\"event\":\"playing\",\"playback_id\":\"p\",\"time\":" + NOW
                + ",\"seconds\":10,\"bitrate_kbps\":3000.5}").bitrateKbps());
        assertEquals(null, one("{\"event\":\"playing\",\"playback_id\":\"p\",\"time\":" + NOW
                + ",\"seconds\":10,\"bitrate_kbps\":null}").bitrateKbps(), "null is absent");
    }

    @Test
    void everyEventCarriesTheCountryAndAutonomousSystemOfTheRequest() {
        Origin placed = new Origin("acc-1", "Mozilla/5.0 (X11)", "00112233445566778899aabbccddeeff", NOW,
                new liveccu.collector.intake.GeoIp.Answer("GB", 20712L, "Andrews & Arnold Ltd"));
        var batch = assertInstanceOf(BatchParse.Batch.class, parser.parse("""
                {"event":"play","playback_id":"a","time":%d}
                {"event":"error","playback_id":"a","time":%d,"error_code":"E1","fatal":false}
                """.formatted(NOW, NOW), placed));
        for (PlayerEvent event : batch.events()) {
            assertEquals(List.of("GB", 20712L, "Andrews & Arnold Ltd"), List.of(event.country(), event.asn(), event.asOrg()));
        }
        PlayerEvent unplaced = one("{\"event\":\"play\",\"playback_id\":\"a\",\"time\":" + NOW + "}");
        assertEquals(java.util.Arrays.asList(null, null, null),
                java.util.Arrays.asList(unplaced.country(), unplaced.asn(), unplaced.asOrg()));
    }

    @Test
    void keepsEveryDimensionAndTheRequestsUserAgentAndIpHash() {
        PlayerEvent event = one("{\"event\":\"play\",\"playback_id\":\"pb-2\",\"time\":\"2025-11-30T10:00:00.250Z\","
                + "\"content_id\":\"c-9\",\"content_type\":\"DAR\",\"property\":\"web-player\",\"referrer_domain\":\"news.example\","
                + "\"device_id\":\"cookie-7\",\"category\":\"sports\",\"distributor\":\"d1\",\"producer\":\"p1\",\"show\":\"s1\","
                + "\"zone\":\"latam\",\"unknown_field\":{\"ignored\":true}}");
        assertEquals(new PlayerEvent("player", "play", "acc-1", "pb-2", 1_764_496_800_250L, NOW, "c-9", "dar", "web-player",
                "news.example", "cookie-7", "sports", "d1", "p1", "s1", "latam", null, null, "Mozilla/5.0 (X11)",
                "00112233445566778899aabbccddeeff", null), event);
    }

    @ParameterizedTest(name = "property {0} -> Others")
    @CsvSource(value = {"'', absent", "'\"property\":null,', null", "'\"property\":\"  \",', blank"}, quoteCharacter = '\'')
    void aMissingPropertyIsOthers(String property, String label) {
        PlayerEvent event = one("{" + property + "\"event\":\"play\",\"playback_id\":\"pb-3\",\"time\":" + NOW + "}");
        assertEquals("Others", event.property(), label);
    }

    @ParameterizedTest(name = "time {0}")
    @CsvSource({"1764499990, 1764499990000", "1764499990.5, 1764499990500", "1764499990123, 1764499990123",
            "'\"2025-11-30T10:50:00Z\"', 1764499800000"})
    void takesTimeAsSecondsMillisecondsOrIsoText(String time, long expected) {
        assertEquals(expected, one("{\"event\":\"pause\",\"playback_id\":\"p\",\"time\":" + time + "}").eventTimeMs());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown event type       | {\"event\":\"stop\",\"playback_id\":\"p\",\"time\":NOW}                   | event must be one of session_start, player_loaded, playback_start, play, playing, pause, buffering, seek, content_end, file_downloaded, error",
            "no event type            | {\"playback_id\":\"p\",\"time\":NOW}                                      | event must be one of",
            "no playback id           | {\"event\":\"play\",\"time\":NOW}                                         | playback_id must be",
            "playback id with a space | {\"event\":\"play\",\"playback_id\":\"a b\",\"time\":NOW}                 | playback_id must be",
            "no time                  | {\"event\":\"play\",\"playback_id\":\"p\"}                                | time must be",
            "time not a time          | {\"event\":\"play\",\"playback_id\":\"p\",\"time\":\"yesterday\"}         | time must be",
            "time before 2000         | {\"event\":\"play\",\"playback_id\":\"p\",\"time\":12345}                 | before the year 2000",
            "time in the future       | {\"event\":\"play\",\"playback_id\":\"p\",\"time\":FUTURE}                | ahead of the collector's clock",
            "bad content type         | {\"event\":\"play\",\"playback_id\":\"p\",\"time\":NOW,\"content_type\":\"radio\"} | content_type must be live, vod or dar",
            "playing without seconds  | {\"event\":\"playing\",\"playback_id\":\"p\",\"time\":NOW}               | playing needs seconds",
            "negative seconds         | {\"event\":\"playing\",\"playback_id\":\"p\",\"time\":NOW,\"seconds\":-1} | playing needs seconds",
            "seconds over an hour     | {\"event\":\"playing\",\"playback_id\":\"p\",\"time\":NOW,\"seconds\":3601} | playing needs seconds",
            "position not a number    | {\"event\":\"seek\",\"playback_id\":\"p\",\"time\":NOW,\"position\":\"x\"} | position must be",
            "bitrate not a number     | {\"event\":\"playing\",\"playback_id\":\"p\",\"time\":NOW,\"seconds\":1,\"bitrate_kbps\":\"3000\"} | bitrate_kbps must be a number of kbps from 0 to 1000000",
            "negative bitrate         | {\"event\":\"playing\",\"playback_id\":\"p\",\"time\":NOW,\"seconds\":1,\"bitrate_kbps\":-1} | bitrate_kbps must be",
            "bitrate over 1 Gbit/s    | {\"event\":\"playing\",\"playback_id\":\"p\",\"time\":NOW,\"seconds\":1,\"bitrate_kbps\":1000001} | bitrate_kbps must be",
            "error without a code     | {\"event\":\"error\",\"playback_id\":\"p\",\"time\":NOW,\"fatal\":true} | error needs error_code",
            "error with a blank code  | {\"event\":\"error\",\"playback_id\":\"p\",\"time\":NOW,\"error_code\":\" \",\"fatal\":true} | error needs error_code",
            "error code of 65 chars   | {\"event\":\"error\",\"playback_id\":\"p\",\"time\":NOW,\"error_code\":\"CODE65\",\"fatal\":true} | error needs error_code: the player's error code, text or a whole number of 1-64 characters",
            "error code an object     | {\"event\":\"error\",\"playback_id\":\"p\",\"time\":NOW,\"error_code\":{\"a\":1},\"fatal\":true} | error needs error_code",
            "error code a fraction    | {\"event\":\"error\",\"playback_id\":\"p\",\"time\":NOW,\"error_code\":4.5,\"fatal\":true} | error needs error_code",
            "error without fatal      | {\"event\":\"error\",\"playback_id\":\"p\",\"time\":NOW,\"error_code\":\"E1\"} | error needs fatal: true when the error ended playback, else false",
            "fatal as text            | {\"event\":\"error\",\"playback_id\":\"p\",\"time\":NOW,\"error_code\":\"E1\",\"fatal\":\"true\"} | error needs fatal",
            "dimension not text       | {\"event\":\"play\",\"playback_id\":\"p\",\"time\":NOW,\"show\":{\"a\":1}} | show must be text",
            "not an object            | [1]                                                                       | not a JSON object",
            "not JSON                 | {event: play}                                                             | not a JSON object",
    })
    void rejectsABadEventWithItsReason(String label, String json, String message) {
        String line = json.replace("NOW", Long.toString(NOW)).replace("FUTURE", Long.toString(NOW + 3_600_000))
                .replace("CODE65", "x".repeat(65));
        BatchParse.Batch batch = batch(line.equals("[1]") ? line : "{\"event\":\"play\",\"playback_id\":\"ok\",\"time\":" + NOW + "}\n" + line);
        BatchParse.LineRejection rejection = batch.rejected().get(0);
        assertEquals(RejectReason.BAD_EVENT, rejection.reason(), label);
        assertTrue(rejection.message().contains(message), rejection.message());
    }

    @Test
    void aBadLineIsRejectedAloneAndTheOthersAreKept() {
        BatchParse.Batch batch = batch("""
                {"event":"play","playback_id":"a","time":%d}
                this is not json
                {"event":"playing","playback_id":"a","time":%d,"seconds":10}

                {"event":"nope","playback_id":"a","time":%d}
                """.formatted(NOW, NOW, NOW));
        assertEquals(List.of("play", "playing"), batch.events().stream().map(PlayerEvent::type).toList());
        assertEquals(List.of(1, 3), batch.rejected().stream().map(BatchParse.LineRejection::index).toList(),
                "indexes count events, not blank lines");
    }

    @Test
    void aJsonArrayAndNdjsonGiveTheSameEvents() {
        String a = "{\"event\":\"play\",\"playback_id\":\"a\",\"time\":" + NOW + "}";
        String b = "{\"event\":\"pause\",\"playback_id\":\"a\",\"time\":" + NOW + ",\"position\":3}";
        assertEquals(batch(a + "\n" + b).events(), batch("  [" + a + ",\n" + b + "]").events());
        assertEquals(2, batch("[" + a + "," + b + ", 7]").events().size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty body             | ''                   | BAD_BODY        | no event",
            "blank lines            | '\\n \\n'              | BAD_BODY        | no event",
            "broken array           | '[{\"event\":'       | BAD_BODY        | not a JSON array",
            "six events, five max   | SIX                  | TOO_MANY_EVENTS | 6 events in one batch: at most 5",
            "six in an array        | [1,2,3,4,5,6]        | TOO_MANY_EVENTS | 6 events in one batch",
    })
    void refusesABodyThatIsNoBatch(String label, String body, RejectReason reason, String message) {
        String text = body.equals("SIX") ? "{}\n".repeat(6) : body.replace("\\n", "\n");
        var refused = assertInstanceOf(BatchParse.Refused.class, parser.parse(text, ORIGIN), label);
        assertEquals(reason, refused.reason());
        assertTrue(refused.message().contains(message), refused.message());
    }
}
