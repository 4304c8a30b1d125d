package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AudienceTest {

    private static final String JOB = "142bbf588a574e018de94136a664cfaf";

    @Test
    void keysRoundTripEvenWithSeparatorsInTrackingIds() {
        for (Audience audience : List.of(Audience.job(JOB), Audience.account("acc.1"), Audience.tracking("re/seller:7 gold"),
                Audience.trackingInJob(JOB, "a:b/c"))) {
            assertEquals(audience, Audience.fromKey(audience.key()));
            String resultKey = MinuteCount.key(audience.key(), 1_534_640_040_000L);
            assertEquals(audience.key(), MinuteCount.audienceOfKey(resultKey));
            assertEquals(1_534_640_040_000L, MinuteCount.minuteOfKey(resultKey));
        }
        assertEquals(JOB, Audience.job(JOB).key(), "a job's key stays its bare id, as results were keyed before");
    }

    @Test
    void aBeaconCountsForItsJobAndAccountAndItsTrackingIdIfAny() {
        Beacon plain = new Beacon("g", JOB, "s", "acc", Side.SS, 0, 0);
        assertEquals(List.of(JOB, "account:acc"), Audience.keysOf(plain));
        Beacon tracked = plain.withViewer(new Viewer("gold", null, null, false));
        assertEquals(List.of(JOB, "account:acc", "tracking:gold", "job-tracking:" + JOB + ":gold"), Audience.keysOf(tracked));
        assertEquals(List.of(JOB, "account:acc"), Audience.keysOf(plain.withViewer(new Viewer(null, "data", "u", true))));
    }
}
