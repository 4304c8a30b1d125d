package liveccu.api.qoe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import liveccu.access.Access;
import liveccu.api.http.BlockingQueries;
import liveccu.model.QoeCount;
import liveccu.model.QoeRules;
import liveccu.ops.http.HttpFailure;

/**
 * Quality of experience (docs/qoe.md, "API"), each route behind scope {@code counts} and the caller's accounts:
 * <ul>
 *   <li>{@code GET /qoe?accountid=A&from=S&to=S[&interval=minute|hour|day|month][&contentid=C][&<dimension>=V…][&group_by=D][&format=csv]}:
 *       every metric per interval (and group), in time order, then by group; only intervals (and groups) with
 *       something counted.</li>
 *   <li>{@code GET /qoe/breakdown?accountid=A&from=S&to=S&dimension=D&metric=M[&interval=…][&<dimension>=V…][&format=csv]}:
 *       the dimension's values over the whole range, the one dragging the metric down most first (Mux's
 *       negative impact: its excess over the overall metric × its share).</li>
 *   <li>{@code GET /qoe/startup?accountid=A&from=S&to=S[&interval=…][&<dimension>=V…][&format=csv]}: the startup
 *       times of the range as a histogram of their buckets, with their quantiles (the CSV: the buckets).</li>
 * </ul>
 * Every ratio, mean and quantile is computed from the sums of the records of a row ({@link QoeSums}).
 */
public final class QoeRoutes {

    private static final ObjectWriter JSON = new ObjectMapper().writer();
    private static final CsvMapper CSV = new CsvMapper();
    /** A breakdown value's figures after its name: the CSV's columns. */
    private static final List<String> BREAKDOWN_FIGURES = List.of("value", "views", "weight", "share", "impact");
    /** A startup bucket's figures: the CSV's columns. */
    private static final List<String> BUCKET_FIGURES = List.of("bucket", "from_ms", "to_ms", "ms", "views");

    private final QoeView view;
    private final BlockingQueries queries;

    public QoeRoutes(QoeView view, BlockingQueries queries) {
        this.view = view;
        this.queries = queries;
    }

    public void qoe(RoutingContext ctx) {
        QoeQuery query = QoeQuery.parse(ctx.request()::getParam, view.history(), view.firstMinuteMs(), "group_by", false);
        Access.checkAccount(ctx, query.accountId());
        queries.report(ctx, query.csv(), "qoe.csv", () -> {
            List<Map<String, Object>> rows = rows(query, records(query));
            return query.csv() ? CSV.writer(schema(true, query.groupBy(), QoeSums.FIGURES)).writeValueAsString(rows)
                    : JSON.writeValueAsString(rows);
        });
    }

    public void breakdown(RoutingContext ctx) {
        QoeQuery query = QoeQuery.parse(ctx.request()::getParam, view.history(), view.firstMinuteMs(), "dimension", true);
        String metricName = ctx.request().getParam("metric");
        QoeMetric metric = QoeMetric.of(metricName);
        if (metric == null) {
            throw new HttpFailure(400, metricName == null ? "metric is required: one of " + QoeMetric.names()
                    : "metric must be one of " + QoeMetric.names());
        }
        Access.checkAccount(ctx, query.accountId());
        queries.report(ctx, query.csv(), "qoe-breakdown.csv", () -> {
            Map<String, Object> answer = breakdown(query, metric, records(query));
            return query.csv() ? CSV.writer(schema(false, query.groupBy(), BREAKDOWN_FIGURES))
                    .writeValueAsString(answer.get("values")) : JSON.writeValueAsString(answer);
        });
    }

    public void startup(RoutingContext ctx) {
        QoeQuery query = QoeQuery.parse(ctx.request()::getParam, view.history(), view.firstMinuteMs(), null, false);
        Access.checkAccount(ctx, query.accountId());
        queries.report(ctx, query.csv(), "qoe-startup.csv", () -> {
            Map<String, Object> answer = startup(query, records(query));
            return query.csv() ? CSV.writer(schema(false, null, BUCKET_FIGURES)).writeValueAsString(answer.get("buckets"))
                    : JSON.writeValueAsString(answer);
        });
    }

    private List<QoeCount> records(QoeQuery query) {
        return query.ofMinutes() ? view.minutes(query.accountId(), query.fromMs(), query.toMs())
                : view.hours(query.accountId(), query.fromMs(), query.toMs());
    }

    /**
     * The records that match the filters, summed per interval (and group), in time order, then by group. An
     * interval the range covers in part (a day of a range starting at noon) is the sum of its periods in the range.
     */
    static List<Map<String, Object>> rows(QoeQuery query, List<QoeCount> records) {
        Map<Long, Map<Object, QoeSums>> intervals = new TreeMap<>();
        for (QoeCount record : records) {
            if (query.matches(record.dimensions())) {
                intervals.computeIfAbsent(query.interval().startOf(record.periodStartMs()), i -> new TreeMap<>(GROUP_ORDER))
                        .computeIfAbsent(query.groupOf(record.dimensions()), g -> new QoeSums()).add(record);
            }
        }
        Map<Object, String> organisations = asOrganisations(query, records);
        List<Map<String, Object>> rows = new ArrayList<>();
        intervals.forEach((interval, groups) -> groups.forEach((group, sums) -> {
            if (sums.isZero()) {
                return;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("time", Instant.ofEpochMilli(interval).toString());
            if (query.groupBy() != null) {
                row.put(QoeQuery.column(query.groupBy()), group);
            }
            if (organisations != null) {
                row.put("as_org", organisations.get(group));
            }
            row.putAll(sums.figures(query.interval() == QoeQuery.Interval.MINUTE || query.interval() == QoeQuery.Interval.HOUR));
            rows.add(row);
        }));
        return rows;
    }

    /**
     * The dimension's values over the range, ranked by negative impact: {@code (value − overall) × share} when a
     * higher value is worse, {@code (overall − value) × share} when a lower one is, the share being the value's
     * part of the metric's denominator ({@link QoeMetric}); the highest first, then the larger share, then by
     * name. A value without the metric (no startups…) comes last, without impact.
     */
    static Map<String, Object> breakdown(QoeQuery query, QoeMetric metric, List<QoeCount> records) {
        QoeSums overall = new QoeSums();
        Map<Object, QoeSums> values = new HashMap<>();
        for (QoeCount record : records) {
            if (query.matches(record.dimensions())) {
                overall.add(record);
                values.computeIfAbsent(query.groupOf(record.dimensions()), g -> new QoeSums()).add(record);
            }
        }
        Double overallValue = metric.value(overall);
        long overallWeight = metric.weight(overall);
        record Ranked(Object name, QoeSums sums, Double value, long weight, Double share, Double impact) {
        }
        List<Ranked> ranked = new ArrayList<>();
        values.forEach((name, sums) -> {
            if (sums.isZero()) {
                return;
            }
            Double value = metric.value(sums);
            long weight = metric.weight(sums);
            Double share = overallWeight <= 0 ? null : weight / (double) overallWeight;
            Double impact = value == null || overallValue == null || share == null ? null
                    : (metric.higherIsWorse ? value - overallValue : overallValue - value) * share;
            ranked.add(new Ranked(name, sums, value, weight, share, impact));
        });
        ranked.sort(Comparator.comparing(Ranked::impact, Comparator.nullsLast(Comparator.<Double>reverseOrder()))
                .thenComparing(Comparator.comparingLong(Ranked::weight).reversed())
                .thenComparing(Ranked::name, GROUP_ORDER));
        String column = QoeQuery.column(query.groupBy());
        Map<Object, String> organisations = asOrganisations(query, records);
        List<Map<String, Object>> rows = ranked.stream().map(value -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(column, value.name());
            if (organisations != null) {
                row.put("as_org", organisations.get(value.name()));
            }
            row.put("value", value.sums().figures(false).get(metric.text()));
            row.put("views", value.sums().views);
            row.put("weight", value.weight());
            row.put("share", value.share() == null ? null : QoeSums.round(value.share(), 4));
            row.put("impact", value.impact() == null ? null : QoeSums.round(value.impact(), 4));
            return row;
        }).toList();
        Map<String, Object> total = new LinkedHashMap<>();
        total.put("value", overall.isZero() ? null : overall.figures(false).get(metric.text()));
        total.put("views", overall.views);
        total.put("weight", overallWeight);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("dimension", query.groupBy());
        answer.put("metric", metric.text());
        answer.put("worse", metric.higherIsWorse ? "higher" : "lower");
        answer.put("weight", metric.weightName);
        answer.put("period", query.ofMinutes() ? "minute" : "hour");
        answer.put("from", Instant.ofEpochMilli(query.fromMs()).toString());
        answer.put("to", Instant.ofEpochMilli(query.toMs()).toString());
        answer.put("overall", total);
        answer.put("values", rows);
        return answer;
    }

    /** The startup times of the records that match the filters: their count, mean and quantiles, and each bucket with views. */
    static Map<String, Object> startup(QoeQuery query, List<QoeCount> records) {
        QoeSums sums = new QoeSums();
        records.stream().filter(record -> query.matches(record.dimensions())).forEach(sums::add);
        Map<String, Object> figures = sums.figures(false);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("period", query.ofMinutes() ? "minute" : "hour");
        answer.put("from", Instant.ofEpochMilli(query.fromMs()).toString());
        answer.put("to", Instant.ofEpochMilli(query.toMs()).toString());
        answer.put("relative_accuracy", QoeRules.STARTUP_RELATIVE_ACCURACY);
        for (String name : List.of("startups", "startup_mean_ms", "startup_p50_ms", "startup_p90_ms", "startup_p95_ms")) {
            answer.put(name, figures.get(name));
        }
        List<Map<String, Object>> buckets = new ArrayList<>();
        sums.startupBuckets.forEach((bucket, views) -> {
            if (views <= 0) {
                return;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("bucket", bucket);
            row.put("from_ms", QoeSums.round(QoeRules.startupBucketFromMs(bucket), 1));
            row.put("to_ms", QoeSums.round(QoeRules.startupBucketToMs(bucket), 1));
            row.put("ms", Math.round(QoeRules.startupOfBucket(bucket)));
            row.put("views", views);
            buckets.add(row);
        });
        answer.put("buckets", buckets);
        return answer;
    }

    /**
     * Grouped by ASN, each network's organisation to show beside its number: the name most of its views' records
     * give (one, unless the operator's database renamed it within the range); null when not grouped by ASN.
     */
    private static Map<Object, String> asOrganisations(QoeQuery query, List<QoeCount> records) {
        if (!"asn".equals(query.groupBy())) {
            return null;
        }
        Map<Object, Map<String, Long>> names = new HashMap<>();
        records.stream().filter(record -> query.matches(record.dimensions()) && record.dimensions().asOrg() != null)
                .forEach(record -> names.computeIfAbsent(record.dimensions().asn(), asn -> new TreeMap<>())
                        .merge(record.dimensions().asOrg(), Math.max(1, record.views()), Long::sum));
        Map<Object, String> organisations = new HashMap<>();
        names.forEach((asn, counts) -> organisations.put(asn, counts.entrySet().stream()
                .max(Map.Entry.<String, Long>comparingByValue()).map(Map.Entry::getKey).orElse(null)));
        return organisations;
    }

    /** Groups in order: none (a record without the dimension) first, numbers (ASNs) by value, text by its order. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final Comparator<Object> GROUP_ORDER = Comparator.nullsFirst((a, b) -> ((Comparable) a).compareTo(b));

    private static CsvSchema schema(boolean withTime, String groupBy, List<String> figures) {
        CsvSchema.Builder columns = CsvSchema.builder();
        if (withTime) {
            columns.addColumn("time");
        }
        if (groupBy != null) {
            columns.addColumn(QoeQuery.column(groupBy));
        }
        if ("asn".equals(groupBy)) {
            columns.addColumn("as_org");
        }
        figures.forEach(columns::addColumn);
        return columns.build().withHeader();
    }
}
