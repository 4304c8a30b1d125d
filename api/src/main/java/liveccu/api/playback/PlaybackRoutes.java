package liveccu.api.playback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import liveccu.access.Access;
import liveccu.api.http.BlockingQueries;
import liveccu.model.AudioRules;
import liveccu.model.DeviceSketches;
import liveccu.model.PlaybackCount;
import liveccu.model.PlaybackRules;
import liveccu.model.RetentionCount;

/**
 * {@code GET /playback?accountid=A&from=S&to=S[&interval=hour|day|month][&contentid=C][&<dimension>=V…][&group_by=D][&format=csv]}:
 * starts, streams, playing time, downloads, IAB downloads (audio from CDN logs only) and devices of the account
 * per hour, UTC day or calendar month
 * (a day or month is the sum of its hours), in time order, optionally only the hours whose dimensions have
 * the values asked for (one content, property, device class…) and split by one dimension. Only intervals
 * (and groups) with something in them are listed. Devices cannot be added up: a row made of one record
 * (one content's hour with its dimensions) gives its exact count ({@code devices_exact: true}); any other
 * row (a day, several contents) the estimate of the union of its hours' sketches ({@link DeviceSketches},
 * ±3.3 % at 95 %).
 *
 * <p>{@code GET /playback/retention?accountid=A&contentid=C&from=S&to=S}: the retention of one on-demand
 * content over the UTC days overlapping {@code [from, to)} ({@link PlaybackRules}): per watched bucket of
 * content position, the playbacks that watched it and their share of the content's starts in those days,
 * and the most watched buckets.
 */
public final class PlaybackRoutes {

    private static final ObjectWriter JSON = new ObjectMapper().writer();
    private static final CsvMapper CSV = new CsvMapper();

    /** How many of the most watched buckets a retention answer lists. */
    static final int TOP_BUCKETS = 5;

    private final PlaybackCountsView view;
    private final RetentionView retention;
    private final BlockingQueries queries;

    public PlaybackRoutes(PlaybackCountsView view, RetentionView retention, BlockingQueries queries) {
        this.view = view;
        this.retention = retention;
        this.queries = queries;
    }

    public void retention(RoutingContext ctx) {
        RetentionQuery query = RetentionQuery.parse(ctx.request()::getParam, view.history());
        Access.checkAccount(ctx, query.accountId());
        queries.run(ctx, () -> JSON.writeValueAsString(retention(query,
                view.hours(query.accountId(), query.fromDayMs(), query.toDayMs()),
                retention.buckets(query.accountId(), query.contentId(), query.fromDayMs(), query.toDayMs()))),
                (context, body) -> context.response().putHeader("content-type", "application/json")
                        .putHeader("cache-control", "no-store").end(body));
    }

    /**
     * The content's starts in the days (all its dimensions), its buckets summed over the days in position
     * order with their share of those starts, and the {@link #TOP_BUCKETS} most watched (most playbacks,
     * then the earlier position). Audio measured from CDN logs has no position, so none of its starts.
     */
    static Map<String, Object> retention(RetentionQuery query, List<PlaybackCount> hours, List<RetentionCount> buckets) {
        long starts = hours.stream().filter(hour -> query.contentId().equals(hour.content().contentId())
                        && !AudioRules.SOURCE.equals(hour.content().source()))
                .mapToLong(PlaybackCount::starts).sum();
        Map<Integer, Long> playbacks = new TreeMap<>();
        buckets.forEach(bucket -> playbacks.merge(bucket.bucket(), bucket.playbacks(), Long::sum));
        long bucketS = PlaybackRules.RETENTION_BUCKET.toSeconds();
        List<Map<String, Object>> rows = new ArrayList<>();
        playbacks.forEach((bucket, count) -> {
            if (count <= 0) {
                return;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("from_s", bucket * bucketS);
            row.put("to_s", (bucket + 1) * bucketS);
            row.put("playbacks", count);
            row.put("share", starts == 0 ? null : Math.round(count * 10_000.0 / starts) / 10_000.0);
            rows.add(row);
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("content_id", query.contentId());
        answer.put("from", Instant.ofEpochMilli(query.fromDayMs()).toString());
        answer.put("to", Instant.ofEpochMilli(query.toDayMs()).toString());
        answer.put("bucket_s", bucketS);
        answer.put("starts", starts);
        answer.put("buckets", rows);
        answer.put("top", rows.stream()
                .sorted(Comparator.comparingLong((Map<String, Object> row) -> (Long) row.get("playbacks")).reversed()
                        .thenComparingLong(row -> (Long) row.get("from_s")))
                .limit(TOP_BUCKETS).toList());
        return answer;
    }

    public void playback(RoutingContext ctx) {
        PlaybackQuery query = PlaybackQuery.parse(ctx.request()::getParam, view.history());
        Access.checkAccount(ctx, query.accountId());
        queries.report(ctx, query.csv(), "playback.csv", () -> {
            List<Map<String, Object>> rows = rows(query, view.hours(query.accountId(), query.fromMs(), query.toMs()));
            return query.csv() ? CSV.writer(schema(query)).writeValueAsString(rows) : JSON.writeValueAsString(rows);
        });
    }

    /** One row's sums. */
    private static final class Sums {
        final long[] counts = new long[5];
        final DeviceSketches.Merged devices = new DeviceSketches.Merged();
        PlaybackCount only;
        int hours;

        void add(PlaybackCount hour) {
            counts[0] += hour.starts();
            counts[1] += hour.streams();
            counts[2] += hour.playedMs();
            counts[3] += hour.downloads();
            counts[4] += hour.iabDownloads();
            devices.add(hour.devicesSketch());
            only = hour;
            hours++;
        }
    }

    /**
     * The hours that match the filters, summed per interval (and group), in time order, then by group. An
     * interval the range covers in part (a month of a 35-day range) is the sum of its hours in the range.
     */
    static List<Map<String, Object>> rows(PlaybackQuery query, List<PlaybackCount> hours) {
        Map<Long, Map<String, Sums>> intervals = new TreeMap<>();
        for (PlaybackCount hour : hours) {
            if (!query.matches(hour.content())) {
                continue;
            }
            String group = query.groupBy() == null ? "" : PlaybackQuery.DIMENSIONS.get(query.groupBy()).apply(hour.content());
            long interval = query.interval().startOf(hour.hourStartMs());
            intervals.computeIfAbsent(interval, i -> new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder())))
                    .computeIfAbsent(group, g -> new Sums()).add(hour);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        intervals.forEach((interval, groups) -> groups.forEach((group, sums) -> {
            long[] counts = sums.counts;
            if (Arrays.stream(counts).allMatch(count -> count == 0)) {
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
            row.put("iab_downloads", counts[4]);
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
                .addColumn("iab_downloads").addColumn("devices").addColumn("devices_exact").build().withHeader();
    }
}
