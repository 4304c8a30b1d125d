package liveccu.collector.cdn;

import java.util.Locale;
import java.util.Set;
import liveccu.model.CdnRequest;

/**
 * The one mapping of every format's cache status to {@link CdnRequest#HIT}, {@link CdnRequest#MISS} or
 * {@link CdnRequest#OTHER}. HIT: the body came from the CDN's cache, also when it was stale or revalidated
 * with the origin first; MISS: fetched from the origin for the cache (also an expired entry); OTHER:
 * not cacheable, bypassed, an error, or unknown.
 *
 * <ul>
 *   <li>Cloudflare {@code CacheCacheStatus}: hit, stream_hit, stale, updating, revalidated → HIT; miss, expired →
 *       MISS; dynamic, bypass, ignored, deferred, unknown, … → OTHER</li>
 *   <li>Fastly {@code fastly_info.state}: HIT, HIT-STALE, HIT-WAIT, HIT-CLUSTER, … → HIT (HIT-SYNTH, a synthetic
 *       answer, and HITPASS → OTHER); MISS, MISS-WAIT, MISS-CLUSTER, … → MISS; PASS, ERROR, … → OTHER</li>
 *   <li>nginx {@code $upstream_cache_status}: HIT, STALE, UPDATING, REVALIDATED → HIT; MISS, EXPIRED → MISS; BYPASS,
 *       {@code -} → OTHER; Apache mod_cache's {@code %{cache-status}e}: "cache hit…" → HIT, "cache miss…" → MISS</li>
 *   <li>CloudFront {@code x-edge-result-type}: Hit, RefreshHit → HIT; Miss → MISS; Error, Redirect, LimitExceeded,
 *       CapacityExceeded, … → OTHER</li>
 * </ul>
 */
final class CacheStatus {

    private static final Set<String> HITS = Set.of("hit", "stream_hit", "stale", "updating", "revalidated", "refreshhit");
    private static final Set<String> MISSES = Set.of("miss", "expired");

    private CacheStatus() {
    }

    static String of(String status) {
        if (status == null) {
            return CdnRequest.OTHER;
        }
        String s = status.trim().toLowerCase(Locale.ROOT);
        if (HITS.contains(s) || s.startsWith("cache hit") || (s.startsWith("hit-") && !s.equals("hit-synth"))) {
            return CdnRequest.HIT;
        }
        if (MISSES.contains(s) || s.startsWith("cache miss") || s.startsWith("miss-")) {
            return CdnRequest.MISS;
        }
        return CdnRequest.OTHER;
    }
}
