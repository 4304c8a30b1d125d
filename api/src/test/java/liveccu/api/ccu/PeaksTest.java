package liveccu.api.ccu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import liveccu.api.ccu.Peaks.Peak;
import liveccu.model.MinuteCount;
import org.junit.jupiter.api.Test;

class PeaksTest {

    private static final String JOB = "acme:142bbf588a574e018de94136a664cfaf";

    @Test
    void eachHoursHighestCountsWithTheirOwnMinutes() {
        List<MinuteCount> newestFirst = List.of(
                minute("2026-11-23T11:30:00Z", 1, 0),
                minute("2026-11-23T10:59:00Z", 2, 5),
                minute("2026-11-23T10:17:00Z", 6, 3),
                minute("2026-11-23T10:05:00Z", 4, 1));

        assertEquals(List.of(
                        new Peak(JOB, ms("2026-11-23T11:00:00Z"), 1, ms("2026-11-23T11:30:00Z"), 0, Peaks.NO_MINUTE),
                        new Peak(JOB, ms("2026-11-23T10:00:00Z"), 6, ms("2026-11-23T10:17:00Z"), 5, ms("2026-11-23T10:59:00Z"))),
                Peaks.of(newestFirst, CcuInterval.HOUR));
    }

    @Test
    void aTieKeepsTheEarliestMinuteInWhateverOrderTheMinutesCome() {
        List<MinuteCount> minutes = new ArrayList<>(List.of(
                minute("2026-11-23T10:40:00Z", 6, 3),
                minute("2026-11-23T10:17:00Z", 6, 3),
                minute("2026-11-23T23:59:00Z", 6, 3)));
        Peak expected = new Peak(JOB, ms("2026-11-23T00:00:00Z"), 6, ms("2026-11-23T10:17:00Z"), 3, ms("2026-11-23T10:17:00Z"));

        assertEquals(List.of(expected), Peaks.of(minutes, CcuInterval.DAY));
        Collections.reverse(minutes);
        assertEquals(List.of(expected), Peaks.of(minutes, CcuInterval.DAY));
    }

    @Test
    void daysAreUtcDays() {
        assertEquals(List.of(ms("2026-11-23T00:00:00Z"), ms("2026-11-22T00:00:00Z")),
                Peaks.of(List.of(minute("2026-11-23T00:00:00Z", 1, 1), minute("2026-11-22T23:59:00Z", 2, 2)), CcuInterval.DAY)
                        .stream().map(Peak::intervalStartMs).toList());
    }

    private static MinuteCount minute(String time, long ssccu, long csccu) {
        return new MinuteCount(JOB, ms(time), ssccu, csccu, ms(time) + 30_000);
    }

    private static long ms(String time) {
        return Instant.parse(time).toEpochMilli();
    }
}
