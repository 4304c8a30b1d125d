package liveccu.collector.beacon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BeaconSecretTest {

    @Test
    void acceptsAnythingWhenNoSecretIsConfigured() {
        assertTrue(new BeaconSecret(Optional.empty()).accepts(null, null));
    }

    @Test
    void acceptsTheSecretInTheHeaderOrTheQuery() {
        BeaconSecret secret = new BeaconSecret(Optional.of("s3cret"));

        assertTrue(secret.accepts("s3cret", null));
        assertTrue(secret.accepts(null, "s3cret"));
        assertTrue(secret.accepts("wrong", "s3cret"));
    }

    @Test
    void refusesAMissingOrWrongSecret() {
        BeaconSecret secret = new BeaconSecret(Optional.of("s3cret"));

        assertFalse(secret.accepts(null, null));
        assertFalse(secret.accepts("s3cre", "s3cret0"));
    }
}
