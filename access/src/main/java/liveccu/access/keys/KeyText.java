package liveccu.access.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The text of a per-account key: {@code ccu_<id>_<secret>}. The id is public (12 lower-case
 * letters and digits, for logs and revocation); the secret is 32 random bytes. Only the SHA-256 of
 * the whole text is stored.
 */
public final class KeyText {

    private static final String PREFIX = "ccu_";
    private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final int ID_LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyText() {
    }

    public static String newId() {
        char[] id = new char[ID_LENGTH];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
        }
        return new String(id);
    }

    public static String newKey(String id) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The id inside a presented key, or null when the text is not a per-account key at all. */
    public static String idOf(String text) {
        if (text == null || !text.startsWith(PREFIX) || text.length() <= PREFIX.length() + ID_LENGTH + 1
                || text.charAt(PREFIX.length() + ID_LENGTH) != '_') {
            return null;
        }
        return text.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH);
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
