package liveccu.aggregator.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import liveccu.aggregator.audio.AudioState.Fetch;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

/** The keys of store {@code ccu-audio-fetches}: each gives back its fetch, in the ledger's order, under its state's prefix only. */
class AudioFetchKeysTest {

    private static final List<Fetch> FETCHES = List.of(
            new Fetch(-5, 206, 100, 0L, 99L, "/a.mp3"),
            new Fetch(1_700_000_000_000L, 206, 1_048_576, 0L, 1_048_575L, "/podcasts/ep42.mp3"),
            new Fetch(1_700_000_000_000L, 206, 1_048_576, 1_048_576L, 2_097_151L, "/podcasts/ep42.mp3"),
            new Fetch(1_700_000_000_000L, 200, 5_000_000, null, null, "/podcasts/ep42.mp3"),
            new Fetch(1_700_000_000_000L, 200, 5_000_000, null, null, "/podcasts/ep42.mp3?x=é"),
            new Fetch(1_700_000_000_001L, 200, 5_000_000, null, 7L, null),
            new Fetch(1_700_000_000_001L, 200, 5_000_000, 3L, null, ""));

    @Test
    void aKeyGivesBackItsFetchAndKeysSortInTheLedgersOrder() {
        List<Fetch> shuffled = new ArrayList<>(FETCHES);
        Collections.shuffle(shuffled, new Random(16));
        List<Bytes> keys = new ArrayList<>(shuffled.stream().map(f -> AudioFetchKeys.key("123|abc|ep42", f)).toList());
        Collections.sort(keys);
        List<Fetch> back = keys.stream().map(AudioFetchKeys::fetch).toList();
        List<Fetch> ordered = new ArrayList<>(FETCHES);
        ordered.sort(AudioLedger.ORDER);
        assertEquals(ordered, back);
    }

    @Test
    void noStatesPrefixStartsAnotherStatesKeys() {
        Bytes key = AudioFetchKeys.key("123|abc|ep4", FETCHES.get(1));
        assertFalse(startsWith(key, AudioFetchKeys.prefix("123|abc|ep")));
        assertFalse(startsWith(AudioFetchKeys.key("123|abc|ep42", FETCHES.get(1)), AudioFetchKeys.prefix("123|abc|ep4")));
        assertTrue(startsWith(key, AudioFetchKeys.prefix("123|abc|ep4")));
    }

    private static boolean startsWith(Bytes key, Bytes prefix) {
        byte[] k = key.get();
        byte[] p = prefix.get();
        return k.length >= p.length && Arrays.equals(k, 0, p.length, p, 0, p.length);
    }
}
