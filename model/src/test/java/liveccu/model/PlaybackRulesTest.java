package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlaybackRulesTest {

    /** Two consecutive CMCD reports, the first while playing: the retention buckets between them ([first, last], or none). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "30 s played in 30 s;                     0;      0; 30000;  30000; 0; 2",
            "mid-bucket to mid-bucket;                0;  15000; 30000;  45000; 1; 4",
            "the playhead 2 s ahead of the clock;     0;      0; 30000;  32000; 0; 3",
            "further ahead: a seek;                   0;      0; 30000;  32001; -; -",
            "a jump far ahead: a seek;                0;  10000; 30000; 120000; -; -",
            "back: nothing the reports can tell;      0;  50000; 30000;  20000; -; -",
            "the playhead did not move;               0;  50000; 30000;  50000; -; -",
            "the next report 2 min later;             0;      0; 120000; 90000; 0; 8",
            "over 2 min later: stopped reporting;     0;      0; 120001; 90000; -; -",
            "no pt in the first report;               0;      -; 30000;  30000; -; -",
            "no pt in the next report;                0;      0; 30000;      -; -; -",
            "past 3 hours of content: capped;         0; 10790000; 30000; 10820000; 1079; 1079",
    })
    void cmcdReportsWhilePlayingCoverThePositionsBetweenThemUnlessTheyShowASeekOrASilence(
            String why, long fromMs, Long fromPt, long toMs, Long toPt, Integer first, Integer last) {
        int[] expected = first == null ? null : new int[] {first, last};
        assertArrayEquals(expected, PlaybackRules.cmcdRetentionBuckets(fromMs, fromPt, toMs, toPt), why);
    }

    /**
     * HTTP libraries are robots whatever Yauaa says; browsers and apps are not. The middle column is what Yauaa 8.1.0
     * says (measured): it flags most libraries already, but not Python-urllib.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "Python-urllib/3.11|                       Unknown| Robot",
            "python-requests/2.31.0|                   Robot|   Robot",
            "curl/8.4.0|                               Robot|   Robot",
            "okhttp/4.12.0|                            Robot|   Robot",
            "Go-http-client/2.0|                       Robot|   Robot",
            "Wget/1.21.4|                              Robot|   Robot",
            "Apache-HttpClient/4.5.14 (Java/17.0.9)|   Robot|   Robot",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36| Desktop| Desktop",
            "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)| Phone| Phone",
            "ExoPlayerLib/2.19.1|                      Unknown| Unknown",
            "-|                                        Hacker|  Hacker",
    })
    void httpLibrariesAreRobotsInEveryMetric(String userAgent, String yauaa, String counted) {
        assertEquals(counted, PlaybackRules.deviceClass(yauaa, userAgent));
        assertEquals(PlaybackRules.isBot(counted), PlaybackRules.isBot(PlaybackRules.deviceClass(yauaa, userAgent)));
    }
}
