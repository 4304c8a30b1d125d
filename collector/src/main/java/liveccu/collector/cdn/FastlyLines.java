package liveccu.collector.cdn;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Fastly HTTPS log streaming with the JSON log format of docs/cdn-logs.md, one object per line. Required:
 * {@code timestamp} ({@code %{begin:%Y-%m-%dT%H:%M:%S%z}t}, or epoch seconds or milliseconds),
 * {@code client_ip}, {@code method}, {@code path}, {@code status}, {@code bytes}. Optional: {@code host},
 * {@code range}, {@code user_agent}, {@code referer}, {@code pop}, {@code cache_state} ({@code fastly_info.state}),
 * {@code duration_ms}. An unset header logs as {@code (null)} or empty: absent.
 */
final class FastlyLines extends JsonLines {

    @Override
    Result parse(JsonNode line) {
        long time = LogTimes.epochMs(line.get("timestamp"));
        if (time < 0) {
            return missing("timestamp", "an ISO 8601 time with its offset, or epoch seconds or milliseconds");
        }
        String ip = LogValues.present(text(line, "client_ip"));
        if (!LogValues.isIp(ip)) {
            return missing("client_ip", "an IP address");
        }
        String method = LogValues.method(text(line, "method"));
        if (method == null) {
            return missing("method", "an HTTP method");
        }
        String path = LogValues.path(text(line, "path"));
        if (path == null) {
            return missing("path", "the request's path");
        }
        int status = LogValues.status(number(line, "status"));
        if (status < 0) {
            return missing("status", "an HTTP status");
        }
        long bytes = number(line, "bytes");
        if (bytes < 0) {
            return missing("bytes", "a number of bytes");
        }
        long duration = number(line, "duration_ms");
        return new Parsed(new AccessLine(time, ip, method, LogValues.host(text(line, "host")), path, status, bytes,
                ByteRange.ofHeader(LogValues.present(text(line, "range"))), LogValues.userAgent(text(line, "user_agent")),
                LogValues.cut(LogValues.present(text(line, "referer")), LogValues.MAX_REFERRER),
                LogValues.cut(LogValues.present(text(line, "pop")), LogValues.MAX_POP),
                CacheStatus.of(text(line, "cache_state")), duration >= 0 ? duration : null));
    }

    private static Bad missing(String field, String what) {
        return new Bad(field + " must be " + what + " (is the endpoint's log format the one in docs/cdn-logs.md?)");
    }
}
