package liveccu.collector.cdn;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The access-log formats a log source can send, by their name in {@code CCU_LOG_SOURCES} and on {@code CdnRequest.format}. */
public enum LogFormat {
    /** Cloudflare Logpush, HTTP requests dataset: NDJSON. */
    CLOUDFLARE("cloudflare"),
    /** Fastly HTTPS log streaming with the JSON format of docs/cdn-logs.md: NDJSON. */
    FASTLY("fastly"),
    /** nginx/Apache combined, optionally with the cache status, range, request time and host appended: one line per request. */
    COMBINED("combined"),
    /** Amazon CloudFront standard logs (W3C, tab-separated, columns named by {@code #Fields:}). */
    CLOUDFRONT("cloudfront");

    private final String wireName;

    LogFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<LogFormat> fromWire(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.wireName.equals(wanted)).findFirst();
    }

    /** The line parser of this format, for one batch (CloudFront's remembers the batch's {@code #Fields:}). */
    LineParser newParser() {
        return switch (this) {
            case CLOUDFLARE -> new CloudflareLines();
            case FASTLY -> new FastlyLines();
            case COMBINED -> new CombinedLines();
            case CLOUDFRONT -> new CloudFrontLines();
        };
    }
}
