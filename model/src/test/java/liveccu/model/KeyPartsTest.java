package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KeyPartsTest {

    @Test
    void partsAreEncodedSoNoneHoldsTheSeparatorAndAnAbsentOneIsATilde() {
        assertEquals("a|~|b%7Cc|%C3%A9t%C3%A9+1|%7E", KeyParts.join("a", null, "b|c", "été 1", "~"));
        assertEquals("~", KeyParts.join((String) null));
        assertEquals("", KeyParts.join());
    }

    @Test
    void keysReadAsBefore() {
        assertEquals("123|60000|0|zone-1|cdn.example.com|~|ep+42",
                new CdnTraffic("123", 60_000, 0, "zone-1", "cdn.example.com", null, "ep 42", 0, 0, 0, 0, 0, 0, 0, 0, 0).key());
    }
}
