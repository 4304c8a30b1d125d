package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/** A CDN line on its topic: every field back as written, lines written as JSON by earlier collectors still read. */
class CdnRequestSerdeTest {

    private static final String TOPIC = Topics.CDN_REQUESTS.name();

    private final Serializer<CdnRequest> compact = new CdnRequestSerde().serializer();
    private final Deserializer<CdnRequest> reader = Topics.CDN_REQUESTS.valueSerde().deserializer();

    private static final List<CdnRequest> LINES = List.of(
            new CdnRequest("files/sha256:" + "ab".repeat(32), 70_000, "123456789", "bench", "combined", "bench",
                    1_796_000_000_123L, 1_796_000_100_456L, "5f515acc4e5cd297f6144b0ece030986", "GET", "cdn0.example.com",
                    "/podcasts/show-1/épisode-42.mp3", 206, 1_000_000, 0L, 999_999L,
                    "AppleCoreMedia/1.0.0.20E247 (iPhone; U; CPU OS 16_4 like Mac OS X; en_us)", "https://example.com/",
                    "FRA", CdnRequest.HIT, 12L),
            // every optional field absent, an open-ended range, a line number past 2^16
            new CdnRequest("cf/sha256:00", 131_072, "1", "cf", "cloudflare", "zone", 0, 0, null, "HEAD", null, "/",
                    404, 0, 500L, null, null, null, null, CdnRequest.OTHER, null));

    @Test
    void everyFieldReadsBackAsWritten() {
        for (CdnRequest line : LINES) {
            assertEquals(line, reader.deserialize(TOPIC, compact.serialize(TOPIC, line)));
        }
        assertNull(reader.deserialize(TOPIC, compact.serialize(TOPIC, null)));
    }

    @Test
    void aLineWrittenAsJsonStillReads() {
        Serializer<CdnRequest> json = new JsonSerde<>(CdnRequest.class).serializer();
        for (CdnRequest line : LINES) {
            assertEquals(line, reader.deserialize(TOPIC, json.serialize(TOPIC, line)));
        }
    }

    @Test
    void theCompactLineIsSmallerThanItsJson() {
        Serializer<CdnRequest> json = new JsonSerde<>(CdnRequest.class).serializer();
        int compactBytes = compact.serialize(TOPIC, LINES.get(0)).length;
        int jsonBytes = json.serialize(TOPIC, LINES.get(0)).length;
        assertTrue(compactBytes * 10 < jsonBytes * 7, compactBytes + " bytes compact, " + jsonBytes + " as JSON");
    }

    @Test
    void aLayoutOfANewerVersionIsRefusedWithItsReason() {
        byte[] bytes = compact.serialize(TOPIC, LINES.get(1));
        bytes[1] = 2;
        SerializationException refused = assertThrows(SerializationException.class, () -> reader.deserialize(TOPIC, bytes));
        assertTrue(refused.getCause().getMessage().contains("unknown layout 2"), refused.toString());
    }
}
