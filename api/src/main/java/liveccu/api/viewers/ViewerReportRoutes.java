package liveccu.api.viewers;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import liveccu.access.Access;
import liveccu.access.Caller;
import liveccu.api.ccu.CcuQuery;
import liveccu.api.ccu.JobAccounts;
import liveccu.api.http.BlockingQueries;
import liveccu.api.http.QueryParams;
import liveccu.model.Audience;
import liveccu.model.CountingRules;
import liveccu.model.ViewerSession;
import liveccu.ops.http.HttpFailure;

/**
 * {@code GET /viewers?jobid=J|accountid=A&trackingid=T&in=S&out=S[&format=csv]}: the viewer report, one
 * row per session seen in the range, with its viewer data and whether that data was signed (trusted).
 * Tracking ids are scoped by account, so a tracking id needs its account (with a job, {@code accountid}
 * is optional and filters too). Sessions always carried their account, so there is no unscoped case.
 * Asked by job alone, a key that reads none of the job's accounts gets the 404 {@code /ccu} gives
 * ({@link JobAccounts}), as for a job nobody sent.
 */
public final class ViewerReportRoutes {

    /**
     * One report row; the names are the JSON fields and the CSV header. {@code first_seen} and {@code last_seen}
     * are both the UTC minute of a beacon (the first's, the latest's): the session keeps its latest beacon to the
     * minute, so the first is shown to the minute as well, and the last is never shown before the first.
     */
    @JsonPropertyOrder({"sessionid", "jobid", "accountid", "trackingid", "custom_viewer_data", "user_id", "trusted",
            "first_seen", "last_seen", "minutes_watched", "sides"})
    record Row(
            @JsonProperty("sessionid") String sessionId,
            @JsonProperty("jobid") String jobId,
            @JsonProperty("accountid") String accountId,
            @JsonProperty("trackingid") String trackingId,
            @JsonProperty("custom_viewer_data") String customViewerData,
            @JsonProperty("user_id") String userId,
            @JsonProperty("trusted") boolean trusted,
            @JsonProperty("first_seen") String firstSeen,
            @JsonProperty("last_seen") String lastSeen,
            @JsonProperty("minutes_watched") int minutesWatched,
            @JsonProperty("sides") String sides) {

        static Row of(ViewerSession session, long fromMs, long toMs) {
            return new Row(session.sessionId(), session.jobId(), session.accountId(), session.trackingId(),
                    session.customViewerData(), session.userId(), session.trusted(),
                    Instant.ofEpochMilli(CountingRules.minuteStart(session.firstSeenMs())).toString(),
                    Instant.ofEpochMilli(session.lastSeenMs()).toString(),
                    session.minutesWithin(fromMs, toMs),
                    session.serverSide() && session.clientSide() ? "ss+cs" : session.serverSide() ? "ss" : "cs");
        }
    }

    private static final ObjectWriter JSON = new ObjectMapper().writerFor(Row[].class);
    private static final CsvMapper CSV_MAPPER = new CsvMapper();
    private static final ObjectWriter CSV = CSV_MAPPER.writer(CSV_MAPPER.schemaFor(Row.class).withHeader());

    private final ViewerSessionsView view;
    private final JobAccounts jobs;
    private final BlockingQueries queries;
    private final Clock clock;
    private final Duration maxRange;

    /** @param jobs which of a key's accounts have a job: asked by job alone, another account's job is a 404, as for /ccu */
    public ViewerReportRoutes(ViewerSessionsView view, JobAccounts jobs, BlockingQueries queries, Clock clock, Duration maxRange) {
        this.view = view;
        this.jobs = jobs;
        this.queries = queries;
        this.clock = clock;
        this.maxRange = maxRange;
    }

    public void report(RoutingContext ctx) {
        String jobId = ctx.request().getParam("jobid");
        String trackingId = ctx.request().getParam("trackingid");
        String accountId = ctx.request().getParam("accountid");
        if ((jobId == null) == (trackingId == null)) {
            throw new HttpFailure(400, "give either jobid or accountid and trackingid");
        }
        if (trackingId != null && accountId == null) {
            throw new HttpFailure(400, "give accountid: tracking ids are scoped by account");
        }
        String account = accountId == null ? null : QueryParams.accountId(accountId);
        Audience audience = jobId != null ? Audience.unscopedJob(QueryParams.jobId(jobId)) : Audience.tracking(account, QueryParams.trackingId(trackingId));
        Predicate<ViewerSession> ofAudience = jobId != null
                ? session -> audience.id().equals(session.jobId())
                : session -> audience.id().equals(session.trackingId());
        if (account != null) {
            Access.checkAccount(ctx, account);
        }
        Caller caller = Access.caller(ctx);
        // Only sessions of the key's accounts: personal data of another account is never shown.
        Predicate<ViewerSession> filter = ofAudience.and(session -> caller.mayRead(session.accountId())
                && (account == null || account.equals(session.accountId())));
        CcuQuery range = CcuQuery.parse(audience, ctx.request().getParam("in"), ctx.request().getParam("out"),
                clock.millis(), maxRange);
        boolean csv = QueryParams.csv(ctx.request().getParam("format"));
        // The scan and the writing on a worker: a long report must not hold an event loop.
        queries.report(ctx, csv, "viewers.csv", () -> {
            if (jobId != null && account == null) {
                jobs.of(audience.id(), caller);
            }
            List<Row> rows = view.seenWithin(filter, range.fromMs(), range.toMs()).stream()
                    .map(session -> Row.of(session, range.fromMs(), range.toMs())).toList();
            return csv ? CSV.writeValueAsString(rows) : JSON.writeValueAsString(rows.toArray(Row[]::new));
        });
    }
}
