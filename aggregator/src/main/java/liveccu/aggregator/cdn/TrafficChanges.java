package liveccu.aggregator.cdn;

import liveccu.aggregator.ChangeCombiner;
import liveccu.model.CdnRequest;
import liveccu.model.CdnTraffic;
import liveccu.model.KeyParts;

/**
 * One request as a change to its figures: a {@link CdnTraffic} of one request, summed with others of its traffic
 * and period ({@link ChangeCombiner}), then keyed by account, zone, host, PoP and content (all periods of that
 * traffic meet on one partition). Its period says the finest
 * one it still reaches: its minute (and so its hour), or its hour only when it came too late for the
 * minute.
 */
final class TrafficChanges {

    /** What the windowed sums start from; {@link #add} takes the identity from the change. */
    static final CdnTraffic NONE = new CdnTraffic(null, 0, 0, null, null, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** A line's change summed with the others of its traffic and period where the lines are, then keyed by its traffic. */
    static final ChangeCombiner.Sums<CdnTraffic> SUMS = new ChangeCombiner.Sums<>() {
        @Override
        public String pendingKey(String batchId, CdnTraffic change) {
            return change.key();
        }

        @Override
        public CdnTraffic add(CdnTraffic sum, CdnTraffic change) {
            return TrafficChanges.add(sum, change, change.periodMs());
        }

        @Override
        public String sentKey(CdnTraffic sum) {
            return trafficKey(sum);
        }
    };

    private TrafficChanges() {
    }

    /** {@code account|zone|host|pop|content_id}, each URL-encoded (so never a {@code |}), an absent one {@code ~}. */
    static String trafficKey(CdnTraffic traffic) {
        return KeyParts.join(traffic.accountId(), traffic.zone(), traffic.host(), traffic.pop(), traffic.contentId());
    }

    static CdnTraffic of(MatchedRequest matched, boolean reachesMinute) {
        CdnRequest request = matched.request();
        long periodMs = reachesMinute ? CdnTraffic.MINUTE_MS : CdnTraffic.HOUR_MS;
        int group = request.status() / 100;
        return new CdnTraffic(request.accountId(), periodMs, CdnRules.periodStart(request.timeMs(), periodMs),
                request.zone(), request.host(), request.pop(), matched.contentId(),
                1, request.bytes(),
                CdnRequest.HIT.equals(request.cacheStatus()) ? 1 : 0, CdnRequest.MISS.equals(request.cacheStatus()) ? 1 : 0,
                group == 1 ? 1 : 0, group == 2 ? 1 : 0, group == 3 ? 1 : 0, group == 4 ? 1 : 0, group == 5 ? 1 : 0);
    }

    /** The totals of a period of {@code periodMs} with the change added (the change lies in that period). */
    static CdnTraffic add(CdnTraffic totals, CdnTraffic change, long periodMs) {
        return new CdnTraffic(change.accountId(), periodMs, CdnRules.periodStart(change.periodStartMs(), periodMs),
                change.zone(), change.host(), change.pop(), change.contentId(),
                totals.requests() + change.requests(), totals.bytes() + change.bytes(),
                totals.hits() + change.hits(), totals.misses() + change.misses(),
                totals.status1xx() + change.status1xx(), totals.status2xx() + change.status2xx(),
                totals.status3xx() + change.status3xx(), totals.status4xx() + change.status4xx(),
                totals.status5xx() + change.status5xx());
    }
}
