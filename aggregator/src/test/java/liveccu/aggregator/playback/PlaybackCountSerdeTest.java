package liveccu.aggregator.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import liveccu.model.ContentDimensions;
import liveccu.model.DeviceSketches;
import liveccu.model.JsonSerde;
import liveccu.model.PlaybackCount;
import org.junit.jupiter.api.Test;

class PlaybackCountSerdeTest {

    @Test
    void countsAndChangesReadBackAsWrittenAndAsJsonBefore() {
        PlaybackCountSerde serde = new PlaybackCountSerde();
        ContentDimensions content = new ContentDimensions("ep42", "vod", "Spotify", null, null, null, null, null, "Phone", "cdn-log");
        PlaybackCount totals = new PlaybackCount("123", content, 3_600_000, 1, 2, 3, 4, 5, 6,
                DeviceSketches.of(java.util.List.of("a", "b")), null);
        PlaybackCount change = new PlaybackCount("123", content, 3_600_000, 1, 0, 6_250, 0, 0, 0, null, "device-1");
        for (PlaybackCount c : new PlaybackCount[] {totals, change}) {
            assertEquals(c, serde.deserializer().deserialize("t", serde.serializer().serialize("t", c)));
            assertEquals(c, serde.deserializer().deserialize("t", new JsonSerde<>(PlaybackCount.class).serializer().serialize("t", c)));
        }
    }
}
