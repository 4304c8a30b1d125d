package liveccu.api.playback;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import liveccu.api.query.CcuQuery;
import liveccu.model.ContentDimensions;
import liveccu.model.PlaybackCount;
import liveccu.ops.http.HttpFailure;

/**
 * {@code GET /playback}'s parameters, checked: {@code accountid}, {@code from} and {@code to} (Unix
 * seconds; hours starting in {@code [from, to)}), {@code interval} ({@code hour} or {@code day}, UTC),
 * {@code contentid}, {@code group_by} (a dimension) and {@code format} ({@code json} or {@code csv}).
 *
 * @param groupBy the dimension rows are split by, or null
 */
record PlaybackQuery(String accountId, long fromMs, long toMs, long intervalMs, String contentId, String groupBy,
                     boolean csv) {

    static final long DAY_MS = 24 * PlaybackCount.HOUR_MS;
    static final int MAX_CONTENT_ID = 256;

    /** Each dimension rows can be grouped by: its column name and how to read it. */
    static final Map<String, Function<ContentDimensions, String>> DIMENSIONS = Map.of(
            "content", ContentDimensions::contentId,
            "content_type", ContentDimensions::contentType,
            "property", ContentDimensions::property,
            "category", ContentDimensions::category,
            "distributor", ContentDimensions::distributor,
            "producer", ContentDimensions::producer,
            "show", ContentDimensions::show,
            "zone", ContentDimensions::zone);

    /** @throws HttpFailure 400 with the reason when a parameter is wrong */
    static PlaybackQuery parse(Function<String, String> params, Duration maxRange) {
        String account = CcuQuery.accountId(params.apply("accountid"));
        long from = seconds("from", params.apply("from")) * 1000;
        long to = seconds("to", params.apply("to")) * 1000;
        if (to <= from) {
            throw bad("to must be after from");
        }
        if (to - from > maxRange.toMillis()) {
            throw bad("the range is at most " + maxRange.toDays() + " days (what this API keeps)");
        }
        String interval = params.apply("interval") == null ? "hour" : params.apply("interval").toLowerCase(Locale.ROOT);
        if (!interval.equals("hour") && !interval.equals("day")) {
            throw bad("interval must be hour or day");
        }
        String contentId = params.apply("contentid");
        if (contentId != null && (contentId.isEmpty() || contentId.length() > MAX_CONTENT_ID)) {
            throw bad("contentid must be 1-" + MAX_CONTENT_ID + " characters");
        }
        String groupBy = params.apply("group_by");
        if (groupBy != null && !DIMENSIONS.containsKey(groupBy)) {
            throw bad("group_by must be one of content, property, content_type, category, distributor, producer, show, zone");
        }
        String format = params.apply("format") == null ? "json" : params.apply("format");
        if (!format.equals("json") && !format.equals("csv")) {
            throw bad("format must be json or csv");
        }
        return new PlaybackQuery(account, from, to, interval.equals("day") ? DAY_MS : PlaybackCount.HOUR_MS, contentId,
                groupBy, format.equals("csv"));
    }

    /** The column that names a group: {@code content_id} for contents, else the dimension's own name. */
    String groupColumn() {
        return "content".equals(groupBy) ? "content_id" : groupBy;
    }

    static long seconds(String name, String text) {
        if (text == null) {
            throw bad(name + " is required: Unix time in whole seconds");
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0 && value < 100_000_000_000L) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(name + " must be Unix time in whole seconds");
    }

    static HttpFailure bad(String reason) {
        return new HttpFailure(400, reason);
    }
}
