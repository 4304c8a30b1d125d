package liveccu.aggregator.audio;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Collections;
import java.util.List;
import liveccu.aggregator.audio.AudioState.Fetch;
import liveccu.aggregator.audio.AudioTracker.RecentStates;
import liveccu.aggregator.audio.AudioTracker.Stored;
import org.junit.jupiter.api.Test;

/** The audio tracker's memory of the states it used last: bounded by their open requests, the least recently used leave first. */
class RecentStatesTest {

    private static Stored withFetches(int n) {
        return new Stored(null, Collections.nCopies(n, new Fetch(0, 206, 1, 0L, 0L, "/a.mp3")));
    }

    @Test
    void theLeastRecentlyUsedStatesLeaveWhenTheirRequestsOutgrowTheBound() {
        RecentStates recent = new RecentStates(10);
        recent.put("a", withFetches(3));                   // each weighs its fetches and one: 4
        recent.put("b", withFetches(3));
        assertNotNull(recent.get("a"));                    // a used after b
        recent.put("c", withFetches(3));                   // 12 > 10: b, the least recently used, leaves
        assertNull(recent.get("b"));
        assertNotNull(recent.get("a"));
        assertNotNull(recent.get("c"));

        Stored bigger = withFetches(5);
        recent.put("a", bigger);                           // replaces a (6 + 4 = 10): nothing leaves
        assertSame(bigger, recent.get("a"));
        assertNotNull(recent.get("c"));
        recent.forget("c");
        recent.put("d", withFetches(3));                   // 6 + 4, c gone: still 10
        assertSame(bigger, recent.get("a"));
        assertNotNull(recent.get("d"));
    }

    @Test
    void aStateHeavierThanTheBoundIsNotKeptAndNoBoundKeepsNothing() {
        RecentStates recent = new RecentStates(10);
        recent.put("a", withFetches(2));
        recent.put("radio", withFetches(20));
        assertNull(recent.get("radio"));
        assertNull(recent.get("a"), "it left first, making room that did not suffice");

        RecentStates none = new RecentStates(0);
        none.put("a", withFetches(0));
        assertNull(none.get("a"));
        assertNull(none.get("b"));
        recent.put("b", new Stored(null, List.of()));
        assertNotNull(recent.get("b"), "the bound is back to its own: a weighs 1");
    }
}
