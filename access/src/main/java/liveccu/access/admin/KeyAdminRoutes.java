package liveccu.access.admin;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import liveccu.access.Access;
import liveccu.access.AccessRecords;
import liveccu.access.Scope;
import liveccu.access.keys.KeyRing;
import liveccu.access.keys.KeyText;
import liveccu.model.ApiKey;
import liveccu.model.Ids;
import liveccu.model.Topics;
import liveccu.ops.http.ErrorResponses;
import liveccu.ops.http.HttpFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-account keys, managed by the operator without restarts ({@code ./liveccu keys} calls these):
 *
 * <ul>
 *   <li>{@code POST /admin/keys} {@code {"label", "accounts": ["a", …] | ["*"], "scopes": [...], "expires_in_days"?}}:
 *       201 with the key's text, shown this once (only its SHA-256 is kept)</li>
 *   <li>{@code GET /admin/keys}: every key, without its text</li>
 *   <li>{@code DELETE /admin/keys/{id}}: revokes it on every instance within a poll of the keys topic</li>
 * </ul>
 *
 * Each change answers only once Kafka has acknowledged it.
 */
public final class KeyAdminRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(KeyAdminRoutes.class);
    static final int MAX_LABEL_CHARS = 100;
    static final int MAX_ACCOUNTS = 1000;
    static final long MAX_EXPIRY_DAYS = 3650;

    private final KeyRing ring;
    private final AccessRecords records;
    private final Clock clock;

    public KeyAdminRoutes(KeyRing ring, AccessRecords records, Clock clock) {
        this.ring = ring;
        this.records = records;
        this.clock = clock;
    }

    public void mount(Router router, Access access) {
        router.post("/admin/keys").handler(BodyHandler.create().setBodyLimit(64 * 1024))
                .handler(access.operatorOnly()).handler(ctx -> create(ctx, access));
        router.get("/admin/keys").handler(access.operatorOnly()).handler(this::list);
        router.delete("/admin/keys/:id").handler(access.operatorOnly()).handler(this::revoke);
    }

    void create(RoutingContext ctx, Access access) {
        if (access.isOpen()) {
            throw new HttpFailure(409, "set CCU_API_KEY (the operator key) first: without it the API answers anyone,"
                    + " so per-account keys would protect nothing");
        }
        JsonObject body = jsonBody(ctx);
        String label = body.getValue("label") instanceof String text ? text.strip() : "";
        if (label.isEmpty() || label.length() > MAX_LABEL_CHARS) {
            throw new HttpFailure(400, "label: 1-" + MAX_LABEL_CHARS + " characters naming the key's holder");
        }
        List<String> accounts = accounts(body.getValue("accounts"));
        List<String> scopes = scopes(body.getValue("scopes"));
        long now = clock.millis();
        long expiresAt = 0;
        Object days = body.getValue("expires_in_days");
        if (days != null) {
            if (!(days instanceof Number number) || number.doubleValue() <= 0 || number.doubleValue() > MAX_EXPIRY_DAYS) {
                throw new HttpFailure(400, "expires_in_days: a number of days, more than 0 and at most " + MAX_EXPIRY_DAYS);
            }
            expiresAt = now + (long) (number.doubleValue() * Duration.ofDays(1).toMillis());
        }
        String id = KeyText.newId();
        String text = KeyText.newKey(id);
        ApiKey key = new ApiKey(id, label, KeyText.sha256(text), accounts, scopes, now, expiresAt);
        acknowledged(ctx, records.write(Topics.API_KEYS, id, key), () -> {
            // known here at once, not a poll later: a key used or revoked right after its 201 was refused (404)
            // on this very instance. A revocation still takes effect as the ring reads it, as on every instance.
            ring.apply(id, key);
            LOG.info("API key {} ({}) created: accounts {}, scopes {}", id, label, accounts, scopes);
            ctx.response().setStatusCode(201).putHeader("content-type", "application/json")
                    .putHeader("cache-control", "no-store")
                    .end(describe(key).put("key", text)
                            .put("note", "store the key now: it is not shown again (only its SHA-256 is kept)").encode());
        });
    }

    void list(RoutingContext ctx) {
        JsonArray keys = new JsonArray();
        ring.all().forEach(key -> keys.add(describe(key).put("expired", key.expiredAt(clock.millis()))));
        ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store").end(keys.encode());
    }

    void revoke(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ApiKey key = ring.byId(id).orElseThrow(() -> new HttpFailure(404, "no API key " + id));
        acknowledged(ctx, records.write(Topics.API_KEYS, id, null), () -> {
            LOG.info("API key {} ({}) revoked", id, key.label());
            ctx.response().putHeader("content-type", "application/json")
                    .end(new JsonObject().put("id", id).put("revoked", true).encode());
        });
    }

    private static void acknowledged(RoutingContext ctx, java.util.concurrent.CompletionStage<Void> write, Runnable answer) {
        Future.fromCompletionStage(write, ctx.vertx().getOrCreateContext())
                .onSuccess(done -> answer.run())
                .onFailure(error -> {
                    ctx.response().putHeader("retry-after", "5");
                    ErrorResponses.send(ctx, 503, "Kafka did not take the change: " + error.getClass().getSimpleName()
                            + "; nothing changed, try again");
                });
    }

    private static JsonObject describe(ApiKey key) {
        return new JsonObject()
                .put("id", key.id())
                .put("label", key.label())
                .put("accounts", new JsonArray(key.accounts()))
                .put("scopes", new JsonArray(key.scopes()))
                .put("created_at", Instant.ofEpochMilli(key.createdAtMs()).toString())
                .put("expires_at", key.expiresAtMs() == 0 ? null : Instant.ofEpochMilli(key.expiresAtMs()).toString());
    }

    private static JsonObject jsonBody(RoutingContext ctx) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body != null) {
                return body;
            }
        } catch (DecodeException | ClassCastException e) {
            // answered below
        }
        throw new HttpFailure(400, "body must be a JSON object: {\"label\", \"accounts\", \"scopes\", \"expires_in_days\"?}");
    }

    private static List<String> accounts(Object value) {
        List<String> accounts = strings(value, "accounts: a list of account ids, or [\"*\"] for every account");
        if (accounts.isEmpty() || accounts.size() > MAX_ACCOUNTS) {
            throw new HttpFailure(400, "accounts: 1-" + MAX_ACCOUNTS + " account ids, or [\"*\"] for every account");
        }
        if (accounts.contains(ApiKey.ALL_ACCOUNTS)) {
            if (accounts.size() > 1) {
                throw new HttpFailure(400, "accounts: \"*\" (every account) goes alone");
            }
            return accounts;
        }
        for (String account : accounts) {
            if (!Ids.isAccountId(account)) {
                throw new HttpFailure(400, "accounts: '" + account + "' is not an account id (1-" + Ids.MAX_ACCOUNT_ID_LENGTH
                        + " of A-Z a-z 0-9 . _ -)");
            }
        }
        return accounts;
    }

    private static List<String> scopes(Object value) {
        List<String> scopes = strings(value, "scopes: a list of " + Scope.allLabels());
        if (scopes.isEmpty()) {
            throw new HttpFailure(400, "scopes: at least one of " + Scope.allLabels());
        }
        for (String scope : scopes) {
            if (Scope.parse(scope).isEmpty()) {
                throw new HttpFailure(400, "scopes: '" + scope + "' is not one of " + Scope.allLabels());
            }
        }
        return scopes;
    }

    private static List<String> strings(Object value, String expected) {
        if (!(value instanceof JsonArray array)) {
            throw new HttpFailure(400, expected);
        }
        Set<String> strings = new LinkedHashSet<>();
        for (Object item : array) {
            if (!(item instanceof String text)) {
                throw new HttpFailure(400, expected);
            }
            strings.add(text);
        }
        return new ArrayList<>(strings);
    }
}
