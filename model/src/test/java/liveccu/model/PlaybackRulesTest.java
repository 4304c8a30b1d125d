package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
}
