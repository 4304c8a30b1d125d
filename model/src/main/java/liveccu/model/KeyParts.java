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

    /**
     * The values encoded and joined by {@code |}: a key's text parts. A loop, not a stream: keys are made
     * per CDN line and per audio change, where a stream's set-up cost more than the encoding.
     */
    public static String join(String... values) {
        StringBuilder key = new StringBuilder(16 * values.length);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                key.append('|');
            }
            key.append(encode(values[i]));
        }
        return key.toString();
    }
}
