package liveccu.api.cdn;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import liveccu.api.http.QueryParams;
import liveccu.model.CdnTraffic;
import liveccu.ops.http.HttpFailure;

/**
 * {@code GET /cdn}'s parameters, checked: {@code accountid}, {@code from} and {@code to} (Unix seconds;
 * periods starting in {@code [from, to)}), {@code interval} ({@code minute}, {@code hour} or {@code day},
 * UTC; by default from the range's length), the filters {@code zone}, {@code host} and {@code contentid},
 * {@code group_by} ({@code pop}, {@code zone}, {@code host} or {@code content}) and {@code format}
 * ({@code json} or {@code csv}).
 *
 * @param zone    only this distribution zone, or null for every one (and so for host and contentId)
 * @param groupBy the dimension rows are split by, or null
 */
record CdnQuery(String accountId, long fromMs, long toMs, long intervalMs, String zone, String host, String contentId,
                String groupBy, boolean csv) {

    static final long DAY_MS = 24 * CdnTraffic.HOUR_MS;
    /** Without {@code interval}: minutes for a range up to this long (at most 360 rows a group)… */
    static final Duration MINUTES_UP_TO = Duration.ofHours(6);
    /** …hours up to this long (at most 168), days beyond. */
    static final Duration HOURS_UP_TO = Duration.ofDays(7);
    static final int MAX_ZONE = 256;
    static final int MAX_HOST = 255;
    static final int MAX_CONTENT_ID = 256;

    /** Each dimension rows can be grouped by: its column name and how to read it. */
    static final Map<String, Function<CdnTraffic, String>> DIMENSIONS = Map.of(
            "pop", CdnTraffic::pop,
            "zone", CdnTraffic::zone,
            "host", CdnTraffic::host,
            "content", CdnTraffic::contentId);

    /**
     * @param maxRange      the longest range (the hours kept)
     * @param firstMinuteMs the earliest minute kept: {@code interval=minute} only from there on
     * @throws HttpFailure 400 with the reason when a parameter is wrong
     */
    static CdnQuery parse(Function<String, String> params, Duration maxRange, long firstMinuteMs) {
        String account = QueryParams.accountId(params.apply("accountid"));
        QueryParams.Range range = QueryParams.range(params, maxRange);
        long interval = interval(params.apply("interval"), range.fromMs(), range.toMs(), firstMinuteMs);
        String zone = text("zone", params.apply("zone"), MAX_ZONE);
        String host = text("host", params.apply("host"), MAX_HOST);
        String contentId = text("contentid", params.apply("contentid"), MAX_CONTENT_ID);
        String groupBy = params.apply("group_by");
        if (groupBy != null && !DIMENSIONS.containsKey(groupBy)) {
            throw bad("group_by must be one of pop, zone, host, content");
        }
        boolean csv = QueryParams.csv(params.apply("format"));
        // Hosts are case-insensitive, and the CDN records hold them in lower case.
        return new CdnQuery(account, range.fromMs(), range.toMs(), interval, zone,
                host == null ? null : host.toLowerCase(Locale.ROOT), contentId, groupBy, csv);
    }

    /** Minutes come from their own topic, hours and days from the hours'. */
    boolean ofMinutes() {
        return intervalMs == CdnTraffic.MINUTE_MS;
    }

    /** The column that names a group: {@code content_id} for contents, else the dimension's own name. */
    String groupColumn() {
        return "content".equals(groupBy) ? "content_id" : groupBy;
    }

    private static long interval(String given, long from, long to, long firstMinuteMs) {
        if (given == null) {
            long length = to - from;
            return length <= MINUTES_UP_TO.toMillis() && from >= firstMinuteMs ? CdnTraffic.MINUTE_MS
                    : length <= HOURS_UP_TO.toMillis() ? CdnTraffic.HOUR_MS : DAY_MS;
        }
        switch (given.toLowerCase(Locale.ROOT)) {
            case "minute":
                if (from < firstMinuteMs) {
                    throw bad("interval=minute only within the last " + CdnTrafficView.MINUTE_HISTORY.toHours()
                            + " hours (what this API keeps of minutes): from must be at or after "
                            + Instant.ofEpochMilli(firstMinuteMs) + " (" + firstMinuteMs / 1000 + "); use hour or day");
                }
                return CdnTraffic.MINUTE_MS;
            case "hour":
                return CdnTraffic.HOUR_MS;
            case "day":
                return DAY_MS;
            default:
                throw bad("interval must be minute, hour or day");
        }
    }

    private static String text(String name, String value, int maxLength) {
        if (value != null && (value.isEmpty() || value.length() > maxLength)) {
            throw bad(name + " must be 1-" + maxLength + " characters");
        }
        return value;
    }


    private static HttpFailure bad(String reason) {
        return new HttpFailure(400, reason);
    }
}
