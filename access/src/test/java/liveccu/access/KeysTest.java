package liveccu.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import liveccu.access.keys.KeyRing;
import liveccu.access.keys.KeyText;
import liveccu.model.ApiKey;
import org.junit.jupiter.api.Test;

/** A key's text, how the ring finds it by its hash, and what a key lets its caller do. */
class KeysTest {

    @Test
    void aKeyIsFoundByItsTextAndNeverByAnotherWithTheSameId() {
        String id = KeyText.newId();
        String text = KeyText.newKey(id);
        assertEquals(id, KeyText.idOf(text));
        KeyRing ring = KeyRing.detached();
        ring.apply(id, new ApiKey(id, "acme", KeyText.sha256(text), List.of("acme"), List.of("counts"), 0, 0));

        assertEquals(id, ring.find(text).orElseThrow().id());
        assertTrue(ring.find(text.substring(0, text.length() - 1) + (text.endsWith("A") ? "B" : "A")).isEmpty(),
                "same id, another secret");
        assertTrue(ring.find("ccu_" + KeyText.newId() + "_whatever").isEmpty(), "unknown id");

        ring.apply(id, null);
        assertTrue(ring.find(text).isEmpty(), "a tombstone revokes");
    }

    @Test
    void keysAreRandomAndOnlyOurFormatHasAnId() {
        assertNotEquals(KeyText.newKey("abcdefghijkm"), KeyText.newKey("abcdefghijkm"));
        assertNull(KeyText.idOf("test-api-key"));
        assertNull(KeyText.idOf("ccu_short_x"));
        assertNull(KeyText.idOf(null));
    }

    @Test
    void aCallerReadsOnlyItsAccountsWithItsScopes() {
        Caller acme = Caller.of(new ApiKey("k1", "acme", "h", List.of("acme", "acme-eu"), List.of("counts", "nonsense"), 0, 0));
        assertTrue(acme.mayRead("acme-eu"));
        assertFalse(acme.mayRead("globex"));
        assertTrue(acme.has(Scope.COUNTS));
        assertFalse(acme.has(Scope.VIEWERS));
        assertFalse(acme.operator());

        Caller noc = Caller.of(new ApiKey("k2", "noc", "h", List.of("*"), List.of("counts"), 0, 0));
        assertTrue(noc.mayRead("globex"));
        assertFalse(noc.operator(), "reading every account does not make a key the operator's");
    }

    @Test
    void expiryIsAnInstant() {
        ApiKey key = new ApiKey("k", "l", "h", List.of("*"), List.of("counts"), 0, 1_000);
        assertFalse(key.expiredAt(999));
        assertTrue(key.expiredAt(1_000));
        assertFalse(new ApiKey("k", "l", "h", List.of("*"), List.of("counts"), 0, 0).expiredAt(Long.MAX_VALUE), "0: never");
    }
}
