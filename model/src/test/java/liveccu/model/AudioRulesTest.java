package liveccu.model;

import static liveccu.model.AudioRules.Kind.DOWNLOAD;
import static liveccu.model.AudioRules.Kind.NOTHING;
import static liveccu.model.AudioRules.Kind.START;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AudioRulesTest {

    private final AudioRules rules = AudioRules.defaults();

    @Test
    void onDemandPartialContentIsAStartAndAWholeFileADownload() {
        assertEquals(START, rules.counts("GET", 206, 500_000, "vod"));
        assertEquals(DOWNLOAD, rules.counts("GET", 200, 500_000, "vod"));
    }

    @Test
    void liveAndDarCountOnlyA200AsAStart() {
        assertEquals(START, rules.counts("GET", 200, 500_000, "live"));
        assertEquals(START, rules.counts("GET", 200, 500_000, "dar"));
        assertEquals(NOTHING, rules.counts("GET", 206, 500_000, "live"));
        assertEquals(NOTHING, rules.counts("GET", 206, 500_000, "dar"));
    }

    @Test
    void headOtherMethodsAndOtherStatusesCountNothing() {
        assertEquals(NOTHING, rules.counts("HEAD", 200, 500_000, "vod"));
        assertEquals(NOTHING, rules.counts("POST", 200, 500_000, "vod"));
        for (int status : new int[] {301, 304, 400, 403, 404, 416, 500, 503}) {
            assertEquals(NOTHING, rules.counts("GET", status, 500_000, "vod"), "status " + status);
        }
    }

    @Test
    void contentTheCatalogueDoesNotTypeCountsNothing() {
        assertEquals(NOTHING, rules.counts("GET", 200, 500_000, null));
        assertEquals(NOTHING, rules.counts("GET", 200, 500_000, "podcast"));
    }

    @Test
    void requestsUnder70000BytesAreProbes() {
        assertEquals(NOTHING, rules.counts("GET", 206, 69_999, "vod"));
        assertEquals(START, rules.counts("GET", 206, 70_000, "vod"));
        assertEquals(NOTHING, rules.counts("GET", 200, 69_999, "live"));
        AudioRules lower = new AudioRules(1_000, AudioRules.DEFAULT_STREAM_THRESHOLD, AudioRules.DEFAULT_OPEN_WINDOW);
        assertEquals(START, lower.counts("GET", 206, 1_000, "vod"));
    }

    @Test
    void aStreamSends25SecondsOfContent() {
        // 128 kbps = 16,000 bytes a second: 25 s are 400,000 bytes, 24.9 s are 398,400
        assertTrue(rules.isStream(400_000, 128));
        assertFalse(rules.isStream(398_400, 128));
        assertFalse(rules.isStream(399_999, 128));
        assertFalse(rules.isStream(10_000_000, 0));
        AudioRules tenSeconds = new AudioRules(AudioRules.DEFAULT_MIN_BYTES, Duration.ofSeconds(10), AudioRules.DEFAULT_OPEN_WINDOW);
        assertTrue(tenSeconds.isStream(160_000, 128));
        assertFalse(tenSeconds.isStream(159_999, 128));
    }

    @Test
    void timeIsTheContentTheBytesPlay() {
        assertEquals(25_000, AudioRules.contentMs(400_000, 128));
        assertEquals(62, AudioRules.contentMs(1_000, 128));  // 62.5 ms, rounded down
        assertEquals(60_000, AudioRules.contentMs(480_000, 64));
        assertEquals(0, AudioRules.contentMs(400_000, 0));
    }

    @Test
    void iabTakesGetsOfEpisodesAnswered200Or206ButNoProbes() {
        assertTrue(AudioRules.iabCounts("GET", 200, null, null, "vod"));
        assertTrue(AudioRules.iabCounts("GET", 206, 0L, 2L, "vod"));
        assertTrue(AudioRules.iabCounts("GET", 206, 1000L, null, "vod"));
        assertFalse(AudioRules.iabCounts("GET", 206, 0L, 1L, "vod"));
        assertFalse(AudioRules.iabCounts("GET", 206, 5000L, 5000L, "vod"));
        assertFalse(AudioRules.iabCounts("HEAD", 200, null, null, "vod"));
        assertFalse(AudioRules.iabCounts("GET", 304, null, null, "vod"));
        assertFalse(AudioRules.iabCounts("GET", 404, null, null, "vod"));
        assertFalse(AudioRules.iabCounts("GET", 200, null, null, "live"));
        assertFalse(AudioRules.iabCounts("GET", 200, null, null, "dar"));
    }

    @Test
    void iabRangeIsWhatWasSentWithinWhatWasAsked() {
        assertArrayEquals(new long[] {0, 999}, AudioRules.iabRange(200, 1_000, null, null));
        assertArrayEquals(new long[] {0, 999}, AudioRules.iabRange(200, 1_000, 5_000L, 5_999L));  // a 200 is the file from 0
        assertArrayEquals(new long[] {1_000, 1_999}, AudioRules.iabRange(206, 1_000, 1_000L, 1_999L));
        assertArrayEquals(new long[] {1_000, 1_999}, AudioRules.iabRange(206, 1_300, 1_000L, 1_999L));  // headers counted in
        assertArrayEquals(new long[] {1_000, 1_499}, AudioRules.iabRange(206, 500, 1_000L, 1_999L));  // cut short
        assertArrayEquals(new long[] {5_000, 5_299}, AudioRules.iabRange(206, 300, 5_000L, null));
        assertArrayEquals(new long[] {0, 499}, AudioRules.iabRange(206, 500, null, null));
        assertNull(AudioRules.iabRange(206, 0, 0L, 999L));
    }

    @Test
    void anIabDownloadNeedsOneMinuteOfContent() {
        assertEquals(960_000, AudioRules.iabMinBytes(128));
        assertEquals(480_000, AudioRules.iabMinBytes(64));
        assertEquals(Long.MAX_VALUE, AudioRules.iabMinBytes(0));
    }

    @Test
    void feedFetchersAreBotsListeningAppsNeverOthersAsForPlayerEvents() {
        assertTrue(AudioRules.isBot(true, true, "Phone"));
        assertFalse(AudioRules.isBot(false, true, "Robot"));
        assertFalse(AudioRules.isBot(false, true, "Hacker"));
        assertTrue(AudioRules.isBot(false, false, "Robot"));
        assertTrue(AudioRules.isBot(false, false, "Hacker"));
        assertFalse(AudioRules.isBot(false, false, "Phone"));
        assertFalse(AudioRules.isBot(false, false, "Set-top box"));
    }
}
