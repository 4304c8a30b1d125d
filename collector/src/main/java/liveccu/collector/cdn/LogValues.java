package liveccu.collector.cdn;

import java.util.Locale;
import java.util.regex.Pattern;
import liveccu.collector.intake.TrustedProxies;
import liveccu.collector.intake.Origin;

/** What every format's fields share: how an absent value looks, the limits on text, what a method and a status are. */
final class LogValues {

    static final int MAX_PATH = 2048;
    static final int MAX_REFERRER = 2048;
    static final int MAX_HOST = 256;
    static final int MAX_POP = 64;

    private static final Pattern SECONDS = Pattern.compile("\\d+(\\.\\d+)?");

    private LogValues() {
    }

    /**
     * The value, or null when it says "none": missing, empty, {@code -} (the common log format's and CloudFront's
     * absent value) or {@code (null)} (what Fastly prints for an unset header).
     */
    static String present(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        return v.isEmpty() || v.equals("-") || v.equals("(null)") ? null : v;
    }

    static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    static String userAgent(String value) {
        return Origin.userAgent(present(value));
    }

    static String host(String value) {
        String host = present(value);
        return host == null ? null : cut(host.toLowerCase(Locale.ROOT), MAX_HOST);
    }

    /** The path without its query string, or null when there is none. */
    static String path(String uri) {
        String value = present(uri);
        if (value == null) {
            return null;
        }
        int query = value.indexOf('?');
        return cut(query < 0 ? value : value.substring(0, query), MAX_PATH);
    }

    /** An HTTP method token, upper case, or null. */
    static String method(String value) {
        String method = present(value);
        if (method == null || method.length() > 32) {
            return null;
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c <= 32 || c >= 127 || c == '"') {
                return null;
            }
        }
        return method.toUpperCase(Locale.ROOT);
    }

    /** 100-599, or -1. */
    static int status(long value) {
        return value >= 100 && value <= 599 ? (int) value : -1;
    }

    static int status(String value) {
        String v = present(value);
        return v != null && v.length() == 3 && isDigits(v) ? status(Integer.parseInt(v)) : -1;
    }

    /** A count of bytes, or -1. */
    static long bytes(String value) {
        String v = present(value);
        return v != null && v.length() <= 18 && isDigits(v) ? Long.parseLong(v) : -1;
    }

    /** Only digits, as {@link Character#isDigit} and {@link Long#parseLong} read them (a stream per field cost more than the parse). */
    static boolean isDigits(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (!Character.isDigit(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isIp(String value) {
        return value != null && TrustedProxies.address(value) != null;
    }

    /** Seconds with an optional fraction ({@code 0.123}) in milliseconds, or null. */
    static Long secondsAsMs(String value) {
        String v = present(value);
        if (v == null || v.length() > 18 || !SECONDS.matcher(v).matches()) {
            return null;
        }
        return new java.math.BigDecimal(v).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }
}
