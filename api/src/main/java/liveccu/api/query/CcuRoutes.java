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
import liveccu.access.Access;
import liveccu.access.Caller;
import liveccu.api.http.BlockingQueries;
import liveccu.model.Audience;
import liveccu.model.MinuteCount;
import liveccu.ops.http.HttpFailure;

/**
 * CCU served from the view: per job (the seed-compatible {@code GET /ccu}), per account and per
 * tracking id, each as minutes over a range or as the latest minute of everything seen recently.
 */
public final class CcuRoutes {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final MinuteCountsView view;
    private final BlockingQueries queries;
    private final Clock clock;
    private final Duration maxRange;
    private final Duration recent;

    /** @param queries where the store is read: a worker, never the event loop */
    public CcuRoutes(MinuteCountsView view, BlockingQueries queries, Clock clock, Duration maxRange, Duration recent) {
        this.view = view;
        this.queries = queries;
        this.clock = clock;
        this.maxRange = maxRange;
        this.recent = recent;
    }

    /** {@code GET /ccu?jobid=J&in=S&out=S}: the job's minutes, newest first. */
    public void ccu(RoutingContext ctx) {
        requireEveryAccount(ctx);
        range(ctx, Audience.job(CcuQuery.jobId(ctx.request().getParam("jobid"))));
    }

    /** {@code GET /ccu/account?accountid=A&in=S&out=S}: distinct sessions over all the account's jobs. */
    public void accountCcu(RoutingContext ctx) {
        String account = CcuQuery.accountId(ctx.request().getParam("accountid"));
        Access.checkAccount(ctx, account);
        range(ctx, Audience.account(account));
    }

    /** {@code GET /ccu/tracking?trackingid=T[&jobid=J]&in=S&out=S}: over all jobs, or within one job. */
    public void trackingCcu(RoutingContext ctx) {
        requireEveryAccount(ctx);
        String trackingId = CcuQuery.trackingId(ctx.request().getParam("trackingid"));
        String jobId = ctx.request().getParam("jobid");
        range(ctx, jobId == null ? Audience.tracking(trackingId) : Audience.trackingInJob(CcuQuery.jobId(jobId), trackingId));
    }

    /** {@code GET /jobs}: every job with viewers recently, with its latest minute. */
    public void jobs(RoutingContext ctx) {
        requireEveryAccount(ctx);
        latest(ctx, Audience.Kind.JOB, null);
    }

    /** {@code GET /accounts}: every account with viewers recently that the key may read, with its latest minute. */
    public void accounts(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        long since = clock.millis() - recent.toMillis();
        queries.run(ctx, () -> toJson(view.latest(Audience.Kind.ACCOUNT, null, since).stream()
                .filter(count -> caller.mayRead(Audience.fromKey(count.audience()).id())).toList()), CcuRoutes::json);
    }

    /** {@code GET /tracking[?jobid=J]}: every tracking id with viewers recently (in the job), latest minute. */
    public void trackingIds(RoutingContext ctx) {
        requireEveryAccount(ctx);
        String jobId = ctx.request().getParam("jobid");
        if (jobId == null) {
            latest(ctx, Audience.Kind.TRACKING, null);
        } else {
            latest(ctx, Audience.Kind.TRACKING_IN_JOB, CcuQuery.jobId(jobId));
        }
    }

    /** Until job and tracking results name their account, only keys that read every account may see them. */
    private static void requireEveryAccount(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        if (!caller.allAccounts()) {
            throw new HttpFailure(403, "this key (" + caller.keyId() + ") reads accounts " + caller.describeAccounts()
                    + "; jobs and tracking ids are not yet scoped by account: use /ccu/account");
        }
    }

    private void latest(RoutingContext ctx, Audience.Kind kind, String jobId) {
        long since = clock.millis() - recent.toMillis();
        queries.run(ctx, () -> toJson(view.latest(kind, jobId, since)), CcuRoutes::json);
    }

    private void range(RoutingContext ctx, Audience audience) {
        CcuQuery query = CcuQuery.parse(audience, ctx.request().getParam("in"), ctx.request().getParam("out"),
                clock.millis(), maxRange);
        queries.run(ctx, () -> toJson(view.range(query.audience(), query.fromMs(), query.toMs())), CcuRoutes::json);
    }

    private static String toJson(List<MinuteCount> counts) {
        JsonArray array = new JsonArray();
        for (MinuteCount count : counts) {
            array.add(identify(new JsonObject(), Audience.fromKey(count.audience()))
                    .put("time", ISO_MILLIS.format(Instant.ofEpochMilli(count.minuteStartMs())))
                    .put("ssccu", count.ssccu())
                    .put("csccu", count.csccu())
                    .put("last_rx_at", ISO_MILLIS.format(Instant.ofEpochMilli(count.lastRxAtMs()))));
        }
        return array.encode();
    }

    /** Rows name their audience with the query's own parameter names. */
    private static JsonObject identify(JsonObject row, Audience audience) {
        return switch (audience.kind()) {
            case JOB -> row.put("jobid", audience.id());
            case ACCOUNT -> row.put("accountid", audience.id());
            case TRACKING -> row.put("trackingid", audience.id());
            case TRACKING_IN_JOB -> row.put("jobid", audience.jobId()).put("trackingid", audience.id());
        };
    }

    private static void json(RoutingContext ctx, String body) {
        ctx.response()
                .putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store")
                .end(body);
    }
}
