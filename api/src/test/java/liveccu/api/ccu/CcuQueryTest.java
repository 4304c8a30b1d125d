package liveccu.api.ccu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import liveccu.api.http.QueryParams;
import liveccu.model.Audience;
import liveccu.ops.http.HttpFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CcuQueryTest {

    private static final String JOB = "142bbf588a574e018de94136a664cfaf";
    private static final long NOW = Instant.parse("2026-11-23T10:30:25Z").toEpochMilli();
    private static final Duration MAX_RANGE = Duration.ofDays(7);

    @Test
    void withoutInAndOutAsksForTheLastHourIncludingTheOpenMinute() {
        CcuQuery query = CcuQuery.parse(Audience.unscopedJob(JOB), null, null, NOW, MAX_RANGE);

        assertEquals(Instant.parse("2026-11-23T10:31:00Z").toEpochMilli(), query.toMs());
        assertEquals(Instant.parse("2026-11-23T09:31:00Z").toEpochMilli(), query.fromMs());
    }

    @Test
    void takesInAndOutAsEpochSeconds() {
        CcuQuery query = CcuQuery.parse(Audience.unscopedJob(QueryParams.jobId(JOB.toUpperCase())), "1534640040", "1534640160", NOW, MAX_RANGE);

        assertEquals(new CcuQuery(Audience.unscopedJob(JOB), 1_534_640_040_000L, 1_534_640_160_000L), query);
    }

    @Test
    void peaksAskForTheWholeUtcHoursOrDaysTheRangeTouches() {
        CcuQuery hours = CcuQuery.parse(Audience.unscopedJob(JOB), "1534640050", "1534644000", NOW, MAX_RANGE, CcuInterval.HOUR);
        CcuQuery days = CcuQuery.parse(Audience.unscopedJob(JOB), null, null, NOW, Duration.ofDays(31), CcuInterval.DAY);

        assertEquals(List.of(Instant.parse("2018-08-19T00:00:00Z"), Instant.parse("2018-08-19T02:00:00Z")),
                List.of(Instant.ofEpochMilli(hours.fromMs()), Instant.ofEpochMilli(hours.toMs())),
                "00:54:10 to 02:00:00: two whole hours, an end on the hour stays");
        assertEquals(List.of(Instant.parse("2026-11-23T00:00:00Z"), Instant.parse("2026-11-24T00:00:00Z")),
                List.of(Instant.ofEpochMilli(days.fromMs()), Instant.ofEpochMilli(days.toMs())), "the last hour: today");
    }

    @ParameterizedTest(name = "interval={0} in={1}")
    @CsvSource({
            "week, 1534640040, 'interval must be minute, hour or day'",
            "hour, 1534000000, range too large: at most 168 hours per query with interval=hour",
            "day, 1531000000, range too large: at most 31 days per query with interval=day",
    })
    void badIntervalsAndTooLongRangesAreA400(String interval, String in, String reason) {
        HttpFailure failure = assertThrows(HttpFailure.class, () -> CcuQuery.parse(Audience.unscopedJob(JOB), in, "1534640160", NOW,
                interval.equals("day") ? Duration.ofDays(31) : MAX_RANGE, CcuInterval.parse(interval)));

        assertEquals(400, failure.status());
        assertEquals(reason, failure.getMessage());
    }

    @ParameterizedTest(name = "jobid={0} in={1} out={2}")
    @CsvSource(nullValues = "NULL", value = {
            "NULL, 1534640040, 1534640160, jobid is required",
            "xyz, 1534640040, 1534640160, jobid must be 32 hex digits",
            JOB + ", abc, 1534640160, in must be Unix time in whole seconds",
            JOB + ", 1534640040, 1.5, out must be Unix time in whole seconds",
            JOB + ", -5, 1534640160, in must be Unix time in whole seconds",
            JOB + ", 1534640160, 1534640040, out must not be before in",
            JOB + ", 1534000000, 1534640040, range too large: at most 168 hours per query",
    })
    void badParametersAreA400WithTheReason(String job, String in, String out, String reason) {
        HttpFailure failure = assertThrows(HttpFailure.class,
                () -> CcuQuery.parse(Audience.unscopedJob(QueryParams.jobId(job)), in, out, NOW, MAX_RANGE));

        assertEquals(400, failure.status());
        assertEquals(reason, failure.getMessage());
    }
}
