package liveccu.aggregator.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import liveccu.aggregator.audio.AudioState.IabWindow;
import liveccu.aggregator.audio.AudioState.Range;
import liveccu.aggregator.audio.AudioState.Summary;
import liveccu.aggregator.audio.AudioState.Window;
import liveccu.model.JsonSerde;
import org.junit.jupiter.api.Test;

class AudioSummarySerdeTest {

    private final AudioSummarySerde serde = new AudioSummarySerde();

    private static Summary summary(Window window, IabWindow iab) {
        return new Summary("123", "device-1", "Spotify", new AudioContent("ep42", "vod", 128, 0), 1_000, -7_199_000, window, iab);
    }

    @Test
    void aSummaryReadsBackAsWrittenInFewerBytesThanJson() {
        for (Summary s : List.of(summary(null, null),
                summary(new Window(500, true, 300_000), new IabWindow(400, List.of(new Range(0, 99), new Range(200, 299)))))) {
            byte[] bytes = serde.serializer().serialize("t", s);
            assertEquals(s, serde.deserializer().deserialize("t", bytes));
            int json = new JsonSerde<>(Summary.class).serializer().serialize("t", s).length;
            assertTrue(bytes.length < json * 3 / 4, bytes.length + " bytes, " + json + " as JSON");
        }
    }

    @Test
    void aSummaryWrittenAsJsonBeforeStillReads() {
        Summary s = summary(new Window(500, false, 70_000), null);
        assertEquals(s, serde.deserializer().deserialize("t", new JsonSerde<>(Summary.class).serializer().serialize("t", s)));
    }
}
