package liveccu.collector.playback;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import liveccu.collector.ccu.BeaconSecret;
import liveccu.collector.intake.BatchParse;
import liveccu.collector.intake.BodyReader;
import liveccu.collector.intake.BoundedBody;
import liveccu.collector.intake.GeoIp;
import liveccu.collector.intake.IntakeRoutes;
import liveccu.collector.intake.IpHasher;
import liveccu.collector.intake.Origin;
import liveccu.collector.intake.PartlyAccepted;
import liveccu.collector.intake.RequestAddresses;
import liveccu.collector.limit.RateLimitGate;
import liveccu.collector.publish.BeaconSink;
import liveccu.collector.publish.IntakePublisher;
import liveccu.collector.publish.PlayerEventSink;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.Ids;
import liveccu.model.PlayerEvent;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import liveccu.ops.http.ErrorResponses;

/**
 * The playback intake's two routes, on the beacons' machinery: the same secret, the same producer,
 * the same rejected topic and error answers, and an answer only after Kafka acknowledged every record
 * of the request.
 *
 * <ul>
 *   <li>{@code POST /v1/accounts/{accountid}/events} — a batch of player events (JSON array or NDJSON,
 *       optionally gzip): {@code 204} when all were accepted; {@code 200 {"accepted": n, "rejected": [...]}}
 *       when some lines were rejected (the rest is kept); {@code 400} when none was valid.</li>
 *   <li>{@code POST /cmcd/{accountid}/{jobid}} — CMCD v2 event-mode reports ({@code application/cmcd} or
 *       {@code text/cmcd}): {@code 204}; reports while playing also count as client-side heartbeats of
 *       the job. {@code 410} for a target that will never be accepted (malformed account or job id, or
 *       an account in {@code CCU_CMCD_DISABLED_ACCOUNTS}): CTA-5004-B tells the player to stop sending
 *       to that target for the rest of the session.</li>
 * </ul>
 * Both: {@code 429} with {@code Retry-After} for a client over its rate limit (the beacons' limit, one
 * bucket per client whatever it sends), {@code 401} without the beacon secret (when one is set), {@code 413} over the body or event
 * limits, {@code 415} for another content type or encoding, {@code 503} with {@code Retry-After} when
 * Kafka cannot take them.
 */
public final class PlaybackRoutes implements IntakeRoutes {

    public static final String EVENTS_PATH = "/v1/accounts/:accountid/events";
    public static final String CMCD_PATH = "/cmcd/:accountid/:jobid";
    private static final String RETRY_AFTER_SECONDS = "5";

    private final PlaybackSettings settings;
    private final RateLimitGate limit;
    private final BeaconSecret secret;
    private final BeaconSink beacons;
    private final PlayerEventSink events;
    private final IpHasher ipHasher;
    private final GeoIp geoIp;
    private final BodyReader bodies;
    private final PlayerEventParser playerEvents;
    private final CmcdReportParser cmcdReports;
    private final MeterRegistry registry;
    private final Counter playerAccepted;
    private final Counter cmcdAccepted;
    private final Counter cmcdHeartbeats;
    private final Counter unavailable;

    /**
     * @param beacons where CMCD heartbeats go (the beacons' sink, facts de-duplicated as for any beacon);
     *                also where rejections are recorded
     * @param events  where player events go ({@code ccu.player-events})
     * @param geoIp   the client IP's country and autonomous system, looked up before the IP is hashed
     */
    public PlaybackRoutes(PlaybackSettings settings, CountingRules rules, BeaconSecret secret, RateLimitGate limit,
                          BeaconSink beacons, PlayerEventSink events, IpHasher ipHasher, GeoIp geoIp, MeterRegistry registry) {
        this.settings = settings;
        this.limit = limit;
        this.secret = secret;
        this.beacons = beacons;
        this.events = events;
        this.ipHasher = ipHasher;
        this.geoIp = geoIp;
        this.bodies = new BodyReader(settings.maxInflatedBytes());
        this.playerEvents = new PlayerEventParser(rules, settings.maxEvents());
        this.cmcdReports = new CmcdReportParser(rules, settings.maxEvents());
        this.registry = registry;
        this.playerAccepted = accepted(registry, PlayerEvent.SOURCE_PLAYER);
        this.cmcdAccepted = accepted(registry, PlayerEvent.SOURCE_CMCD);
        this.cmcdHeartbeats = Counter.builder("ccu.playback.cmcd.heartbeats")
                .description("CMCD reports that also counted as a client-side heartbeat")
                .register(registry);
        this.unavailable = Counter.builder("ccu.playback.unavailable")
                .description("Playback requests answered 503 because Kafka could not take them")
                .register(registry);
    }

    private static Counter accepted(MeterRegistry registry, String source) {
        return Counter.builder("ccu.playback.events.accepted")
                .description("Player events and CMCD reports acknowledged by Kafka")
                .tag("source", source)
                .register(registry);
    }

    @Override
    public void mount(Router router) {
        router.post(EVENTS_PATH).handler(ctx -> admit(ctx, PlayerEvent.SOURCE_PLAYER, this::onPlayerEvents));
        router.post(CMCD_PATH).handler(ctx -> admit(ctx, PlayerEvent.SOURCE_CMCD, this::onCmcd));
    }

    /** The client's rate limit first (a refused body is read and dropped, so the connection stays usable), then the body. */
    private void admit(RoutingContext ctx, String source, java.util.function.BiConsumer<RoutingContext, Buffer> then) {
        if (limit.refused(ctx.request(), System.currentTimeMillis())) {
            ctx.request().handler(chunk -> { }).resume();
            return;
        }
        readBody(ctx, source, then);
    }

    /** Reads the body, at most {@code CCU_PLAYBACK_MAX_BODY_KB} of it; past the limit a 413 with a reason, recorded like any rejection, and the connection closed. */
    private void readBody(RoutingContext ctx, String source, java.util.function.BiConsumer<RoutingContext, Buffer> then) {
        BoundedBody.read(ctx.request(), settings.maxBodyBytes(), body -> then.accept(ctx, body), () -> tooLarge(ctx, source), () -> { });
    }

    private void tooLarge(RoutingContext ctx, String source) {
        ctx.response().putHeader("connection", "close");
        reject(ctx, source, RejectReason.BODY_TOO_LARGE, "the body is over " + settings.maxBodyBytes() / 1024 + " KiB",
                System.currentTimeMillis());
    }

    private void onPlayerEvents(RoutingContext ctx, Buffer body) {
        long receivedAt = System.currentTimeMillis();
        String source = PlayerEvent.SOURCE_PLAYER;
        Origin origin = admit(ctx, source, receivedAt);
        if (origin == null) {
            return;
        }
        String text = text(ctx, body, source, receivedAt);
        if (text == null) {
            return;
        }
        BatchParse parsed = playerEvents.parse(text, origin);
        publish(ctx, source, parsed, receivedAt, false);
    }

    private void onCmcd(RoutingContext ctx, Buffer body) {
        long receivedAt = System.currentTimeMillis();
        String source = PlayerEvent.SOURCE_CMCD;
        String account = ctx.pathParam("accountid");
        String job = Ids.normaliseHex32(ctx.pathParam("jobid"));
        if (!Ids.isAccountId(account) || job == null) {
            reject(ctx, source, RejectReason.TARGET_GONE, "no such CMCD target: the path must be /cmcd/{accountid}/{jobid} "
                    + "with an account id of 1-64 of A-Z a-z 0-9 . _ - and a job id of 32 hex digits or a dashed UUID", receivedAt);
            return;
        }
        if (settings.cmcdDisabledAccounts().contains(account)) {
            reject(ctx, source, RejectReason.TARGET_GONE, "CMCD reporting is disabled for this account", receivedAt);
            return;
        }
        String type = mediaType(ctx.request().getHeader("content-type"));
        if (!type.equals("application/cmcd") && !type.equals("text/cmcd")) {
            reject(ctx, source, RejectReason.UNSUPPORTED_MEDIA_TYPE,
                    "CMCD reports are sent as application/cmcd (or text/cmcd), one report per line", receivedAt);
            return;
        }
        Origin origin = admit(ctx, source, receivedAt);
        if (origin == null) {
            return;
        }
        String text = text(ctx, body, source, receivedAt);
        if (text == null) {
            return;
        }
        publish(ctx, source, cmcdReports.parse(text, job, origin), receivedAt, true);
    }

    /**
     * The secret and the account checked, the IP looked up ({@link GeoIp}: a few microseconds at most, on the
     * event loop like the parsing) and then hashed: the request's {@link Origin}, or null when answered already.
     */
    private Origin admit(RoutingContext ctx, String source, long receivedAt) {
        HttpServerRequest request = ctx.request();
        String account = ctx.pathParam("accountid");
        BeaconSecret.Check key = secret.check(account, request.getHeader("x-api-key"), request.getParam("key"));
        if (!key.accepted()) {
            reject(ctx, source, RejectReason.BAD_KEY, key.message(), receivedAt);
            return null;
        }
        if (!Ids.isAccountId(account)) {
            reject(ctx, source, RejectReason.BAD_ACCOUNT_ID, "accountid must be 1-64 of A-Z a-z 0-9 . _ -", receivedAt);
            return null;
        }
        String ip = settings.trustedProxies().client(RequestAddresses.peer(request), RequestAddresses.forwardedFor(request));
        GeoIp.Answer geo = geoIp.lookup(ip);
        return new Origin(account, Origin.userAgent(request.getHeader("user-agent")), ipHasher.hash(ip, receivedAt), receivedAt,
                geo);
    }

    /** The body as text (gunzipped when sent so), or null when answered already. */
    private String text(RoutingContext ctx, Buffer body, String source, long receivedAt) {
        BodyReader.Result result = bodies.read(body.getBytes(), ctx.request().getHeader("content-encoding"));
        if (result instanceof BodyReader.Refused refused) {
            reject(ctx, source, refused.reason(), refused.message(), receivedAt);
            return null;
        }
        return ((BodyReader.Text) result).text();
    }

    private void publish(RoutingContext ctx, String source, BatchParse parsed, long receivedAt, boolean alwaysNoContent) {
        if (parsed instanceof BatchParse.Refused refused) {
            reject(ctx, source, refused.reason(), refused.message(), receivedAt);
            return;
        }
        BatchParse.Batch batch = (BatchParse.Batch) parsed;
        for (BatchParse.LineRejection line : batch.rejected()) {
            record(ctx, source, line.reason(), lineMessage(source, line), receivedAt);
        }
        if (batch.events().isEmpty()) {
            BatchParse.LineRejection first = batch.rejected().get(0);
            answerRejected(ctx, first.reason(), "no valid " + (source.equals(PlayerEvent.SOURCE_CMCD) ? "report" : "event")
                    + " in the batch; " + lineMessage(source, first));
            return;
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(batch.events().size() + batch.heartbeats().size());
        for (PlayerEvent event : batch.events()) {
            acks.add(events.publish(event).toCompletableFuture());
        }
        for (Beacon heartbeat : batch.heartbeats()) {
            acks.add(beacons.publish(heartbeat).toCompletableFuture());
        }
        Context context = ctx.vertx().getOrCreateContext();
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> context.runOnContext(v -> {
            if (error != null) {
                unavailable.increment();
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                ctx.response().putHeader("retry-after", RETRY_AFTER_SECONDS).putHeader("access-control-allow-origin", "*");
                ErrorResponses.send(ctx, 503, cause instanceof IntakePublisher.KafkaUnavailable
                        ? cause.getMessage() : "Kafka unavailable");
                return;
            }
            (source.equals(PlayerEvent.SOURCE_CMCD) ? cmcdAccepted : playerAccepted).increment(batch.events().size());
            cmcdHeartbeats.increment(batch.heartbeats().size());
            ctx.response().putHeader("cache-control", "no-store").putHeader("access-control-allow-origin", "*");
            if (batch.rejected().isEmpty() || alwaysNoContent) {
                ctx.response().setStatusCode(204).end();
            } else {
                PartlyAccepted.send(ctx, batch.events().size(), batch.rejected());
            }
        }));
    }

    private static String lineMessage(String source, BatchParse.LineRejection line) {
        return (source.equals(PlayerEvent.SOURCE_CMCD) ? "report " : "event ") + line.index() + ": " + line.message();
    }

    private void reject(RoutingContext ctx, String source, RejectReason reason, String message, long receivedAt) {
        record(ctx, source, reason, message, receivedAt);
        answerRejected(ctx, reason, message);
    }

    /** Counts and records a rejection (the path only: the query may carry the key). */
    private void record(RoutingContext ctx, String source, RejectReason reason, String message, long receivedAt) {
        registry.counter("ccu.playback.rejected", "source", source, "reason", reason.code()).increment();
        beacons.recordRejection(new RejectedBeacon(reason.code(), message, ctx.request().path(), receivedAt, "collector", null));
    }

    private static void answerRejected(RoutingContext ctx, RejectReason reason, String message) {
        ctx.response().putHeader("access-control-allow-origin", "*");
        ErrorResponses.send(ctx, reason.httpStatus(), message);
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
