package liveccu.api.ccu;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import liveccu.access.Access;
import liveccu.access.Caller;
import liveccu.api.http.BlockingQueries;
import liveccu.api.http.QueryParams;
import liveccu.model.Audience;
import liveccu.model.MinuteCount;
import liveccu.ops.http.HttpFailure;

/**
 * CCU served from the view: per job (the seed-compatible {@code GET /ccu}), per account and per
 * tracking id of an account, each as minutes over a range (or, with {@code interval=hour|day}, each
 * UTC hour's or day's peak minutes) or as the latest minute of everything seen recently.
 */
public final class CcuRoutes {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final MinuteCountsView view;
    private final JobAccounts jobs;
    private final BlockingQueries queries;
    private final Clock clock;
    private final Duration maxRange;
    private final Duration maxDayRange;
    private final Duration recent;

    /**
     * @param queries     where the store is read: a worker, never the event loop
     * @param maxRange    the longest range of minutes, or of hourly peaks (the same minutes are read)
     * @param maxDayRange the longest range of daily peaks: a month's report reads more minutes than a week's chart
     */
    public CcuRoutes(MinuteCountsView view, BlockingQueries queries, Clock clock, Duration maxRange, Duration maxDayRange,
                     Duration recent) {
        this.view = view;
        this.jobs = new JobAccounts(view);
        this.queries = queries;
        this.clock = clock;
        this.maxRange = maxRange;
        this.maxDayRange = maxDayRange.compareTo(maxRange) > 0 ? maxDayRange : maxRange;
        this.recent = recent;
    }

    /**
     * {@code GET /ccu?jobid=J[&accountid=A]&in=S&out=S}: the job's minutes, newest first. Jobs are
     * scoped by account; without {@code accountid} (the seed's query) the job's account is looked up:
     * normally there is one, among the key's accounts. With several, 400 asking for {@code accountid};
     * with none, a key that reads every account gets what was counted before jobs were scoped (or
     * nothing, as for any unknown job), any other key 404, whether or not another account has the job.
     *
     * <p>Upgrade path: for keys that read every account, minutes counted before jobs were scoped
     * (under the bare job id, every account's beacons together) fill the minutes the scoped results do
     * not have, until the results' retention drops them.
     */
    public void ccu(RoutingContext ctx) {
        String jobId = QueryParams.jobId(ctx.request().getParam("jobid"));
        String accountParam = ctx.request().getParam("accountid");
        Caller caller = Access.caller(ctx);
        String named = accountParam == null ? null : QueryParams.accountId(accountParam);
        if (named != null) {
            Access.checkAccount(ctx, named);
        }
        CcuInterval interval = interval(ctx);
        CcuQuery query = parse(ctx, Audience.unscopedJob(jobId), interval);
        queries.run(ctx, () -> {
            String account = named != null ? named : accountOfJob(jobId, caller);
            Audience unscoped = Audience.unscopedJob(jobId);
            if (account == null) {
                return toJson(view.range(unscoped, query.fromMs(), query.toMs()), interval);
            }
            List<MinuteCount> scoped = view.range(Audience.job(account, jobId), query.fromMs(), query.toMs());
            return toJson(caller.allAccounts() ? withUnscoped(scoped, view.range(unscoped, query.fromMs(), query.toMs())) : scoped,
                    interval);
        }, CcuRoutes::json);
    }

    /**
     * The one account of the key's whose beacons named the job; null for "none, read the unscoped
     * minutes" (keys that read every account only). Blocking.
     */
    private String accountOfJob(String jobId, Caller caller) {
        List<String> accounts = jobs.of(jobId, caller);
        if (accounts.size() > 1) {
            throw new HttpFailure(400, "job " + jobId + " has viewers in accounts " + String.join(", ", accounts)
                    + ": give accountid");
        }
        return accounts.isEmpty() ? null : accounts.get(0);
    }

    /** The scoped minutes, and the unscoped ones of before for the minutes they do not have; newest first. */
    private static List<MinuteCount> withUnscoped(List<MinuteCount> scoped, List<MinuteCount> unscoped) {
        if (unscoped.isEmpty()) {
            return scoped;
        }
        Set<Long> minutes = new HashSet<>();
        scoped.forEach(count -> minutes.add(count.minuteStartMs()));
        List<MinuteCount> merged = new ArrayList<>(scoped);
        unscoped.stream().filter(count -> !minutes.contains(count.minuteStartMs())).forEach(merged::add);
        merged.sort(Comparator.comparingLong(MinuteCount::minuteStartMs).reversed());
        return merged;
    }

    /** {@code GET /ccu/account?accountid=A&in=S&out=S}: distinct sessions over all the account's jobs. */
    public void accountCcu(RoutingContext ctx) {
        String account = QueryParams.accountId(ctx.request().getParam("accountid"));
        Access.checkAccount(ctx, account);
        range(ctx, Audience.account(account));
    }

    /**
     * {@code GET /ccu/tracking?accountid=A&trackingid=T[&jobid=J]&in=S&out=S}: a tracking id of one account,
     * over all the account's jobs or within one job. Tracking ids are scoped by account: two accounts'
     * {@code gold} are counted apart.
     *
     * <p>Upgrade path: without {@code accountid}, the minutes counted before tracking ids were scoped
     * (every account's T together, keys {@code tracking:T} and {@code job-tracking:J:T}) stay readable
     * until the results' retention drops them. When this instance keeps none for T, the caller most
     * likely forgot the account: 400 saying so, rather than an empty answer forever.
     */
    public void trackingCcu(RoutingContext ctx) {
        String trackingId = QueryParams.trackingId(ctx.request().getParam("trackingid"));
        String jobParam = ctx.request().getParam("jobid");
        String jobId = jobParam == null ? null : QueryParams.jobId(jobParam);
        String accountParam = ctx.request().getParam("accountid");
        if (accountParam == null) {
            requireEveryAccount(ctx); // unscoped minutes mixed every account's viewers
            unscopedRange(ctx, jobId == null ? Audience.unscopedTracking(trackingId) : Audience.unscopedTrackingInJob(jobId, trackingId));
            return;
        }
        String accountId = QueryParams.accountId(accountParam);
        Access.checkAccount(ctx, accountId);
        range(ctx, jobId == null ? Audience.tracking(accountId, trackingId) : Audience.trackingInJob(accountId, jobId, trackingId));
    }

    /** The upgrade path: minutes counted before tracking ids were scoped by account, while this instance keeps any. */
    private void unscopedRange(RoutingContext ctx, Audience unscoped) {
        CcuInterval interval = interval(ctx);
        CcuQuery query = parse(ctx, unscoped, interval);
        queries.run(ctx, () -> {
            if (!view.holds(unscoped)) {
                throw new HttpFailure(400, "give accountid: tracking ids are scoped by account (without it, only minutes "
                        + "counted before that change are read, and there are none for this trackingid)");
            }
            return toJson(view.range(unscoped, query.fromMs(), query.toMs()), interval);
        }, CcuRoutes::json);
    }

    /**
     * {@code GET /jobs}: every job with viewers recently in the key's accounts, with its latest minute;
     * rows name their account. Jobs counted before jobs were scoped by account are not listed (no
     * account to name; they leave the recent window within a day), though {@code /ccu} still reads them.
     */
    public void jobs(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        latest(ctx, Audience.Kind.JOB, null, audience -> !audience.unscoped() && caller.mayRead(audience.accountId()));
    }

    /** {@code GET /accounts}: every account with viewers recently that the key may read, with its latest minute. */
    public void accounts(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        latest(ctx, Audience.Kind.ACCOUNT, null, audience -> caller.mayRead(audience.id()));
    }

    /**
     * {@code GET /tracking[?accountid=A][&jobid=J]}: every tracking id with viewers recently (of the account,
     * in the job), with its latest minute; each row names its account. Tracking ids counted before they
     * were scoped by account are not listed (they have no account to name, and leave the recent window soon).
     */
    public void trackingIds(RoutingContext ctx) {
        String accountParam = ctx.request().getParam("accountid");
        String accountId = accountParam == null ? null : QueryParams.accountId(accountParam);
        if (accountId != null) {
            Access.checkAccount(ctx, accountId);
        }
        String jobParam = ctx.request().getParam("jobid");
        String jobId = jobParam == null ? null : QueryParams.jobId(jobParam);
        Caller caller = Access.caller(ctx);
        latest(ctx, jobId == null ? Audience.Kind.TRACKING : Audience.Kind.TRACKING_IN_JOB, jobId,
                audience -> !audience.unscoped() && caller.mayRead(audience.accountId())
                        && (accountId == null || accountId.equals(audience.accountId())));
    }

    /** Unscoped minutes mixed every account's viewers: only keys that read every account may see them. */
    private static void requireEveryAccount(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        if (!caller.allAccounts()) {
            throw new HttpFailure(403, "this key (" + caller.keyId() + ") reads accounts " + caller.describeAccounts()
                    + ": give accountid (tracking ids are scoped by account)");
        }
    }

    private void latest(RoutingContext ctx, Audience.Kind kind, String jobId, Predicate<Audience> shown) {
        long since = clock.millis() - recent.toMillis();
        queries.run(ctx, () -> toJson(view.latest(kind, jobId, since).stream()
                .filter(count -> shown.test(Audience.fromKey(count.audience()))).toList()), CcuRoutes::json);
    }

    private void range(RoutingContext ctx, Audience audience) {
        CcuInterval interval = interval(ctx);
        CcuQuery query = parse(ctx, audience, interval);
        queries.run(ctx, () -> toJson(view.range(query.audience(), query.fromMs(), query.toMs()), interval), CcuRoutes::json);
    }

    private static CcuInterval interval(RoutingContext ctx) {
        return CcuInterval.parse(ctx.request().getParam("interval"));
    }

    private CcuQuery parse(RoutingContext ctx, Audience audience, CcuInterval interval) {
        return CcuQuery.parse(audience, ctx.request().getParam("in"), ctx.request().getParam("out"), clock.millis(),
                interval == CcuInterval.DAY ? maxDayRange : maxRange, interval);
    }

    /** Minutes newest first as they are, or each hour's or day's peaks, newest first. */
    private static String toJson(List<MinuteCount> counts, CcuInterval interval) {
        return interval == CcuInterval.MINUTE ? toJson(counts) : peaksToJson(Peaks.of(counts, interval), interval);
    }

    private static String peaksToJson(List<Peaks.Peak> peaks, CcuInterval interval) {
        JsonArray array = new JsonArray();
        for (Peaks.Peak peak : peaks) {
            array.add(identify(new JsonObject(), Audience.fromKey(peak.audience()))
                    .put("time", ISO_MILLIS.format(Instant.ofEpochMilli(peak.intervalStartMs())))
                    .put("interval", interval.label())
                    .put("peak_ssccu", peak.ssccu())
                    .put("peak_ssccu_at", minute(peak.ssccuAtMs()))
                    .put("peak_csccu", peak.csccu())
                    .put("peak_csccu_at", minute(peak.csccuAtMs())));
        }
        return array.encode();
    }

    /** A peak's minute; null when that side had no viewer in the whole interval. */
    private static String minute(long epochMs) {
        return epochMs == Peaks.NO_MINUTE ? null : ISO_MILLIS.format(Instant.ofEpochMilli(epochMs));
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
            case JOB -> account(row.put("jobid", audience.id()), audience);
            case ACCOUNT -> row.put("accountid", audience.id());
            case TRACKING -> account(row, audience).put("trackingid", audience.id());
            case TRACKING_IN_JOB -> account(row, audience).put("jobid", audience.jobId()).put("trackingid", audience.id());
        };
    }

    /** Unscoped rows (counted before audiences were scoped by account) have no account to name. */
    private static JsonObject account(JsonObject row, Audience audience) {
        return audience.accountId() == null ? row : row.put("accountid", audience.accountId());
    }

    private static void json(RoutingContext ctx, String body) {
        ctx.response()
                .putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store")
                .end(body);
    }
}
