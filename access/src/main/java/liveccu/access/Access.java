package liveccu.access;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import liveccu.access.audit.AuditLog;
import liveccu.access.audit.KeyUses;
import liveccu.access.keys.KeyRing;
import liveccu.access.keys.KeyText;
import liveccu.model.ApiKey;
import liveccu.ops.http.HttpFailure;

/**
 * Who may do what, checked in front of every route: the operator key ({@code CCU_API_KEY}) may do
 * everything; a per-account key only what its scopes allow, within its accounts. A route declares the
 * scope it needs ({@link #require}); its handler then checks the account it reads
 * ({@link #checkAccount}) and finds the caller with {@link #caller}. Every admitted request is counted
 * per key, route, account and status when its answer is sent; requests for personal data, and the
 * operator's actions, are also written to the audit topic.
 *
 * <p>Without CCU_API_KEY the API is open (one team on a trusted network): a request without a key has
 * the operator's rights. Per-account keys still work as themselves, but cannot be created until an
 * operator key is set, since anyone could otherwise read everything anyway.
 */
public final class Access {

    public static final String HEADER = "x-api-key";
    private static final String CALLER = "liveccu.caller";
    private static final String ACCOUNT = "liveccu.account";

    private final byte[] operatorKey;
    private final KeyRing ring;
    private final KeyUses uses;
    private final Clock clock;

    /** @param operatorKey CCU_API_KEY; empty leaves the service open */
    public Access(Optional<String> operatorKey, KeyRing ring, KeyUses uses, Clock clock) {
        this.operatorKey = operatorKey.map(key -> key.getBytes(StandardCharsets.UTF_8)).orElse(null);
        this.ring = ring;
        this.uses = uses;
        this.clock = clock;
    }

    /** The service's access, every use counted in {@code registry} and personal-data uses audited through {@code records}. */
    public static Access audited(Optional<String> operatorKey, KeyRing ring, AccessRecords records, MeterRegistry registry,
                                 Clock clock) {
        return new Access(operatorKey, ring, new KeyUses(registry, Optional.of(new AuditLog(records, registry)), clock), clock);
    }

    public boolean isOpen() {
        return operatorKey == null;
    }

    /** Lets a request through with a key that has {@code scope}; 401 without a valid key, 403 without the scope. */
    public Handler<RoutingContext> require(Scope scope) {
        return ctx -> {
            Caller caller = authenticate(ctx.request().getHeader(HEADER));
            admit(ctx, caller, scope == Scope.VIEWERS);
            requireScope(caller, scope);
            ctx.next();
        };
    }

    /**
     * {@code GET /access}: who the request's key is, so that a page can show it and say which scope a
     * view needs: {@code {"key", "label", "accounts": [...] | ["*"], "scopes": [...], "operator"}}.
     */
    public Handler<RoutingContext> describeCaller() {
        return ctx -> {
            Caller caller = authenticate(ctx.request().getHeader(HEADER));
            admit(ctx, caller, false);
            ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
                    .end(new JsonObject()
                            .put("key", caller.keyId())
                            .put("label", caller.label())
                            .put("accounts", new JsonArray(caller.allAccounts() ? List.of(ApiKey.ALL_ACCOUNTS)
                                    : caller.accounts().stream().sorted().toList()))
                            .put("scopes", new JsonArray(caller.scopeLabels()))
                            .put("operator", caller.operator())
                            .encode());
        };
    }

    /** Lets a request through with the operator key only (key management, erasure). */
    public Handler<RoutingContext> operatorOnly() {
        return ctx -> {
            Caller caller = authenticate(ctx.request().getHeader(HEADER));
            admit(ctx, caller, true); // keys made and revoked, viewers erased: audited like viewer data
            if (!caller.operator()) {
                throw new HttpFailure(403, "only the operator key (CCU_API_KEY) may do this; this key is " + caller.keyId());
            }
            ctx.next();
        };
    }

    /**
     * For routes that also take other credentials (the sessions service's viewer tokens): the caller
     * when the request carries a key (401 when it is not valid), empty when it carries none. An open
     * service grants nothing here: the other credential is then required.
     */
    public Optional<Caller> presented(RoutingContext ctx, Scope scope) {
        String presented = ctx.request().getHeader(HEADER);
        if (presented == null) {
            return Optional.empty();
        }
        Caller caller = authenticate(presented);
        admit(ctx, caller, true);
        requireScope(caller, scope);
        return Optional.of(caller);
    }

    /** The caller a route's access check admitted. */
    public static Caller caller(RoutingContext ctx) {
        Caller caller = ctx.get(CALLER);
        if (caller == null) {
            throw new IllegalStateException("route " + ctx.request().path() + " has no access check in front of it");
        }
        return caller;
    }

    /** 403 unless the caller may read {@code account}; remembers the account for the metrics and the audit. */
    public static void checkAccount(RoutingContext ctx, String account) {
        ctx.put(ACCOUNT, account);
        Caller caller = caller(ctx);
        if (!caller.mayRead(account)) {
            throw new HttpFailure(403, "this key (" + caller.keyId() + ") may not read account " + account
                    + "; it reads: " + caller.describeAccounts());
        }
    }

    private static void requireScope(Caller caller, Scope scope) {
        if (!caller.has(scope)) {
            throw new HttpFailure(403, "this key (" + caller.keyId() + ") lacks scope " + scope.label()
                    + "; it has: " + String.join(", ", caller.scopeLabels()));
        }
    }

    private Caller authenticate(String presented) {
        if (presented == null) {
            if (operatorKey == null) {
                return Caller.OPEN;
            }
            throw new HttpFailure(401, "missing " + HEADER + " header");
        }
        // Constant time, so the operator key cannot be guessed byte by byte from response times.
        if (operatorKey != null && MessageDigest.isEqual(operatorKey, presented.getBytes(StandardCharsets.UTF_8))) {
            return Caller.OPERATOR;
        }
        if (operatorKey == null && KeyText.idOf(presented) == null) {
            return Caller.OPEN; // an open service ignores what is not a per-account key, as it always did
        }
        ApiKey key = ring.find(presented).orElseThrow(() -> new HttpFailure(401, "wrong API key: unknown, revoked or mistyped"));
        if (key.expiredAt(clock.millis())) {
            throw new HttpFailure(401, "API key " + key.id() + " expired at " + Instant.ofEpochMilli(key.expiresAtMs()));
        }
        return Caller.of(key);
    }

    /** Remembers the caller for the route, and counts the request (and audits it) once its answer is sent. */
    private void admit(RoutingContext ctx, Caller caller, boolean personalData) {
        ctx.put(CALLER, caller);
        String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null
                ? ctx.request().path() : ctx.currentRoute().getPath();
        ctx.addEndHandler(ended -> uses.record(caller, route, ctx.get(ACCOUNT), ctx.request().query(),
                ctx.response().getStatusCode(), personalData));
    }
}
