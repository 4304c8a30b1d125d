package liveccu.api.qoe;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import liveccu.api.http.QueryParams;
import liveccu.model.QoeCount;
import liveccu.model.QoeDimensions;
import liveccu.ops.http.HttpFailure;

/**
 * The parameters of {@code GET /qoe}, {@code /qoe/breakdown} and {@code /qoe/startup}, checked:
 * {@code accountid}, {@code from} and {@code to} (Unix seconds; periods starting in {@code [from, to)}),
 * {@code interval} ({@code minute}, {@code hour}, {@code day} or {@code month}, UTC; by default from the range
 * and the dimensions asked for), a filter per dimension ({@code contentid}, {@code stream_type},
 * {@code device_class}…, all must match), the dimension rows are split by ({@code group_by} for {@code /qoe},
 * {@code dimension} for the breakdown) and {@code format} ({@code json} or {@code csv}).
 *
 * <p>Minutes hold only the content and stream type (docs/qoe.md: a live event's minute is one record
 * whatever its audience); every other dimension is in hours. So {@code interval=minute} takes only those
 * two, and without {@code interval} a range of up to {@link #MINUTES_UP_TO} within the minutes kept is
 * answered in minutes when it names no other dimension, in hours up to {@link #HOURS_UP_TO}, in days beyond.
 *
 * @param filters each filtered dimension (by its name in {@link #DIMENSIONS}) with the value it must have
 * @param groupBy the dimension rows are split by, or null
 */
record QoeQuery(String accountId, long fromMs, long toMs, Interval interval, Map<String, String> filters, String groupBy,
                boolean csv) {

    /** Without {@code interval}: minutes for a range up to this long (at most 360 rows a group)… */
    static final Duration MINUTES_UP_TO = Duration.ofHours(6);
    /** …hours up to this long (at most 168), days beyond. */
    static final Duration HOURS_UP_TO = Duration.ofDays(7);
    /** The longest value a filter can match: what the collector takes of each dimension. */
    static final int MAX_FILTER_VALUE = 256;
    private static final Pattern ASN = Pattern.compile("[0-9]{1,10}");

    /**
     * Each dimension rows can be filtered, grouped and broken down by, in the order the API lists them: its
     * name and how to read it from a record (an ASN is a number, every other value text; absent is null).
     */
    static final Map<String, Function<QoeDimensions, Object>> DIMENSIONS = dimensions();
    /** The dimensions a minute holds. */
    static final Set<String> MINUTE_DIMENSIONS = Set.of("content", "stream_type");

    private static Map<String, Function<QoeDimensions, Object>> dimensions() {
        Map<String, Function<QoeDimensions, Object>> dimensions = new LinkedHashMap<>();
        dimensions.put("content", QoeDimensions::contentId);
        dimensions.put("stream_type", QoeDimensions::streamType);
        dimensions.put("property", QoeDimensions::property);
        dimensions.put("device_class", QoeDimensions::deviceClass);
        dimensions.put("os", QoeDimensions::os);
        dimensions.put("browser", QoeDimensions::browser);
        dimensions.put("country", QoeDimensions::country);
        dimensions.put("asn", QoeDimensions::asn);
        dimensions.put("error_code", QoeDimensions::errorCode);
        return Collections.unmodifiableMap(dimensions);
    }

    /** How far apart the rows are: minutes (from the minutes' records), UTC hours, days or calendar months (from the hours'). */
    enum Interval {
        MINUTE, HOUR, DAY, MONTH;

        /** The start of the interval a period falls in, epoch ms. */
        long startOf(long periodStartMs) {
            return switch (this) {
                case MINUTE -> QoeCount.periodStart(QoeCount.MINUTE_MS, periodStartMs);
                case HOUR -> QoeCount.periodStart(QoeCount.HOUR_MS, periodStartMs);
                case DAY -> QoeCount.periodStart(24 * QoeCount.HOUR_MS, periodStartMs);
                case MONTH -> LocalDate.ofInstant(Instant.ofEpochMilli(periodStartMs), ZoneOffset.UTC).withDayOfMonth(1)
                        .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            };
        }

        String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param maxRange       the longest range (the hours kept)
     * @param firstMinuteMs  the earliest minute kept: minutes only from there on
     * @param groupParameter the parameter naming the dimension rows are split by ({@code group_by} for {@code /qoe},
     *                       {@code dimension} for the breakdown), or null for none
     * @param groupRequired  whether that parameter is required
     * @throws HttpFailure 400 with the reason when a parameter is wrong
     */
    static QoeQuery parse(Function<String, String> params, Duration maxRange, long firstMinuteMs, String groupParameter,
                          boolean groupRequired) {
        String account = QueryParams.accountId(params.apply("accountid"));
        QueryParams.Range range = QueryParams.range(params, maxRange);
        Map<String, String> filters = new LinkedHashMap<>();
        for (String dimension : DIMENSIONS.keySet()) {
            String parameter = filterParameter(dimension);
            String value = params.apply(parameter);
            if (value == null) {
                continue;
            }
            if (value.isEmpty() || value.length() > MAX_FILTER_VALUE) {
                throw bad(parameter + " must be 1-" + MAX_FILTER_VALUE + " characters");
            }
            if (dimension.equals("asn") && !ASN.matcher(value).matches()) {
                throw bad("asn must be an autonomous system number (digits only, no AS prefix)");
            }
            // ISO 3166-1 codes are upper case, as the collector's GeoIP lookup writes them
            filters.put(dimension, dimension.equals("country") ? value.toUpperCase(Locale.ROOT) : value);
        }
        String groupBy = groupParameter == null ? null : params.apply(groupParameter);
        if (groupBy == null && groupRequired) {
            throw bad(groupParameter + " is required: one of " + String.join(", ", DIMENSIONS.keySet()));
        }
        if (groupBy != null && !DIMENSIONS.containsKey(groupBy)) {
            throw bad(groupParameter + " must be one of " + String.join(", ", DIMENSIONS.keySet()));
        }
        String hourDimension = filters.keySet().stream().filter(name -> !MINUTE_DIMENSIONS.contains(name)).findFirst()
                .orElse(groupBy != null && !MINUTE_DIMENSIONS.contains(groupBy) ? groupBy : null);
        Interval interval = interval(params.apply("interval"), range, firstMinuteMs, hourDimension);
        boolean csv = QueryParams.csv(params.apply("format"));
        return new QoeQuery(account, range.fromMs(), range.toMs(), interval, Collections.unmodifiableMap(filters), groupBy, csv);
    }

    private static Interval interval(String given, QueryParams.Range range, long firstMinuteMs, String hourDimension) {
        long length = range.toMs() - range.fromMs();
        if (given == null) {
            return length <= MINUTES_UP_TO.toMillis() && range.fromMs() >= firstMinuteMs && hourDimension == null ? Interval.MINUTE
                    : length <= HOURS_UP_TO.toMillis() ? Interval.HOUR : Interval.DAY;
        }
        Interval interval;
        try {
            interval = Interval.valueOf(given.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad("interval must be minute, hour, day or month");
        }
        if (interval == Interval.MINUTE) {
            if (hourDimension != null) {
                throw bad("interval=minute holds only content and stream_type (a minute's records have no other dimension): "
                        + hourDimension + " is in hours; use hour, day or month");
            }
            if (range.fromMs() < firstMinuteMs) {
                throw bad("interval=minute only within the last " + QoeView.MINUTE_HISTORY.toHours()
                        + " hours (what this API keeps of minutes): from must be at or after "
                        + Instant.ofEpochMilli(firstMinuteMs) + " (" + firstMinuteMs / 1000 + "); use hour, day or month");
            }
        }
        return interval;
    }

    /** The query parameter that filters a dimension: {@code contentid} for contents (as in every report), else its name. */
    static String filterParameter(String dimension) {
        return "content".equals(dimension) ? "contentid" : dimension;
    }

    /** The column that names a group: {@code content_id} for contents, else the dimension's own name. */
    static String column(String dimension) {
        return "content".equals(dimension) ? "content_id" : dimension;
    }

    /** Minutes come from their own topic; hours, days and months from the hours'. */
    boolean ofMinutes() {
        return interval == Interval.MINUTE;
    }

    /** Whether a record's dimensions have every filtered value (a record without a dimension has none). */
    boolean matches(QoeDimensions dimensions) {
        return filters.entrySet().stream().allMatch(filter -> Objects.equals(filter.getValue(),
                text(DIMENSIONS.get(filter.getKey()).apply(dimensions))));
    }

    /** The value of the grouping dimension of a record, or null when the query has none. */
    Object groupOf(QoeDimensions dimensions) {
        return groupBy == null ? null : DIMENSIONS.get(groupBy).apply(dimensions);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static HttpFailure bad(String reason) {
        return new HttpFailure(400, reason);
    }
}
