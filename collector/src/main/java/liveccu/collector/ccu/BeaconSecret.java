package liveccu.collector.ccu;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The optional secrets beacons must carry, as header {@code x-api-key} or, for players using
 * {@code navigator.sendBeacon} (which cannot set headers), as query parameter {@code key}: an
 * account's own secret when it has one, else the collector-wide secret, else none.
 */
public final class BeaconSecret {

    /** What the presented key amounts to; the messages name the case, never a secret. */
    public enum Check {
        ACCEPTED(null),
        MISSING("missing beacon key (header x-api-key or query parameter key)"),
        WRONG("wrong beacon key (header x-api-key or query parameter key)"),
        MISSING_ACCOUNT_KEY("missing beacon key: this account has its own key (header x-api-key or query parameter key)"),
        WRONG_ACCOUNT_KEY("wrong beacon key: this account has its own key (header x-api-key or query parameter key)");

        private final String message;

        Check(String message) {
            this.message = message;
        }

        public boolean accepted() {
            return this == ACCEPTED;
        }

        /** Why the beacon was refused, for the 401's reason and the rejected record. */
        public String message() {
            return message;
        }
    }

    private final byte[] secret;
    private final Map<String, byte[]> byAccount;

    /** @param secret the collector-wide secret; empty means beacons need none */
    public BeaconSecret(Optional<String> secret) {
        this(secret, Map.of());
    }

    /**
     * @param secret    the collector-wide secret, for accounts without their own; empty: those need none
     * @param byAccount each account's own secret (the path's accountid → secret)
     */
    public BeaconSecret(Optional<String> secret, Map<String, String> byAccount) {
        this.secret = secret.map(BeaconSecret::bytes).orElse(null);
        Map<String, byte[]> accounts = new HashMap<>();
        byAccount.forEach((account, accountSecret) -> accounts.put(account, bytes(accountSecret)));
        this.byAccount = Map.copyOf(accounts);
    }

    /** True when every beacon needs a key: a collector-wide secret is set. */
    public boolean required() {
        return secret != null;
    }

    /** How many accounts have their own secret. */
    public int accountsWithOwnSecret() {
        return byAccount.size();
    }

    /**
     * Checks the presented values against the secret that applies to {@code account} (the path's
     * accountid as received, before parsing): its own, else the collector-wide one, else none.
     */
    public Check check(String account, String header, String queryParameter) {
        byte[] own = account == null ? null : byAccount.get(account);
        byte[] expected = own != null ? own : secret;
        if (expected == null || matches(expected, header) || matches(expected, queryParameter)) {
            return Check.ACCEPTED;
        }
        boolean missing = header == null && queryParameter == null;
        if (own != null) {
            return missing ? Check.MISSING_ACCOUNT_KEY : Check.WRONG_ACCOUNT_KEY;
        }
        return missing ? Check.MISSING : Check.WRONG;
    }

    /** True when no secret applies to the account, or one of the presented values matches it. */
    public boolean accepts(String account, String header, String queryParameter) {
        return check(account, header, queryParameter).accepted();
    }

    private static boolean matches(byte[] expected, String presented) {
        // Constant time, so the secret cannot be guessed byte by byte from response times.
        return presented != null && MessageDigest.isEqual(expected, bytes(presented));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Never the secrets themselves. */
    @Override
    public String toString() {
        return "BeaconSecret[collectorWide=" + (secret == null ? "<unset>" : "<set>") + ", accountsWithOwnSecret="
                + byAccount.keySet() + "]";
    }
}
