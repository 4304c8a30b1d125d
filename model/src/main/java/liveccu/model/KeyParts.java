package liveccu.model;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * How the results topics' keys hold text: each part URL-encoded, so that a part never contains the
 * {@code |} between parts, and an absent part as {@code ~}; readable with the console consumer.
 */
public final class KeyParts {

    private KeyParts() {
    }

    public static String encode(String value) {
        return value == null ? "~" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
