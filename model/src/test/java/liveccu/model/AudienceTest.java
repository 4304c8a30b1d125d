package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AudienceTest {

    private static final String JOB = "142bbf588a574e018de94136a664cfaf";

    @Test
    void keysRoundTripEvenWithSeparatorsInTrackingIds() {
        for (Audience audience : List.of(Audience.job(JOB), Audience.account("acc.1"), Audience.tracking("acc.1", "re/seller:7 gold"),
                Audience.trackingInJob("acc.1", JOB, "a:b/c"), Audience.tracking("acc", JOB + ":x"),
                Audience.unscopedTracking("re/seller:7 gold"), Audience.unscopedTrackingInJob(JOB, "a:b/c"))) {
            assertEquals(audience, Audience.fromKey(audience.key()));
            String resultKey = MinuteCount.key(audience.key(), 1_534_640_040_000L);
            assertEquals(audience.key(), MinuteCount.audienceOfKey(resultKey));
            assertEquals(1_534_640_040_000L, MinuteCount.minuteOfKey(resultKey));
        }
        assertEquals(JOB, Audience.job(JOB).key(), "a job's key stays its bare id, as results were keyed before");
    }

    @Test
    void aBeaconCountsForItsJobAndAccountAndItsTrackingIdInItsAccountIfAny() {
        Beacon plain = new Beacon("g", JOB, "s", "acc", Side.SS, 0, 0);
        assertEquals(List.of(JOB, "account:acc"), Audience.keysOf(plain));
        Beacon tracked = plain.withViewer(new Viewer("gold", null, null, false));
        assertEquals(List.of(JOB, "account:acc", "account-tracking:acc:gold", "account-job-tracking:acc:" + JOB + ":gold"),
                Audience.keysOf(tracked));
        assertEquals(List.of(JOB, "account:acc"), Audience.keysOf(plain.withViewer(new Viewer(null, "data", "u", true))));
    }

    @Test
    void twoAccountsWithTheSameTrackingIdAreTwoAudiences() {
        assertNotEquals(Audience.tracking("a", "gold").key(), Audience.tracking("b", "gold").key());
        assertNotEquals(Audience.trackingInJob("a", JOB, "gold").key(), Audience.trackingInJob("b", JOB, "gold").key());
        assertNotEquals(Audience.tracking("a", "gold").key(), Audience.unscopedTracking("gold").key());
    }

    @Test
    void keysWrittenBeforeTrackingIdsWereScopedReadAsUnscoped() {
        Audience old = Audience.fromKey("tracking:acc:gold");
        assertEquals(Audience.unscopedTracking("acc:gold"), old, "an old key's id is all of it, never an account");
        assertTrue(old.unscoped());
        assertEquals(Audience.unscopedTrackingInJob(JOB, "gold"), Audience.fromKey("job-tracking:" + JOB + ":gold"));
        assertFalse(Audience.tracking("acc", "gold").unscoped());
        assertFalse(Audience.job(JOB).unscoped());
    }
}
