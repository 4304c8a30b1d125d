package liveccu.collector.cdn;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx/Apache access logs: the combined format (the common format, without referrer and user agent, too),
 * optionally followed by the four fields of the {@code ccu} format in docs/cdn-logs.md: the cache status, the Range
 * header, the request time (nginx's {@code $request_time} in seconds, {@code 0.123}, or Apache's
 * {@code %{ms}Tms}, {@code 123ms}) and the host.
 *
 * <pre>
 * 203.0.113.9 - - [30/Nov/2026:10:15:00 +0000] "GET /a.mp3?x=1 HTTP/1.1" 206 70000 "-" "Podcasts/1.0" "HIT" "bytes=0-69999" 0.012 cdn.example.com
 * </pre>
 * Quoted fields may escape a quote as {@code \"} (Apache) or {@code \x22} (nginx).
 */
final class CombinedLines implements LineParser {

    /**
     * A quoted field: runs of plain characters between escapes ({@code [^"\\]*+(?:\\.[^"\\]*+)*+}, "unrolling the
     * loop"); the same strings as {@code (?:[^"\\]|\\.)*}, which tries an alternation at every character.
     */
    private static final String QUOTED = "\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"";
    private static final Pattern LINE = Pattern.compile(
            "(\\S+) \\S+ \\S+ \\[([^\\]]+)\\] " + QUOTED + " (\\d{3}) (\\d+|-)"
                    + "(?: " + QUOTED + " " + QUOTED + ")?"
                    + "(?: " + QUOTED + " " + QUOTED + " (\\S+) (\\S+))?\\s*");
    private static final Pattern APACHE_MS = Pattern.compile("(\\d{1,15})ms");

    @Override
    public Result parse(String text) {
        Matcher m = LINE.matcher(text);
        if (!m.matches()) {
            return new Bad("not a combined log line: address, identity, user, [time], \"request\", status and bytes, "
                    + "then optionally \"referrer\" \"user agent\" and \"cache status\" \"range\" request-time host");
        }
        long time = LogTimes.commonLog(m.group(2));
        if (time < 0) {
            return new Bad("the time must be [day/Mon/year:hh:mm:ss +zone]");
        }
        String ip = m.group(1);
        if (!LogValues.isIp(ip)) {
            return new Bad("the client address must be an IP address");
        }
        String[] request = unescape(m.group(3)).split(" ");
        String method = request.length >= 2 ? LogValues.method(request[0]) : null;
        String path = request.length >= 2 ? LogValues.path(request[1]) : null;
        if (method == null || path == null) {
            return new Bad("the request must be \"METHOD path[ protocol]\"");
        }
        int status = LogValues.status(m.group(4));
        if (status < 0) {
            return new Bad("the status must be 100-599");
        }
        long bytes = m.group(5).equals("-") ? 0 : LogValues.bytes(m.group(5));  // Apache's %b prints - for none
        if (bytes < 0) {
            return new Bad("the bytes sent must be a number");
        }
        String referrer = LogValues.present(unescape(m.group(6)));
        String userAgent = LogValues.userAgent(unescape(m.group(7)));
        String cacheStatus = LogValues.present(unescape(m.group(8)));
        ByteRange range = ByteRange.ofHeader(LogValues.present(unescape(m.group(9))));
        return new Parsed(new AccessLine(time, ip, method, LogValues.host(m.group(11)), path, status, bytes, range, userAgent,
                LogValues.cut(referrer, LogValues.MAX_REFERRER), null, CacheStatus.of(cacheStatus), durationMs(m.group(10))));
    }

    /** nginx's seconds ({@code 0.123}) or Apache's {@code 123ms}; null for {@code -} or anything else. */
    private static Long durationMs(String value) {
        if (value == null) {
            return null;
        }
        Matcher ms = APACHE_MS.matcher(value);
        return ms.matches() ? Long.valueOf(ms.group(1)) : LogValues.secondsAsMs(value);
    }

    /** Undoes the servers' escapes: {@code \"}, {@code \\} and nginx's {@code \xHH} bytes (UTF-8 text split into bytes). */
    static String unescape(String quoted) {
        if (quoted == null || quoted.indexOf('\\') < 0) {
            return quoted;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(quoted.length());
        int i = 0;
        while (i < quoted.length()) {
            int c = quoted.codePointAt(i);
            if (c == '\\' && i + 3 < quoted.length() && quoted.charAt(i + 1) == 'x' && isHex(quoted, i + 2) && isHex(quoted, i + 3)) {
                out.write(Integer.parseInt(quoted.substring(i + 2, i + 4), 16));
                i += 4;
                continue;
            }
            if (c == '\\' && i + 1 < quoted.length()) {
                i++;
                c = quoted.codePointAt(i);
            }
            out.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
            i += Character.charCount(c);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(String text, int at) {
        return Character.digit(text.charAt(at), 16) >= 0;
    }
}
