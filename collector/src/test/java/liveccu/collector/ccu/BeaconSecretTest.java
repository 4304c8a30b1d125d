package liveccu.collector.ccu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import liveccu.collector.ccu.BeaconSecret.Check;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BeaconSecretTest {

    private static final BeaconSecret PER_ACCOUNT_AND_GLOBAL =
            new BeaconSecret(Optional.of("global"), Map.of("acc1", "secret-one", "acc2", "secret=two"));
    private static final BeaconSecret PER_ACCOUNT_ONLY = new BeaconSecret(Optional.empty(), Map.of("acc1", "secret-one"));

    @Test
    void acceptsAnythingWhenNoSecretIsConfigured() {
        assertTrue(new BeaconSecret(Optional.empty()).accepts("acc1", null, null));
    }

    @Test
    void acceptsTheSecretInTheHeaderOrTheQuery() {
        BeaconSecret secret = new BeaconSecret(Optional.of("s3cret"));

        assertTrue(secret.accepts("acc", "s3cret", null));
        assertTrue(secret.accepts("acc", null, "s3cret"));
        assertTrue(secret.accepts("acc", "wrong", "s3cret"));
    }

    @Test
    void refusesAMissingOrWrongSecret() {
        BeaconSecret secret = new BeaconSecret(Optional.of("s3cret"));

        assertEquals(Check.MISSING, secret.check("acc", null, null));
        assertEquals(Check.WRONG, secret.check("acc", "s3cre", "s3cret0"));
    }

    @ParameterizedTest(name = "account {0}, header {1}, query {2} -> {3}")
    @CsvSource(nullValues = "null", value = {
            // an account with its own secret needs exactly that one, never the collector-wide one
            "acc1, secret-one, null, ACCEPTED",
            "acc1, null, secret-one, ACCEPTED",
            "acc1, global, null, WRONG_ACCOUNT_KEY",
            "acc1, secret=two, null, WRONG_ACCOUNT_KEY",
            "acc1, null, null, MISSING_ACCOUNT_KEY",
            "acc2, secret=two, null, ACCEPTED",
            "acc2, secret-one, null, WRONG_ACCOUNT_KEY",
            // any other account falls back to the collector-wide secret
            "acc3, global, null, ACCEPTED",
            "acc3, secret-one, null, WRONG",
            "acc3, null, null, MISSING",
            "ACC1, secret-one, null, WRONG",
            "null, global, null, ACCEPTED",
    })
    void anAccountsOwnSecretElseTheCollectorWideOne(String account, String header, String query, Check expected) {
        assertEquals(expected, PER_ACCOUNT_AND_GLOBAL.check(account, header, query));
    }

    @ParameterizedTest(name = "account {0}, header {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "acc1, secret-one, ACCEPTED",
            "acc1, null, MISSING_ACCOUNT_KEY",
            "acc1, wrong, WRONG_ACCOUNT_KEY",
            "acc3, null, ACCEPTED",
            "acc3, anything, ACCEPTED",
    })
    void withoutACollectorWideSecretOtherAccountsAreOpen(String account, String header, Check expected) {
        assertEquals(expected, PER_ACCOUNT_ONLY.check(account, header, null));
        assertFalse(PER_ACCOUNT_ONLY.required());
    }

    @Test
    void theMessagesAndToStringNeverShowASecret() {
        for (Check check : Check.values()) {
            if (!check.accepted()) {
                assertFalse(check.message().contains("secret-one") || check.message().contains("global"), check.message());
                assertTrue(check.message().contains("beacon key"), check.message());
            }
        }
        String shown = PER_ACCOUNT_AND_GLOBAL.toString();
        assertFalse(shown.contains("secret-one") || shown.contains("secret=two") || shown.contains("global"), shown);
        assertTrue(shown.contains("acc1"), shown);
    }
}
