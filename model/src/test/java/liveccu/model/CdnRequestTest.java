package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Kafka key of a log line: its batch and its block of {@link CdnRequest#BLOCK_LINES} lines. */
class CdnRequestTest {

    private static CdnRequest line(String batchId, int line) {
        return new CdnRequest(batchId, line, "1", "files", "combined", "files", 0, 0, "h", "GET", null, "/a", 200, 1,
                null, null, null, null, null, CdnRequest.HIT, null);
    }

    @Test
    void theKeyIsTheBatchAndTheBlockOfTheLine() {
        assertEquals(List.of("files/f#0", "files/f#0", "files/f#1", "files/f#1", "files/f#2"),
                List.of(0, 1023, 1024, 2047, 2048).stream().map(n -> line("files/f", n).partitionKey()).toList());
        assertEquals("cf/sha256:ab#0", line("cf/sha256:ab", 7).partitionKey());
    }
}
