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
        for (Audience audience : List.of(Audience.job("acc.1", JOB), Audience.unscopedJob(JOB), Audience.account("acc.1"), Audience.tracking("acc.1", "re/seller:7 gold"),
                Audience.trackingInJob("acc.1", JOB, "a:b/c"), Audience.tracking("acc", JOB + ":x"),
                Audience.unscopedTracking("re/seller:7 gold"), Audience.unscopedTrackingInJob(JOB, "a:b/c"))) {
            assertEquals(audience, Audience.fromKey(audience.key()));
            String resultKey = MinuteCount.key(audience.key(), 1_534_640_040_000L);
            assertEquals(audience.key(), MinuteCount.audienceOfKey(resultKey));
            assertEquals(1_534_640_040_000L, MinuteCount.minuteOfKey(resultKey));
        }
        assertEquals("account-job:acc.1:" + JOB, Audience.job("acc.1", JOB).key());
        assertEquals(JOB, Audience.unscopedJob(JOB).key(), "an unscoped job's key is its bare id, as results were keyed before");
    }

    @Test
    void aBeaconCountsForItsJobAndAccountAndItsTrackingIdInItsAccountIfAny() {
        Beacon plain = new Beacon("g", JOB, "s", "acc", Side.SS, 0, 0);
        String job = "account-job:acc:" + JOB;
        assertEquals(List.of(job, "account:acc"), Audience.keysOf(plain));
        Beacon tracked = plain.withViewer(new Viewer("gold", null, null, false));
        assertEquals(List.of(job, "account:acc", "account-tracking:acc:gold", "account-job-tracking:acc:" + JOB + ":gold"),
                Audience.keysOf(tracked));
        assertEquals(List.of(job, "account:acc"), Audience.keysOf(plain.withViewer(new Viewer(null, "data", "u", true))));
    }

    @Test
    void twoAccountsWithTheSameJobOrTrackingIdAreTwoAudiences() {
        assertNotEquals(Audience.job("a", JOB).key(), Audience.job("b", JOB).key());
        assertNotEquals(Audience.tracking("a", "gold").key(), Audience.tracking("b", "gold").key());
        assertNotEquals(Audience.trackingInJob("a", JOB, "gold").key(), Audience.trackingInJob("b", JOB, "gold").key());
        assertNotEquals(Audience.tracking("a", "gold").key(), Audience.unscopedTracking("gold").key());
    }

    @Test
    void keysWrittenBeforeAudiencesWereScopedReadAsUnscoped() {
        Audience old = Audience.fromKey("tracking:acc:gold");
        assertEquals(Audience.unscopedTracking("acc:gold"), old, "an old key's id is all of it, never an account");
        assertTrue(old.unscoped());
        assertEquals(Audience.unscopedTrackingInJob(JOB, "gold"), Audience.fromKey("job-tracking:" + JOB + ":gold"));
        assertFalse(Audience.tracking("acc", "gold").unscoped());
        assertFalse(Audience.job("acc", JOB).unscoped());
        assertEquals(Audience.unscopedJob(JOB), Audience.fromKey(JOB), "a bare job id: counted before jobs were scoped");
        assertTrue(Audience.unscopedJob(JOB).unscoped());
        assertFalse(Audience.account("acc").unscoped());
    }
}
