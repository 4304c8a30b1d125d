package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PlaybackCountTest {

    private static final ContentDimensions NEWS = new ContentDimensions("news 1", "vod", null, "a|b", null, null, "morning", null);

    @Test
    void theKeyNamesEveryDimensionURLEncodedWithAbsentOnesAsTilde() {
        assertEquals("acc%7C1|1764000000000|news+1|vod|Others|a%7Cb|~|~|morning|~|Set-top+box|cmcd",
                new PlaybackCount("acc|1", NEWS.measured("Set-top box", "cmcd"), 1764000000000L, 1, 0, 0, 0).key());
        assertEquals("acc|1764000000000|news+1|vod|Others|a%7Cb|~|~|morning|~|Unknown|~",
                new PlaybackCount("acc", NEWS.measured("Unknown", null), 1764000000000L, 1, 0, 0, 0).key());
    }

    @Test
    void withoutDeviceClassAndSourceTheKeyIsTheOneWrittenBeforeThoseWereDimensions() {
        assertEquals("acc|1764000000000|news+1|vod|Others|a%7Cb|~|~|morning|~",
                new PlaybackCount("acc", NEWS, 1764000000000L, 1, 0, 0, 0).key());
    }

    @Test
    void aRecordWrittenBeforeThoseDimensionsReadsWithoutThemAndWithoutIabDownloads() {
        PlaybackCount old = new JsonSerde<>(PlaybackCount.class).deserializer().deserialize(Topics.PLAYBACK_COUNTS.name(), """
                {"account_id":"acc","content":{"content_id":"news 1","content_type":"vod","property":"Others","category":"a|b",
                 "show":"morning"},"hour_start_ms":1764000000000,"starts":2,"streams":1,"played_ms":30000,"downloads":0,"devices":2}"""
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(NEWS, old.content());
        assertEquals(0, old.iabDownloads());
        assertEquals("acc|1764000000000|news+1|vod|Others|a%7Cb|~|~|morning|~", old.key());
    }

    @Test
    void iabDownloadsAreSummedAndWritten() {
        PlaybackCount change = new PlaybackCount("acc", NEWS, 1764000000000L, 0, 0, 0, 1, 1, 0, null, "d1");
        PlaybackCount totals = new PlaybackCount("acc", NEWS, 1764000000000L, 1, 0, 0, 0).plus(change).plus(change);
        assertEquals(2, totals.iabDownloads());
        assertEquals(2, totals.downloads());
        assertFalse(new PlaybackCount("acc", NEWS, 1764000000000L, 0, 0, 0, 0, 1, 0, null, "d1").isZero());
        String json = new String(new JsonSerde<>(PlaybackCount.class).serializer().serialize("t", totals),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.contains("\"iab_downloads\":2"), json);
    }
}
