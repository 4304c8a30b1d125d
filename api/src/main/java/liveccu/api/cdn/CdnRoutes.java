package liveccu.api.cdn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import liveccu.access.Access;
import liveccu.api.http.BlockingQueries;
import liveccu.model.CdnTraffic;

/**
 * {@code GET /cdn?accountid=A&from=S&to=S[&interval=minute|hour|day][&zone=Z][&host=H][&contentid=C][&group_by=D][&format=csv]}:
 * an account's CDN figures per minute (the last day), hour or UTC day (the sum of its hours), in time
 * order, optionally filtered and split by PoP, zone, host or content. Each row holds the traffic and
 * requests, the cache status (hits, misses, other) with the hit ratio, and the status groups, so that
 * one answer draws all of them over time. Only intervals (and groups) with requests are listed.
 */
public final class CdnRoutes {

    private static final ObjectWriter JSON = new ObjectMapper().writer();
    private static final CsvMapper CSV = new CsvMapper();
    /** The figures of a row after its time and group, in the order rows hold them: the CSV's columns. */
    private static final List<String> FIGURES = List.of("requests", "bytes", "hits", "misses", "other", "hit_ratio", "errors",
            "status_1xx", "status_2xx", "status_3xx", "status_4xx", "status_5xx");

    private final CdnTrafficView view;
    private final BlockingQueries queries;

    public CdnRoutes(CdnTrafficView view, BlockingQueries queries) {
        this.view = view;
        this.queries = queries;
    }

    public void cdn(RoutingContext ctx) {
        CdnQuery query = CdnQuery.parse(ctx.request()::getParam, view.history(), view.firstMinuteMs());
        Access.checkAccount(ctx, query.accountId());
        queries.report(ctx, query.csv(), "cdn.csv", () -> {
            List<CdnTraffic> periods = query.ofMinutes() ? view.minutes(query.accountId(), query.fromMs(), query.toMs())
                    : view.hours(query.accountId(), query.fromMs(), query.toMs());
            List<Map<String, Object>> rows = rows(query, periods);
            return query.csv() ? CSV.writer(schema(query)).writeValueAsString(rows) : JSON.writeValueAsString(rows);
        });
    }

    /** One row's sums. */
    private static final class Sums {
        long requests;
        long bytes;
        long hits;
        long misses;
        /** Requests answered 1xx, 2xx, … 5xx. */
        final long[] statusGroups = new long[5];

        void add(CdnTraffic period) {
            requests += period.requests();
            bytes += period.bytes();
            hits += period.hits();
            misses += period.misses();
            statusGroups[0] += period.status1xx();
            statusGroups[1] += period.status2xx();
            statusGroups[2] += period.status3xx();
            statusGroups[3] += period.status4xx();
            statusGroups[4] += period.status5xx();
        }
    }

    /** The periods that pass the filters, summed per interval (and group), in time order, then by group. */
    static List<Map<String, Object>> rows(CdnQuery query, List<CdnTraffic> periods) {
        Map<Long, Map<String, Sums>> intervals = new TreeMap<>();
        for (CdnTraffic period : periods) {
            if (!matches(query.zone(), period.zone()) || !matches(query.host(), period.host())
                    || !matches(query.contentId(), period.contentId())) {
                continue;
            }
            String group = query.groupBy() == null ? "" : CdnQuery.DIMENSIONS.get(query.groupBy()).apply(period);
            long interval = Math.floorDiv(period.periodStartMs(), query.intervalMs()) * query.intervalMs();
            intervals.computeIfAbsent(interval, i -> new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder())))
                    .computeIfAbsent(group, g -> new Sums()).add(period);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        intervals.forEach((interval, groups) -> groups.forEach((group, sums) -> {
            if (sums.requests == 0 && sums.bytes == 0) {
                return;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("time", Instant.ofEpochMilli(interval).toString());
            if (query.groupBy() != null) {
                row.put(query.groupColumn(), group);
            }
            long cached = sums.hits + sums.misses;
            row.put("requests", sums.requests);
            row.put("bytes", sums.bytes);
            row.put("hits", sums.hits);
            row.put("misses", sums.misses);
            row.put("other", sums.requests - cached);
            row.put("hit_ratio", cached == 0 ? null : Math.round(sums.hits * 10_000.0 / cached) / 10_000.0);
            row.put("errors", sums.statusGroups[4]);
            for (int i = 0; i < sums.statusGroups.length; i++) {
                row.put("status_" + (i + 1) + "xx", sums.statusGroups[i]);
            }
            rows.add(row);
        }));
        return rows;
    }

    private static boolean matches(String wanted, String value) {
        return wanted == null || wanted.equals(value);
    }

    private static CsvSchema schema(CdnQuery query) {
        CsvSchema.Builder columns = CsvSchema.builder().addColumn("time");
        if (query.groupBy() != null) {
            columns.addColumn(Objects.requireNonNull(query.groupColumn()));
        }
        FIGURES.forEach(columns::addColumn);
        return columns.build().withHeader();
    }
}
