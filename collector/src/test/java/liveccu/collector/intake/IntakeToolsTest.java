package liveccu.collector.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import liveccu.model.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pieces every playback intake shares: body reading, client address, IP hashing. */
class IntakeToolsTest {

    static byte[] gzip(byte[] plain) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(plain);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsPlainAndGzippedBodiesAndRefusesBombsAndOtherEncodings() {
        BodyReader reader = new BodyReader(1024);
        byte[] text = "{\"event\":\"play\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals("{\"event\":\"play\"}", ((BodyReader.Text) reader.read(text, null)).text());
        assertEquals("{\"event\":\"play\"}", ((BodyReader.Text) reader.read(gzip(text), "GZIP")).text());

        byte[] bomb = gzip(new byte[10 * 1024 * 1024]);
        assertTrue(bomb.length < 20 * 1024, "10 MiB of zeros fits in " + bomb.length + " bytes");
        assertEquals(RejectReason.BODY_TOO_LARGE, assertInstanceOf(BodyReader.Refused.class, reader.read(bomb, "gzip")).reason());
        assertEquals(RejectReason.BODY_TOO_LARGE, assertInstanceOf(BodyReader.Refused.class, reader.read(new byte[1025], null)).reason());
        assertEquals(RejectReason.BAD_BODY, assertInstanceOf(BodyReader.Refused.class, reader.read(text, "gzip")).reason());
        assertEquals(RejectReason.UNSUPPORTED_MEDIA_TYPE, assertInstanceOf(BodyReader.Refused.class, reader.read(text, "br")).reason());
        assertEquals(RejectReason.BAD_BODY, assertInstanceOf(BodyReader.Refused.class,
                reader.read(new byte[] {(byte) 0xff, (byte) 0xfe}, null)).reason());
    }

    @Test
    void hashesAnIpTheSameWithinAUtcDayAndDifferentlyTheNextOrWithAnotherSecret() throws InterruptedException {
        IpHasher hasher = new IpHasher("a-secret-of-at-least-16-bytes".getBytes(StandardCharsets.UTF_8));
        long morning = 1_764_460_800_000L; // 2025-11-30T00:00:00Z
        String hash = hasher.hash("198.51.100.1", morning);
        assertTrue(hash.matches("[0-9a-f]{32}"), hash);
        assertTrue(!hash.contains("198") || !hash.contains("51"), "no trace of the address");
        assertEquals(hash, hasher.hash("198.51.100.1", morning + 86_399_999));
        assertNotEquals(hash, hasher.hash("198.51.100.1", morning + 86_400_000), "the salt rotates at midnight UTC");
        assertNotEquals(hash, hasher.hash("198.51.100.2", morning));
        assertNotEquals(hash, new IpHasher("another-secret-of-16-bytes".getBytes(StandardCharsets.UTF_8))
                .hash("198.51.100.1", morning));
        assertEquals(hash, new IpHasher("a-secret-of-at-least-16-bytes".getBytes(StandardCharsets.UTF_8))
                .hash("198.51.100.1", morning), "collectors sharing the secret agree");
        assertEquals(hasher.hash("2001:db8:1:2:aaaa::1", morning), hasher.hash("2001:db8:1:2:bbbb::2", morning),
                "IPv6 by its /64");
        assertEquals(hash, hasher.hash("::ffff:198.51.100.1", morning), "an IPv4-mapped address is its IPv4 address");
        String[] onAnotherThread = new String[1];
        Thread other = new Thread(() -> onAnotherThread[0] = hasher.hash("198.51.100.1", morning));
        other.start();
        other.join();
        assertEquals(hash, onAnotherThread[0], "each thread keys its own Mac alike");
    }
}
