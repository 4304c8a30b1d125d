package liveccu.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One request of a CDN access log, normalised from whichever format it came in (Cloudflare Logpush,
 * Fastly JSON logging, nginx/Apache combined, CloudFront standard logs): the record of
 * {@link Topics#CDN_REQUESTS}, keyed by {@link #partitionKey()}, written compact ({@link CdnRequestSerde}). As JSON
 * (which that topic still reads) the field names are the snake_case of the component names; absent values are left out.
 *
 * <p>Identity: a log line is {@code (batchId, line)}. A vendor retrying a batch sends the same body, and
 * the importer names every chunk of a file by the file's fingerprint and numbers its lines from their
 * place in the file, so a line keeps its identity whatever the number of deliveries and however the
 * file was cut: the aggregator counts it once.
 *
 * @param batchId      the batch the line came in: SHA-256 of the pushed body (decompressed), or the
 *                     importer's file fingerprint (SHA-256 of the file)
 * @param line         0-based number of the line in its batch: in a pushed body, its index; in an imported
 *                     file, its number in the whole file (chunks say where they start)
 * @param accountId    the account the log source belongs to
 * @param source       the configured log source (one CDN property or file drop) that sent it
 * @param format       {@code cloudflare}, {@code fastly}, {@code combined} or {@code cloudfront}
 * @param zone         distribution zone: the source's zone (its CDN zone or distribution)
 * @param timeMs       when the CDN received the request, epoch milliseconds
 * @param receivedAtMs when the collector received the line, epoch milliseconds
 * @param ipHash       keyed hash of the client IP (as for player events); never the IP
 * @param method       HTTP method, upper case
 * @param host         requested host, lower case; null when the format has none
 * @param path         requested path without the query string
 * @param status       response status
 * @param bytes        bytes sent to the client (headers included where the CDN counts them so)
 * @param rangeStart   first byte of the requested range, null without a range
 * @param rangeEnd     last byte of the requested range (inclusive), null when open-ended or without a range
 * @param userAgent    the client's User-Agent, null when absent
 * @param referrer     the Referer, null when absent
 * @param pop          the CDN's point of presence (Cloudflare colo, CloudFront edge location…), null when unknown
 * @param cacheStatus  {@link #HIT}, {@link #MISS} or {@link #OTHER}
 * @param durationMs   time to serve the request, null when the log does not say
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CdnRequest(
        String batchId,
        int line,
        String accountId,
        String source,
        String format,
        String zone,
        long timeMs,
        long receivedAtMs,
        String ipHash,
        String method,
        String host,
        String path,
        int status,
        long bytes,
        Long rangeStart,
        Long rangeEnd,
        String userAgent,
        String referrer,
        String pop,
        String cacheStatus,
        Long durationMs) {

    public static final String HIT = "HIT";
    public static final String MISS = "MISS";
    public static final String OTHER = "OTHER";

    /** Lines of a batch per block: the unit the aggregator remembers delivered lines in, and the Kafka key's. */
    public static final int BLOCK_LINES = 1024;

    /**
     * The Kafka key, {@code batchId#block} with block {@code line / BLOCK_LINES}: a block's lines meet on one
     * partition, where the aggregator remembers which were delivered, while a big file's blocks spread over
     * all partitions (one key per file would put all its lines on one stream thread).
     */
    public String partitionKey() {
        return batchId + "#" + Math.floorDiv(line, BLOCK_LINES);
    }
}
