package liveccu.api.qoe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import liveccu.model.QoeCount;
import liveccu.model.QoeDimensions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hours' disk store on its own: range by account and time, replace and tombstone by key, eviction, reopen. */
class QoeHourStoreTest {

    private static final long HOUR = QoeCount.HOUR_MS;
    private static final long T0 = 1_795_000_000_000L / HOUR * HOUR;
    private static final QoeDimensions CHROME = new QoeDimensions("match-1", "live", "web", "Desktop", "Windows", "Chrome", "DE",
            3320L, "Deutsche Telekom AG", null);
    private static final QoeDimensions SAFARI = new QoeDimensions("movie-1", "vod", "app", "Phone", "iOS", "Safari", "US",
            7922L, "Comcast", null);

    @TempDir
    Path dir;

    private QoeHourStore open() {
        return new QoeHourStore(dir, 1 << 20);
    }

    private static QoeCount hour(String account, long hourMs, QoeDimensions dimensions, long views) {
        QoeCount zero = QoeCount.zero(account, HOUR, hourMs, dimensions);
        return zero.plus(new QoeCount(account, HOUR, hourMs, dimensions, views, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 700,
                Map.of(3, 1L), 0, 0, 0, 0, 0, 0, 0));
    }

    private static void put(QoeHourStore store, QoeCount count) {
        store.apply(count.key(), count);
    }

    private static List<String> seen(List<QoeCount> counts) {
        return counts.stream().map(c -> (c.periodStartMs() - T0) / HOUR + ":" + c.dimensions().browser() + "=" + c.views()).toList();
    }

    @Test
    void rangesAreByAccountAndHourOldestFirstWithinBounds() {
        try (QoeHourStore store = open()) {
            for (int h = 0; h < 5; h++) {
                put(store, hour("acc", T0 + h * HOUR, SAFARI, h));
                put(store, hour("acc", T0 + h * HOUR, CHROME, 10 + h));
            }
            put(store, hour("acc-2", T0 + 2 * HOUR, CHROME, 99));    // a longer account that starts alike
            put(store, hour("ac", T0 + 2 * HOUR, CHROME, 98));       // and a shorter one
            put(store, hour("a|b c", T0 + 2 * HOUR, CHROME, 97));    // one that its key encodes
            store.checkpoint(Map.of());

            assertEquals(List.of("1:Chrome=11", "1:Safari=1", "2:Chrome=12", "2:Safari=2", "3:Chrome=13", "3:Safari=3"),
                    seen(store.range("acc", T0 + HOUR, T0 + 4 * HOUR)));
            assertEquals(List.of("2:Chrome=99"), seen(store.range("acc-2", 0, Long.MAX_VALUE)));
            assertEquals(List.of("2:Chrome=98"), seen(store.range("ac", T0, T0 + 3 * HOUR)));
            assertEquals(List.of("2:Chrome=97"), seen(store.range("a|b c", T0, T0 + 3 * HOUR)));
            assertEquals(List.of(), seen(store.range("acc", T0 + HOUR, T0 + HOUR)));
            assertEquals(List.of(), seen(store.range("nobody", 0, Long.MAX_VALUE)));
            assertEquals(hour("acc", T0, SAFARI, 0), store.range("acc", T0, T0 + 1).get(1),
                    "the record as written, startup buckets and all");
        }
    }

    @Test
    void anUpdateReplacesItsKeyAndATombstoneDeletesIt() {
        try (QoeHourStore store = open()) {
            put(store, hour("acc", T0, CHROME, 1));
            put(store, hour("acc", T0, SAFARI, 2));
            store.checkpoint(Map.of());
            put(store, hour("acc", T0, CHROME, 5));
            assertEquals(List.of("0:Chrome=1", "0:Safari=2"), seen(store.range("acc", T0, T0 + HOUR)), "not checkpointed yet");
            store.checkpoint(Map.of());
            assertEquals(List.of("0:Chrome=5", "0:Safari=2"), seen(store.range("acc", T0, T0 + HOUR)));

            store.apply(hour("acc", T0, SAFARI, 0).key(), null);
            store.apply("acc|60000|" + T0 + "|match-1|live|~|~|~|~|~|~|~|~", null);   // a minute's tombstone: not ours
            store.apply("not a key", null);
            store.checkpoint(Map.of());
            assertEquals(List.of("0:Chrome=5"), seen(store.range("acc", T0, T0 + HOUR)));
        }
    }

    @Test
    void evictionDeletesEveryAccountsHoursBeforeTheCutOff() {
        try (QoeHourStore store = open()) {
            for (String account : List.of("a", "b", "c")) {
                for (int h = 0; h < 4; h++) {
                    put(store, hour(account, T0 + h * HOUR, CHROME, h));
                }
            }
            put(store, hour("old", T0, SAFARI, 1));
            store.checkpoint(Map.of());

            store.evictBefore(T0 + 2 * HOUR);
            for (String account : List.of("a", "b", "c")) {
                assertEquals(List.of("2:Chrome=2", "3:Chrome=3"), seen(store.range(account, 0, Long.MAX_VALUE)), account);
            }
            assertEquals(List.of(), store.range("old", 0, Long.MAX_VALUE));
            store.evictBefore(T0 + 2 * HOUR);   // nothing more to do
            assertEquals(List.of("2:Chrome=2", "3:Chrome=3"), seen(store.range("b", 0, Long.MAX_VALUE)));
        }
    }

    @Test
    void aReopenKeepsWhatWasCheckpointedWithItsPositions() {
        try (QoeHourStore store = open()) {
            assertEquals(Map.of(), store.positions("topic-1"));
            put(store, hour("acc", T0, CHROME, 1));
            store.checkpoint(Map.of(0, 10L, 1, 20L));
            put(store, hour("acc", T0 + HOUR, CHROME, 2));   // never checkpointed: read again from the topic
        }
        try (QoeHourStore store = open()) {
            assertEquals(Map.of(0, 10L, 1, 20L), store.positions("topic-1"));
            assertEquals(List.of("0:Chrome=1"), seen(store.range("acc", 0, Long.MAX_VALUE)));
        }
    }

    @Test
    void anotherTopicOfTheSameNameEmptiesTheStore() {
        try (QoeHourStore store = open()) {
            store.positions("topic-1");
            put(store, hour("acc", T0, CHROME, 1));
            store.checkpoint(Map.of(0, 10L));
        }
        try (QoeHourStore store = open()) {
            assertEquals(Map.of(), store.positions("topic-2"));
            assertTrue(store.range("acc", 0, Long.MAX_VALUE).isEmpty());
        }
    }
}
