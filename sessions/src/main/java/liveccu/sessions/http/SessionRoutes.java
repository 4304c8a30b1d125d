package liveccu.sessions.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import liveccu.access.Access;
import liveccu.access.Scope;
import liveccu.ops.http.ErrorResponses;
import liveccu.ops.http.HttpFailure;
import liveccu.sessions.limit.SessionCommand;
import liveccu.sessions.limit.SessionDecision;
import liveccu.sessions.limit.SessionRules;
import liveccu.sessions.limit.StreamSession;
import liveccu.tokens.TokenCheck;
import liveccu.tokens.ViewerClaims;
import liveccu.tokens.ViewerTokens;

/**
 * Brightcove's Generic Stream Concurrency API: the heartbeat ({@code POST}), the viewer's sessions
 * ({@code GET}) and stopping one ({@code DELETE}), each under {@code /api/v1/accounts/{account_id}/sessions}.
 * The viewer is whoever the bearer token says; decisions come from the limiter over Kafka. Instead of
 * a viewer token, a key with scope {@code sessions-admin} for the account (or the operator key) shows
 * and stops any of the account's sessions.
 */
public final class SessionRoutes {

    static final int MAX_VIDEO_ID_CHARS = 256;

    private final ViewerTokens tokens;
    private final LimiterClient replies;
    private final StreamSessionsView view;
    private final Access access;
    private final SessionRules rules;
    private final Clock clock;

    /** @param access who may show and stop any session of an account ({@code x-api-key}) */
    public SessionRoutes(ViewerTokens tokens, LimiterClient replies, StreamSessionsView view, Access access,
                         SessionRules rules, Clock clock) {
        this.tokens = tokens;
        this.replies = replies;
        this.view = view;
        this.access = access;
        this.rules = rules;
        this.clock = clock;
    }

    /** Mounts the four routes under {@code /api/v1/accounts/:account_id}. */
    public void mount(Router router) {
        String sessions = "/api/v1/accounts/:account_id/sessions";
        router.post(sessions).handler(BodyHandler.create().setBodyLimit(4096)).handler(this::heartbeat);
        router.get(sessions).handler(this::list);
        router.delete(sessions + "/:session_id").handler(this::stop);
        router.get("/api/v1/accounts/:account_id/concurrency").handler(this::concurrency);
    }

    /** {@code POST …/sessions} {"video": "…"}: start or renew this viewer's session at this correlator. */
    public void heartbeat(RoutingContext ctx) {
        String account = ctx.pathParam("account_id");
        ViewerClaims viewer = viewer(ctx, account);
        if (viewer.correlator() == null || viewer.concurrencyLimit() == null) {
            throw new HttpFailure(401, "the token needs sid (the streaming location) and climit (the stream limit)");
        }
        String video = video(ctx);
        ask(ctx, command(SessionCommand.Type.HEARTBEAT, account, viewer, video, null), decision -> {
            if (decision.status() == 200) {
                ctx.response().putHeader("content-type", "application/json").end(new JsonObject()
                        .put("current", decision.current())
                        .put("heartbeat_interval", rules.heartbeatInterval().toMillis())
                        .put("max", decision.max())
                        .put("session_id", decision.sessionId())
                        .encode());
            } else {
                refuse(ctx, decision);
            }
        });
    }

    /** {@code GET …/sessions}: the viewer's sessions; with a sessions-admin key instead of a token, the account's. */
    public void list(RoutingContext ctx) {
        String account = ctx.pathParam("account_id");
        if (isAdmin(ctx, account)) {
            sessions(ctx, view.ofAccount(account));
            return;
        }
        ViewerClaims viewer = viewer(ctx, account);
        ask(ctx, command(SessionCommand.Type.LIST, account, viewer, null, null), decision -> sessions(ctx, decision.sessions()));
    }

    /** {@code DELETE …/sessions/{session_id}}: its next heartbeat is refused, so its player stops. */
    public void stop(RoutingContext ctx) {
        String account = ctx.pathParam("account_id");
        String sessionId = ctx.pathParam("session_id");
        SessionCommand command;
        if (isAdmin(ctx, account)) {
            StreamSession session = view.find(account, sessionId)
                    .orElseThrow(() -> new HttpFailure(404, "no live session " + sessionId + " in account " + account));
            command = new SessionCommand(UUID.randomUUID().toString(), replies.instanceId(), SessionCommand.Type.STOP,
                    account, session.userId(), session.correlator(), null, 0, sessionId, clock.millis());
        } else {
            command = command(SessionCommand.Type.STOP, account, viewer(ctx, account), null, sessionId);
        }
        ask(ctx, command, decision -> {
            if (decision.status() == 200) {
                ctx.response().setStatusCode(204).end();
            } else {
                refuse(ctx, decision);
            }
        });
    }

    /** {@code GET /api/v1/accounts/{account_id}/concurrency} (sessions-admin key): playing sessions per video. */
    public void concurrency(RoutingContext ctx) {
        String account = ctx.pathParam("account_id");
        if (!isAdmin(ctx, account)) {
            throw new HttpFailure(401, "missing x-api-key header (a key with scope sessions-admin for account " + account + ")");
        }
        JsonObject byVideo = new JsonObject();
        view.activeByVideo(account).forEach(byVideo::put);
        ctx.response().putHeader("content-type", "application/json").end(new JsonObject()
                .put("account_id", account)
                .put("current", byVideo.stream().mapToLong(e -> (Long) e.getValue()).sum())
                .put("videos", byVideo)
                .encode());
    }

    private SessionCommand command(SessionCommand.Type type, String account, ViewerClaims viewer, String video, String sessionId) {
        return new SessionCommand(UUID.randomUUID().toString(), replies.instanceId(), type, account, viewer.userId(),
                viewer.correlator(), video, viewer.concurrencyLimit() == null ? 0 : viewer.concurrencyLimit(), sessionId,
                clock.millis());
    }

    private void ask(RoutingContext ctx, SessionCommand command, java.util.function.Consumer<SessionDecision> answer) {
        replies.ask(command).onSuccess(answer::accept).onFailure(error -> {
            ctx.response().putHeader("retry-after", "1");
            ErrorResponses.send(ctx, 503, "sessions unavailable: " + error.getMessage());
        });
    }

    private ViewerClaims viewer(RoutingContext ctx, String account) {
        String authorization = ctx.request().getHeader("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpFailure(401, "missing viewer token (Authorization: Bearer <JWT>)");
        }
        TokenCheck check = tokens.verify(authorization.substring(7).trim(), clock.instant());
        if (check instanceof TokenCheck.Refused refused) {
            throw new HttpFailure(401, refused.message());
        }
        ViewerClaims claims = ((TokenCheck.Verified) check).claims();
        if (!account.equals(claims.accountId())) {
            throw new HttpFailure(401, "the token's accid is not account " + account);
        }
        if (claims.userId() == null) {
            throw new HttpFailure(401, "the token needs uid (the viewer)");
        }
        return claims;
    }

    private static String video(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            body = null;
        }
        Object video = body == null ? null : body.getValue("video");
        if (!(video instanceof String id) || id.isBlank() || id.length() > MAX_VIDEO_ID_CHARS) {
            throw new HttpFailure(400, "body must be JSON {\"video\": \"<video id>\"}, the id 1-" + MAX_VIDEO_ID_CHARS + " characters");
        }
        return id;
    }

    /** True with a valid sessions-admin key for the account, false without a key; 401/403 for a key that may not. */
    private boolean isAdmin(RoutingContext ctx, String account) {
        if (access.presented(ctx, Scope.SESSIONS_ADMIN).isEmpty()) {
            return false;
        }
        Access.checkAccount(ctx, account);
        return true;
    }

    private static void refuse(RoutingContext ctx, SessionDecision decision) {
        JsonObject body = new JsonObject()
                .put("error_code", decision.errorCode())
                .put("message", decision.message())
                .put("current", decision.current())
                .put("max", decision.max())
                .put("sessions", toJson(decision.sessions()));
        ctx.response().setStatusCode(decision.status()).putHeader("content-type", "application/json").end(body.encode());
    }

    private static void sessions(RoutingContext ctx, List<StreamSession> sessions) {
        ctx.response().putHeader("content-type", "application/json").end(toJson(sessions).encode());
    }

    private static JsonArray toJson(List<StreamSession> sessions) {
        JsonArray array = new JsonArray();
        sessions.forEach(s -> array.add(new JsonObject()
                .put("session_id", s.sessionId())
                .put("end_viewer_id", s.userId())
                .put("correlator", s.correlator())
                .put("video", s.video())
                .put("started", s.startedMs())
                .put("last_seen", s.lastSeenMs())
                .put("stopped", s.stopped())));
        return array;
    }
}
