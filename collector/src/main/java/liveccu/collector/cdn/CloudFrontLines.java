package liveccu.collector.cdn;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * Amazon CloudFront standard logs (W3C extended log file format): tab-separated values in the order the
 * latest {@code #Fields:} line names them, times in UTC, {@code -} for absent, user agent and referrer
 * URL-encoded. Lines starting with {@code #} are directives, not requests. A batch must carry the
 * {@code #Fields:} line before its first request (the importer repeats the file's at the head of each chunk).
 *
 * <p>Columns used: {@code date}, {@code time}, {@code c-ip}, {@code cs-method}, {@code cs-uri-stem},
 * {@code sc-status}, {@code sc-bytes} (required); {@code x-host-header} (else {@code cs(Host)}),
 * {@code cs(User-Agent)}, {@code cs(Referer)}, {@code x-edge-location}, {@code x-edge-result-type},
 * {@code time-taken} (seconds), {@code sc-range-start}, {@code sc-range-end}.
 */
final class CloudFrontLines implements LineParser {

    private static final String[] REQUIRED = {"date", "time", "c-ip", "cs-method", "cs-uri-stem", "sc-status", "sc-bytes"};

    private Map<String, Integer> columns;

    @Override
    public Result parse(String line) {
        if (line.startsWith("#")) {
            if (line.regionMatches(true, 0, "#Fields:", 0, 8)) {
                columns = new HashMap<>();
                String[] names = line.substring(8).trim().split("\\s+");
                for (int i = 0; i < names.length; i++) {
                    columns.putIfAbsent(names[i], i);
                }
            }
            return new Directive();
        }
        if (columns == null) {
            return new Bad("no #Fields: line before this line: send the log file's header lines at the head of the batch");
        }
        for (String name : REQUIRED) {
            if (!columns.containsKey(name)) {
                return new Bad("the #Fields: line has no " + name);
            }
        }
        String[] values = line.split("\t", -1);
        long time = time(value(values, "date"), value(values, "time"));
        if (time < 0) {
            return new Bad("date and time must be YYYY-MM-DD and hh:mm:ss (UTC)");
        }
        String ip = LogValues.present(value(values, "c-ip"));
        if (!LogValues.isIp(ip)) {
            return new Bad("c-ip must be an IP address");
        }
        String method = LogValues.method(value(values, "cs-method"));
        String path = LogValues.path(value(values, "cs-uri-stem"));
        if (method == null || path == null) {
            return new Bad("cs-method and cs-uri-stem must be a method and a path");
        }
        int status = LogValues.status(value(values, "sc-status"));
        if (status < 0) {
            return new Bad("sc-status must be 100-599");
        }
        long bytes = LogValues.bytes(value(values, "sc-bytes"));
        if (bytes < 0) {
            return new Bad("sc-bytes must be a number");
        }
        String host = LogValues.present(value(values, "x-host-header"));
        long rangeStart = LogValues.bytes(value(values, "sc-range-start"));
        long rangeEnd = LogValues.bytes(value(values, "sc-range-end"));
        return new Parsed(new AccessLine(time, ip, method, LogValues.host(host != null ? host : value(values, "cs(Host)")), path,
                status, bytes, rangeStart < 0 ? null : new ByteRange(rangeStart, rangeEnd < 0 ? null : rangeEnd),
                LogValues.userAgent(decoded(value(values, "cs(User-Agent)"))),
                LogValues.cut(decoded(value(values, "cs(Referer)")), LogValues.MAX_REFERRER),
                LogValues.cut(LogValues.present(value(values, "x-edge-location")), LogValues.MAX_POP),
                CacheStatus.of(value(values, "x-edge-result-type")), LogValues.secondsAsMs(value(values, "time-taken"))));
    }

    private String value(String[] values, String column) {
        Integer at = columns.get(column);
        return at == null || at >= values.length ? null : values[at];
    }

    private static long time(String date, String time) {
        if (date == null || time == null) {
            return -1;
        }
        try {
            return LocalDate.parse(date.trim()).atTime(LocalTime.parse(time.trim())).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    /** Percent-decoded ({@code +} stays a plus), or as logged when it is not valid percent-encoding. */
    private static String decoded(String value) {
        String present = LogValues.present(value);
        if (present == null) {
            return null;
        }
        try {
            return LogValues.present(URLDecoder.decode(present.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return present;
        }
    }
}
