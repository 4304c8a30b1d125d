package liveccu.api.playback;

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
import liveccu.model.DeviceSketches;
import liveccu.model.PlaybackCount;

/**
 * {@code GET /playback?accountid=A&from=S&to=S[&interval=hour|day][&contentid=C][&group_by=D][&format=csv]}:
 * starts, streams, playing time, downloads and devices of the account per hour or UTC day (a day is the
 * sum of its hours), in time order, optionally for one content and split by one dimension. Only
 * intervals (and groups) with something in them are listed. Devices cannot be added up: a row made of
 * one content's hour gives its exact count ({@code devices_exact: true}); any other row (a day, several
 * contents) the estimate of the union of its hours' sketches ({@link DeviceSketches}, ±3.3 % at 95 %).
 */
public final class PlaybackRoutes {

    private static final ObjectWriter JSON = new ObjectMapper().writer();
    private static final CsvMapper CSV = new CsvMapper();

    private final PlaybackCountsView view;
    private final BlockingQueries queries;

    public PlaybackRoutes(PlaybackCountsView view, BlockingQueries queries) {
        this.view = view;
        this.queries = queries;
    }

    public void playback(RoutingContext ctx) {
        PlaybackQuery query = PlaybackQuery.parse(ctx.request()::getParam, view.history());
        Access.checkAccount(ctx, query.accountId());
        queries.run(ctx, () -> {
            List<Map<String, Object>> rows = rows(query, view.hours(query.accountId(), query.fromMs(), query.toMs()));
            return query.csv() ? CSV.writer(schema(query)).writeValueAsString(rows) : JSON.writeValueAsString(rows);
        }, (context, body) -> {
            if (query.csv()) {
                context.response().putHeader("content-type", "text/csv; charset=utf-8")
                        .putHeader("content-disposition", "attachment; filename=\"playback.csv\"");
            } else {
                context.response().putHeader("content-type", "application/json");
            }
            context.response().putHeader("cache-control", "no-store").end(body);
        });
    }

    /** One row's sums. */
    private static final class Sums {
        final long[] counts = new long[4];
        final DeviceSketches.Merged devices = new DeviceSketches.Merged();
        PlaybackCount only;
        int hours;

        void add(PlaybackCount hour) {
            counts[0] += hour.starts();
            counts[1] += hour.streams();
            counts[2] += hour.playedMs();
            counts[3] += hour.downloads();
            devices.add(hour.devicesSketch());
            only = hour;
            hours++;
        }
    }

    /** The hours summed per interval (and group), in time order, then by group. */
    static List<Map<String, Object>> rows(PlaybackQuery query, List<PlaybackCount> hours) {
        Map<Long, Map<String, Sums>> intervals = new TreeMap<>();
        for (PlaybackCount hour : hours) {
            if (query.contentId() != null && !query.contentId().equals(hour.content().contentId())) {
                continue;
            }
            String group = query.groupBy() == null ? "" : PlaybackQuery.DIMENSIONS.get(query.groupBy()).apply(hour.content());
            long interval = Math.floorDiv(hour.hourStartMs(), query.intervalMs()) * query.intervalMs();
            intervals.computeIfAbsent(interval, i -> new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder())))
                    .computeIfAbsent(group, g -> new Sums()).add(hour);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        intervals.forEach((interval, groups) -> groups.forEach((group, sums) -> {
            long[] counts = sums.counts;
            if (counts[0] == 0 && counts[1] == 0 && counts[2] == 0 && counts[3] == 0) {
                return;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("time", Instant.ofEpochMilli(interval).toString());
            if (query.groupBy() != null) {
                row.put(query.groupColumn(), group);
            }
            row.put("starts", counts[0]);
            row.put("streams", counts[1]);
            row.put("time_s", counts[2] / 1000.0);
            row.put("downloads", counts[3]);
            boolean exact = sums.hours == 1;
            row.put("devices", exact ? sums.only.devices() : sums.devices.estimate());
            row.put("devices_exact", exact);
            rows.add(row);
        }));
        return rows;
    }

    private static CsvSchema schema(PlaybackQuery query) {
        CsvSchema.Builder columns = CsvSchema.builder().addColumn("time");
        if (query.groupBy() != null) {
            columns.addColumn(Objects.requireNonNull(query.groupColumn()));
        }
        return columns.addColumn("starts").addColumn("streams").addColumn("time_s").addColumn("downloads")
                .addColumn("devices").addColumn("devices_exact").build().withHeader();
    }
}
