package liveccu.collector.cdn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Cloudflare Logpush, HTTP requests dataset, one JSON object per line. Required: {@code EdgeStartTimestamp}
 * (any of the job's timestamp formats), {@code ClientIP}, {@code ClientRequestMethod}, {@code ClientRequestURI}
 * (or {@code ClientRequestPath}), {@code EdgeResponseStatus}, {@code EdgeResponseBytes}. Optional:
 * {@code ClientRequestHost}, {@code ClientRequestUserAgent}, {@code ClientRequestReferer}, {@code EdgeColoCode},
 * {@code CacheCacheStatus}, {@code EdgeEndTimestamp} (the duration is end − start) or else
 * {@code EdgeTimeToFirstByteMs}, and the custom field {@code RequestHeaders} with {@code range}.
 */
final class CloudflareLines extends JsonLines {

    @Override
    Result parse(JsonNode line) {
        long start = LogTimes.epochMs(line.get("EdgeStartTimestamp"));
        if (start < 0) {
            return missing("EdgeStartTimestamp", "an RFC 3339 time or Unix seconds, milliseconds or nanoseconds");
        }
        String ip = LogValues.present(text(line, "ClientIP"));
        if (!LogValues.isIp(ip)) {
            return missing("ClientIP", "an IP address");
        }
        String method = LogValues.method(text(line, "ClientRequestMethod"));
        if (method == null) {
            return missing("ClientRequestMethod", "an HTTP method");
        }
        String uri = text(line, "ClientRequestURI");
        String path = LogValues.path(uri != null ? uri : text(line, "ClientRequestPath"));
        if (path == null) {
            return missing("ClientRequestURI", "the request's path and query");
        }
        int status = LogValues.status(number(line, "EdgeResponseStatus"));
        if (status < 0) {
            return missing("EdgeResponseStatus", "an HTTP status");
        }
        long bytes = number(line, "EdgeResponseBytes");
        if (bytes < 0) {
            return missing("EdgeResponseBytes", "a number of bytes");
        }
        return new Parsed(new AccessLine(start, ip, method, LogValues.host(text(line, "ClientRequestHost")), path, status, bytes,
                ByteRange.ofHeader(range(line.get("RequestHeaders"))),
                LogValues.userAgent(text(line, "ClientRequestUserAgent")),
                LogValues.cut(LogValues.present(text(line, "ClientRequestReferer")), LogValues.MAX_REFERRER),
                LogValues.cut(LogValues.present(text(line, "EdgeColoCode")), LogValues.MAX_POP),
                CacheStatus.of(text(line, "CacheCacheStatus")), duration(line, start)));
    }

    private static Bad missing(String field, String what) {
        return new Bad(field + " must be " + what + " (is the field in the Logpush job's list?)");
    }

    /** End − start when the job logs the end, else the time to first byte; null when neither. */
    private static Long duration(JsonNode line, long startMs) {
        long end = LogTimes.epochMs(line.get("EdgeEndTimestamp"));
        if (end >= startMs) {
            return end - startMs;
        }
        long ttfb = number(line, "EdgeTimeToFirstByteMs");
        return ttfb >= 0 ? ttfb : null;
    }

    /** The Range header among the job's custom request headers ({@code "RequestHeaders":{"range":"bytes=0-1"}}). */
    private static String range(JsonNode headers) {
        if (headers == null || !headers.isObject()) {
            return null;
        }
        for (Map.Entry<String, JsonNode> header : headers.properties()) {
            if (header.getKey().equalsIgnoreCase("range") && header.getValue().isTextual()) {
                return header.getValue().asText();
            }
        }
        return null;
    }
}
