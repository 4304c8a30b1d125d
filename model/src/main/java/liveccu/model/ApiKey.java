package liveccu.model;

import java.util.List;

/**
 * A per-account API key as the keys topic keeps it: never the key itself, only its SHA-256, with
 * what it may read. Keys are long random secrets, so a plain hash is enough to make a leaked topic
 * useless (no password stretching needed: there is nothing to guess).
 *
 * @param id           public, short: in the key's text, in logs, metrics and the audit topic
 * @param label        what the operator called it ("acme dashboard")
 * @param sha256       hex SHA-256 of the key's full text
 * @param accounts     the accounts it may read; {@code ["*"]} for every account
 * @param scopes       what it may do: {@code counts}, {@code viewers}, {@code sessions-admin}
 * @param createdAtMs  when it was created
 * @param expiresAtMs  when it stops working; 0 for never
 */
public record ApiKey(String id, String label, String sha256, List<String> accounts, List<String> scopes,
                     long createdAtMs, long expiresAtMs) {

    /** The account list of a key that reads every account. */
    public static final String ALL_ACCOUNTS = "*";

    public boolean expiredAt(long nowMs) {
        return expiresAtMs > 0 && nowMs >= expiresAtMs;
    }
}
