package liveccu.api.playback;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import liveccu.api.http.QueryParams;
import liveccu.model.ContentDimensions;
import liveccu.model.PlaybackCount;
import liveccu.ops.http.HttpFailure;

/**
 * {@code GET /playback}'s parameters, checked: {@code accountid}, {@code from} and {@code to} (Unix
 * seconds; hours starting in {@code [from, to)}), {@code interval} ({@code hour}, {@code day} or
 * {@code month}, UTC), a filter per dimension ({@code contentid}, {@code content_type}, {@code property}…,
 * all of them must match), {@code group_by} (a dimension) and {@code format} ({@code json} or {@code csv}).
 *
 * @param filters each filtered dimension (by its name in {@link #DIMENSIONS}) with the value it must have
 * @param groupBy the dimension rows are split by, or null
 */
record PlaybackQuery(String accountId, long fromMs, long toMs, Interval interval, Map<String, String> filters,
                     String groupBy, boolean csv) {

    static final int MAX_CONTENT_ID = 256;
    /** The longest value a filter can match: what the collector takes of each dimension. */
    static final int MAX_FILTER_VALUE = 256;

    /** Each dimension rows can be filtered and grouped by, in the order the API lists them: its name and how to read it. */
    static final Map<String, Function<ContentDimensions, String>> DIMENSIONS = dimensions();

    private static Map<String, Function<ContentDimensions, String>> dimensions() {
        Map<String, Function<ContentDimensions, String>> dimensions = new LinkedHashMap<>();
        dimensions.put("content", ContentDimensions::contentId);
        dimensions.put("content_type", ContentDimensions::contentType);
        dimensions.put("property", ContentDimensions::property);
        dimensions.put("category", ContentDimensions::category);
        dimensions.put("distributor", ContentDimensions::distributor);
        dimensions.put("producer", ContentDimensions::producer);
        dimensions.put("show", ContentDimensions::show);
        dimensions.put("zone", ContentDimensions::zone);
        dimensions.put("device_class", ContentDimensions::deviceClass);
        dimensions.put("source", ContentDimensions::source);
        return Collections.unmodifiableMap(dimensions);
    }

    /** How far apart the rows are: UTC hours, days or calendar months. */
    enum Interval {
        HOUR, DAY, MONTH;

        /** The start of the interval an hour falls in, epoch ms. */
        long startOf(long hourStartMs) {
            return switch (this) {
                case HOUR -> hourStartMs;
                case DAY -> Math.floorDiv(hourStartMs, 24 * PlaybackCount.HOUR_MS) * 24 * PlaybackCount.HOUR_MS;
                case MONTH -> LocalDate.ofInstant(Instant.ofEpochMilli(hourStartMs), ZoneOffset.UTC).withDayOfMonth(1)
                        .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            };
        }
    }

    /** @throws HttpFailure 400 with the reason when a parameter is wrong */
    static PlaybackQuery parse(Function<String, String> params, Duration maxRange) {
        String account = QueryParams.accountId(params.apply("accountid"));
        QueryParams.Range range = QueryParams.range(params, maxRange);
        String interval = params.apply("interval") == null ? "hour" : params.apply("interval").toLowerCase(Locale.ROOT);
        if (!interval.equals("hour") && !interval.equals("day") && !interval.equals("month")) {
            throw bad("interval must be hour, day or month");
        }
        Map<String, String> filters = new LinkedHashMap<>();
        for (String dimension : DIMENSIONS.keySet()) {
            String parameter = filterParameter(dimension);
            String value = params.apply(parameter);
            if (value != null && (value.isEmpty() || value.length() > MAX_FILTER_VALUE)) {
                throw bad(parameter + " must be 1-" + MAX_FILTER_VALUE + " characters");
            }
            if (value != null) {
                filters.put(dimension, value);
            }
        }
        String groupBy = params.apply("group_by");
        if (groupBy != null && !DIMENSIONS.containsKey(groupBy)) {
            throw bad("group_by must be one of " + String.join(", ", DIMENSIONS.keySet()));
        }
        boolean csv = QueryParams.csv(params.apply("format"));
        return new PlaybackQuery(account, range.fromMs(), range.toMs(), Interval.valueOf(interval.toUpperCase(Locale.ROOT)),
                Collections.unmodifiableMap(filters), groupBy, csv);
    }

    /** The query parameter that filters a dimension: {@code contentid} for contents (as it always was), else its name. */
    static String filterParameter(String dimension) {
        return "content".equals(dimension) ? "contentid" : dimension;
    }

    /** Whether an hour's dimensions have every filtered value (a record without a dimension has none). */
    boolean matches(ContentDimensions content) {
        return filters.entrySet().stream()
                .allMatch(filter -> Objects.equals(filter.getValue(), DIMENSIONS.get(filter.getKey()).apply(content)));
    }

    /** The column that names a group: {@code content_id} for contents, else the dimension's own name. */
    String groupColumn() {
        return "content".equals(groupBy) ? "content_id" : groupBy;
    }


    static HttpFailure bad(String reason) {
        return new HttpFailure(400, reason);
    }
}
