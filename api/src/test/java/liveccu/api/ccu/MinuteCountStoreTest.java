package liveccu.api.ccu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import liveccu.model.Audience;
import liveccu.model.MinuteCount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk store on its own: range order and bounds, tombstones, the recent index, eviction, what a reopen keeps. */
class MinuteCountStoreTest {

    private static final long MINUTE = 60_000;
    private static final long T0 = 1_795_000_000_000L / MINUTE * MINUTE;
    private static final String JOB = "142bbf588a574e018de94136a664cfaf";
    private static final String OTHER_JOB = "242bbf588a574e018de94136a664cfaf";
    private static final String ACCOUNT = "acc";

    @TempDir
    Path dir;

    private MinuteCountStore open() {
        return new MinuteCountStore(dir, 1 << 20, 365L * 86_400_000, () -> T0 + 400 * MINUTE);
    }

    private static MinuteCount count(Audience audience, long minute, long ss) {
        return new MinuteCount(audience.key(), minute, ss, 0, minute + 1_000);
    }

    private static List<Long> minutes(List<MinuteCount> counts) {
        return counts.stream().map(MinuteCount::minuteStartMs).toList();
    }

    @Test
    void rangesAreNewestFirstWithinBoundsAndSkipEmptyMinutes() {
        try (MinuteCountStore store = open()) {
            Audience job = Audience.job(ACCOUNT, JOB);
            // minutes whose big-endian bytes cross a byte boundary, written out of order, and a neighbour audience
            for (long m : new long[] {T0 + 300 * MINUTE, T0, T0 + 255 * MINUTE, T0 + 256 * MINUTE, T0 + MINUTE}) {
                store.put(count(job, m, 1));
            }
            store.put(count(job, T0 + 2 * MINUTE, 0));
            store.put(count(Audience.job(ACCOUNT, OTHER_JOB), T0 + 100 * MINUTE, 9));
            store.put(count(Audience.unscopedTracking(JOB), T0 + 100 * MINUTE, 9));
            store.put(count(Audience.tracking("a", JOB), T0 + 100 * MINUTE, 9));
            store.checkpoint(Map.of());

            assertEquals(List.of(T0 + 300 * MINUTE, T0 + 256 * MINUTE, T0 + 255 * MINUTE, T0 + MINUTE, T0),
                    minutes(store.range(job, 0, Long.MAX_VALUE / 2)));
            assertEquals(List.of(T0 + 255 * MINUTE, T0 + MINUTE), minutes(store.range(job, T0 + MINUTE, T0 + 256 * MINUTE)));
            assertEquals(List.of(), store.range(job, T0 + 3 * MINUTE, T0 + 3 * MINUTE));
            assertEquals(List.of(), store.range(Audience.account("nobody"), 0, Long.MAX_VALUE / 2));
            MinuteCount last = store.range(job, T0 + 300 * MINUTE, T0 + 301 * MINUTE).get(0);
            assertEquals(count(job, T0 + 300 * MINUTE, 1), last);
        }
    }

    @Test
    void recentListIsTheLatestMinutePerAudienceNewestFirstSinceTheCutOff() {
        try (MinuteCountStore store = open()) {
            store.put(count(Audience.job(ACCOUNT, JOB), T0, 1));
            store.put(count(Audience.job(ACCOUNT, JOB), T0 + 5 * MINUTE, 2));
            store.put(count(Audience.job(ACCOUNT, JOB), T0 + 3 * MINUTE, 3));  // late, not the latest
            store.put(count(Audience.job(ACCOUNT, OTHER_JOB), T0 + 4 * MINUTE, 4));
            store.put(count(Audience.job(ACCOUNT, OTHER_JOB), T0 + 4 * MINUTE, 5));  // the same minute again: newest wins
            store.put(count(Audience.account("a"), T0 + 5 * MINUTE, 6));
            store.put(count(Audience.trackingInJob("a", JOB, "gold"), T0 + 2 * MINUTE, 7));
            store.put(count(Audience.trackingInJob("a", OTHER_JOB, "gold"), T0 + 2 * MINUTE, 8));
            store.checkpoint(Map.of());

            assertEquals(List.of(count(Audience.job(ACCOUNT, JOB), T0 + 5 * MINUTE, 2), count(Audience.job(ACCOUNT, OTHER_JOB), T0 + 4 * MINUTE, 5)),
                    store.latest(Audience.Kind.JOB, null, T0));
            assertEquals(List.of(count(Audience.job(ACCOUNT, JOB), T0 + 5 * MINUTE, 2)), store.latest(Audience.Kind.JOB, null, T0 + 5 * MINUTE));
            assertEquals(List.of(count(Audience.account("a"), T0 + 5 * MINUTE, 6)), store.latest(Audience.Kind.ACCOUNT, null, T0));
            assertEquals(List.of(count(Audience.trackingInJob("a", JOB, "gold"), T0 + 2 * MINUTE, 7)),
                    store.latest(Audience.Kind.TRACKING_IN_JOB, JOB, T0));
            assertEquals(List.of(), store.latest(Audience.Kind.TRACKING, null, T0));
        }
    }

    @Test
    void holdsAnAudienceUntilItsLastMinuteIsGone() {
        try (MinuteCountStore store = open()) {
            Audience unscoped = Audience.unscopedTracking("gold");
            store.put(count(unscoped, T0, 1));
            assertFalse(store.holds(unscoped), "not before the checkpoint");
            store.checkpoint(Map.of());
            assertTrue(store.holds(unscoped));
            assertFalse(store.holds(Audience.tracking("a", "gold")), "the scoped audience is another one");
            store.evictBefore(T0 + MINUTE);
            assertFalse(store.holds(unscoped), "aged out with the retention");
        }
    }

    @Test
    void tombstonesDeleteTheMinuteAndTheLatestFallsBackToTheOneBefore() {
        try (MinuteCountStore store = open()) {
            Audience job = Audience.job(ACCOUNT, JOB);
            store.put(count(job, T0, 1));
            store.put(count(job, T0 + MINUTE, 2));
            store.checkpoint(Map.of());
            store.delete(job.key(), T0 + MINUTE);
            store.checkpoint(Map.of());
            assertEquals(List.of(T0), minutes(store.range(job, 0, T0 + 10 * MINUTE)));
            assertEquals(List.of(count(job, T0, 1)), store.latest(Audience.Kind.JOB, null, 0));

            // within one batch: written and deleted before the checkpoint
            store.put(count(job, T0 + 2 * MINUTE, 3));
            store.delete(job.key(), T0 + 2 * MINUTE);
            store.delete(job.key(), T0);
            store.checkpoint(Map.of());
            assertEquals(List.of(), store.range(job, 0, T0 + 10 * MINUTE));
            assertEquals(List.of(), store.latest(Audience.Kind.JOB, null, 0));
        }
    }

    @Test
    void evictionDropsOldMinutesAndAudiencesWithNothingLeft() {
        try (MinuteCountStore store = open()) {
            store.put(count(Audience.job(ACCOUNT, JOB), T0, 1));
            store.put(count(Audience.job(ACCOUNT, JOB), T0 + 10 * MINUTE, 2));
            store.put(count(Audience.job(ACCOUNT, OTHER_JOB), T0 + MINUTE, 3));
            store.checkpoint(Map.of());
            store.evictBefore(T0 + 5 * MINUTE);
            assertEquals(List.of(T0 + 10 * MINUTE), minutes(store.range(Audience.job(ACCOUNT, JOB), 0, T0 + 60 * MINUTE)));
            assertEquals(List.of(), store.range(Audience.job(ACCOUNT, OTHER_JOB), 0, T0 + 60 * MINUTE));
            assertEquals(List.of(count(Audience.job(ACCOUNT, JOB), T0 + 10 * MINUTE, 2)), store.latest(Audience.Kind.JOB, null, 0));
            assertEquals(List.of(), store.accountsOfJob(OTHER_JOB), "a job's account leaves with its last minute");
        }
    }

    @Test
    void aJobsAccountsAreFoundByTheJobAlone() {
        try (MinuteCountStore store = open()) {
            store.put(count(Audience.job(ACCOUNT, JOB), T0, 1));
            store.put(count(Audience.job("other", JOB), T0 + MINUTE, 2));
            store.put(count(Audience.job("other", OTHER_JOB), T0, 3));
            store.put(count(Audience.unscopedJob(JOB), T0, 4));
            assertEquals(List.of(), store.accountsOfJob(JOB), "only what is checkpointed is read");
            store.checkpoint(Map.of());
            assertEquals(List.of(ACCOUNT, "other"), store.accountsOfJob(JOB));
            assertEquals(List.of("other"), store.accountsOfJob(OTHER_JOB));
            store.delete(Audience.job("other", JOB).key(), T0 + MINUTE);
            store.checkpoint(Map.of());
            assertEquals(List.of(ACCOUNT), store.accountsOfJob(JOB), "a tombstone of its only minute removes the account");
        }
    }

    @Test
    void positionsAndCountsSurviveAReopenAndAnotherTopicEmptiesTheStore() {
        try (MinuteCountStore store = open()) {
            assertEquals(Map.of(), store.positions("topic-a"));
            store.put(count(Audience.job(ACCOUNT, JOB), T0, 1));
            store.checkpoint(Map.of(0, 42L, 1, 7L));
            store.put(count(Audience.job(ACCOUNT, JOB), T0 + MINUTE, 1));  // never checkpointed: not kept
        }
        try (MinuteCountStore store = open()) {
            assertEquals(Map.of(0, 42L, 1, 7L), store.positions("topic-a"));
            assertEquals(List.of(T0), minutes(store.range(Audience.job(ACCOUNT, JOB), 0, T0 + 10 * MINUTE)));
            assertEquals(List.of(count(Audience.job(ACCOUNT, JOB), T0, 1)), store.latest(Audience.Kind.JOB, null, 0));
        }
        try (MinuteCountStore store = new MinuteCountStore(dir, 1 << 20, 60 * MINUTE, () -> T0 + 400 * MINUTE)) {
            assertEquals(List.of(), store.latest(Audience.Kind.JOB, null, 0), "the recent index holds only its window");
        }
        try (MinuteCountStore store = open()) {
            assertEquals(Map.of(), store.positions("topic-b"));
            assertTrue(store.range(Audience.job(ACCOUNT, JOB), 0, T0 + 10 * MINUTE).isEmpty());
        }
    }
}
