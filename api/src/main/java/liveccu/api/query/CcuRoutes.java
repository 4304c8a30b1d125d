package liveccu.api.query;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import liveccu.model.MinuteCount;

/** The seed-compatible {@code GET /ccu} and the job list {@code GET /jobs}, served from the view. */
public final class CcuRoutes {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final MinuteCountsView view;
    private final Clock clock;
    private final Duration maxRange;
    private final Duration recentJobs;

    public CcuRoutes(MinuteCountsView view, Clock clock, Duration maxRange, Duration recentJobs) {
        this.view = view;
        this.clock = clock;
        this.maxRange = maxRange;
        this.recentJobs = recentJobs;
    }

    /** {@code GET /ccu?jobid=J&in=S&out=S}: the job's minutes, newest first. */
    public void ccu(RoutingContext ctx) {
        CcuQuery query = CcuQuery.parse(ctx.request().getParam("jobid"), ctx.request().getParam("in"),
                ctx.request().getParam("out"), clock.millis(), maxRange);
        json(ctx, toJson(view.range(query.jobId(), query.fromMs(), query.toMs())));
    }

    /** {@code GET /jobs}: every job with viewers recently, with its latest minute. */
    public void jobs(RoutingContext ctx) {
        json(ctx, toJson(view.latestPerJob(clock.millis() - recentJobs.toMillis())));
    }

    private static JsonArray toJson(List<MinuteCount> counts) {
        JsonArray array = new JsonArray();
        for (MinuteCount count : counts) {
            array.add(new JsonObject()
                    .put("jobid", count.jobId())
                    .put("time", ISO_MILLIS.format(Instant.ofEpochMilli(count.minuteStartMs())))
                    .put("ssccu", count.ssccu())
                    .put("csccu", count.csccu())
                    .put("last_rx_at", ISO_MILLIS.format(Instant.ofEpochMilli(count.lastRxAtMs()))));
        }
        return array;
    }

    private static void json(RoutingContext ctx, JsonArray body) {
        ctx.response()
                .putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store")
                .end(body.encode());
    }
}
