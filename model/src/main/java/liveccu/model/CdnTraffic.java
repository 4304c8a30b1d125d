package liveccu.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * CDN figures of one account's zone, host, PoP and content for one period (a UTC minute or hour), from
 * its access logs: the record of {@link Topics#CDN_MINUTES} and {@link Topics#CDN_HOURS}, keyed by
 * {@link #key()}, the newest record of a key holding the period's totals. Inside the aggregator the
 * same shape carries a change to those totals (one request).
 *
 * @param periodMs      the period's length: 60,000 (a minute) or 3,600,000 (an hour)
 * @param periodStartMs start of the period, epoch milliseconds
 * @param contentId     the content whose path the request matched in the operator's catalogue, null for none
 * @param requests      requests served
 * @param bytes         bytes sent (traffic)
 * @param hits          requests served from the CDN's cache
 * @param misses        requests the CDN fetched from the origin
 * @param status1xx     requests answered 1xx (and so on for each status group)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CdnTraffic(
        String accountId,
        long periodMs,
        long periodStartMs,
        String zone,
        String host,
        String pop,
        String contentId,
        long requests,
        long bytes,
        long hits,
        long misses,
        long status1xx,
        long status2xx,
        long status3xx,
        long status4xx,
        long status5xx) {

    public static final long MINUTE_MS = 60_000;
    public static final long HOUR_MS = 3_600_000;

    /**
     * {@code account|periodMs|periodStartMs|zone|host|pop|content_id}, each text URL-encoded (so never a
     * {@code |}), an absent one as {@code ~}.
     */
    public String key() {
        return KeyParts.encode(accountId) + "|" + periodMs + "|" + periodStartMs + "|"
                + KeyParts.join(zone, host, pop, contentId);
    }

    /** Requests neither a hit nor a miss (expired, revalidated, bypassed, dynamic…). */
    public long otherCache() {
        return requests - hits - misses;
    }
}
