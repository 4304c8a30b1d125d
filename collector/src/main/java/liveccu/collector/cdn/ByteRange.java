package liveccu.collector.cdn;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first range of a {@code Range: bytes=…} request header.
 *
 * @param start first byte
 * @param end   last byte (inclusive), null when open-ended ({@code bytes=100-})
 */
record ByteRange(long start, Long end) {

    private static final Pattern FIRST_RANGE = Pattern.compile("\\s*bytes\\s*=\\s*(\\d{1,18})\\s*-\\s*(\\d{0,18})\\s*(?:,.*)?",
            Pattern.CASE_INSENSITIVE);

    /**
     * The header's first range, or null: without a header, a suffix range ({@code bytes=-500}: its start
     * depends on the file's length, which a log does not give), or anything that is not a byte range.
     */
    static ByteRange ofHeader(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = FIRST_RANGE.matcher(header);
        if (!m.matches()) {
            return null;
        }
        long start = Long.parseLong(m.group(1));
        Long end = m.group(2).isEmpty() ? null : Long.parseLong(m.group(2));
        return end != null && end < start ? null : new ByteRange(start, end);
    }
}
