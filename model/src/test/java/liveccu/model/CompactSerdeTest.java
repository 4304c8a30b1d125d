package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class CompactSerdeTest {

    private static final String[] STRINGS = {"", "123456789", "/podcasts/show-1/episode-42.mp3",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_4 like Mac OS X)", "nul\0inside", "épisode", "東京", "emoji 🎧 here"};

    @Test
    void everyStringReadsBackAsWritten() throws IOException {
        for (String s : STRINGS) {
            assertEquals(s, read(written(s)), s);
        }
        assertNull(read(written(null)));
    }

    @Test
    void theBytesAreWriteUtfsBothWaysSoStoresWrittenBeforeOrAfterReadAlike() throws IOException {
        for (String s : STRINGS) {
            ByteArrayOutputStream utf = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(utf)) {
                out.writeBoolean(true);
                out.writeUTF(s);
            }
            assertEquals(s, read(utf.toByteArray()), "written by writeUTF: " + s);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(written(s)));
            in.readBoolean();
            assertEquals(s, in.readUTF(), "read by readUTF: " + s);
            if (!s.contains("\0")) {
                assertArrayEquals(utf.toByteArray(), written(s), s);
            }
        }
    }

    private static byte[] written(String s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            CompactSerde.writeString(out, s);
        }
        return bytes.toByteArray();
    }

    private static String read(byte[] bytes) throws IOException {
        return CompactSerde.readString(new DataInputStream(new ByteArrayInputStream(bytes)));
    }
}
