package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liveccu.model.CountingRules;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import liveccu.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/openapi.yaml against the real system (an embedded broker, every service as its main starts
 * it, the sessions service and a Fastly log source configured so that every route is served):
 *
 * <ul>
 *   <li>each service's router holds exactly the routes described for it — a route served but not
 *       described, or described but not served, fails, named;</li>
 *   <li>each call of {@link #CALLS} — every described route at least once, successes with real data and
 *       typical errors — is answered the status it expects, which must be described for its route, with
 *       a body and headers that fit the description; the successes' own requests must fit it too;</li>
 *   <li>each route of the query API and the sessions service refuses a key without the scope its
 *       description names ({@code 403});</li>
 *   <li>the query API serves the file in docs/ as it is.</li>
 * </ul>
 *
 * A new route: describe it in docs/openapi.yaml, then add a call of it to {@link #calls()}.
 */
class ApiDescriptionIT {

    private static final String OPERATOR = Viewers.API_KEY;
    private static final String ACCOUNT = Viewers.ACCOUNT;
    /** An account with its own beacon secret. */
    private static final String SECURED = "secured-account";
    private static final String BEACON_SECRET = "secured-account-beacon-secret";
    private static final String TOKEN_SECRET = "a-shared-secret-of-at-least-32-bytes!";
    private static final String LOG_TOKEN = "log-token-of-sixteen-chars";
    private static final String CONTENT = "movie-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Playback from a robot is not counted, and Java's HTTP client reads as one. */
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/120.0.0.0 Safari/537.36";

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static ApiDescription description;
    static Map<String, Integer> ports;
    static final String JOB = Viewers.randomHex32();
    static final String SESSION = Viewers.randomHex32();
    static final String ERASED_SESSION = Viewers.randomHex32();
    static long now;

    @BeforeAll
    static void startSystem() throws Exception {
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_TOKEN_SECRET", TOKEN_SECRET);  // runs the sessions service
        env.put("CCU_SESSIONS_PORT", "0");
        env.put("CCU_BEACON_SECRETS_BY_ACCOUNT", SECURED + "=" + BEACON_SECRET);
        env.put("CCU_IP_HASH_SECRET", "api-description-it-secret-of-enough-bytes");
        // a Fastly source serves /.well-known/fastly/logging/challenge
        env.put("CCU_LOG_SOURCES", "cf-push:cloudflare:" + ACCOUNT + ":vod,fastly-push:fastly:" + ACCOUNT + ":live");
        env.put("CCU_LOG_SOURCE_TOKENS", "cf-push=" + LOG_TOKEN + ",fastly-push=" + LOG_TOKEN);
        system = LocalSystem.start(new Env(env));
        description = ApiDescription.read();
        ports = Map.of("collector", system.collectorPort(), "query API", system.apiPort(), "aggregator", system.aggregatorPort(),
                "sessions service", system.sessionsPort().orElseThrow());
        now = System.currentTimeMillis();
        for (int port : ports.values()) {
            Eventually.await(WAIT, "ready on " + port, () -> Http.get(port, "/health/ready").status(), status -> status == 200);
        }
        String probe = Tokens.hs256(TOKEN_SECRET, Tokens.streamClaims(ACCOUNT, "probe", "probe", 1, Instant.now().plusSeconds(600)));
        Eventually.await(Duration.ofSeconds(90), "the limiter decides", () -> Http.send(Http.request("POST",
                        system.sessionsPort().orElseThrow(), "/api/v1/accounts/" + ACCOUNT + "/sessions", "{\"video\":\"probe\"}",
                        "authorization", "Bearer " + probe, "content-type", "application/json")).status(), status -> status == 200);
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    @Test
    void eachServiceServesExactlyTheRoutesDescribedForIt() {
        List<String> problems = new ArrayList<>();
        system.routes().forEach((service, routes) -> problems.addAll(
                ApiDescription.differences(service, description.routesOf(service), ApiDescription.routesOf(routes))));
        assertEquals(Set.of("collector", "query API", "aggregator", "sessions service"), system.routes().keySet());
        assertEquals(List.of(), problems);
    }

    @Test
    void theQueryApiServesTheFileInDocs() throws IOException {
        Http.Reply yaml = Http.get(system.apiPort(), "/openapi.yaml");
        assertEquals(Files.readString(ApiDescription.FILE), yaml.body());
        Http.Reply json = Http.get(system.apiPort(), "/openapi.json");
        assertEquals(new YAMLMapper().readTree(Files.readAllBytes(ApiDescription.FILE)), JSON.readTree(json.body()));
    }

    // ------------------------------------------------------------------ every route's answers

    /** A request to one service, the status it should get, and what it sends. */
    record Call(String service, String method, String pathAndQuery, int status, Map<String, String> headers, String body,
                boolean withOperatorKey) {

        Call header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Call(service, method, pathAndQuery, status, more, body, withOperatorKey);
        }

        Call body(String contentType, String text) {
            return new Call(service, method, pathAndQuery, status, headers, text, withOperatorKey).header("content-type", contentType);
        }

        /** The operator key, added to query-API calls of routes that take one unless the call gives its own. */
        Call noKey() {
            return new Call(service, method, pathAndQuery, status, headers, body, false);
        }

        String name() {
            return service + ": " + method + " " + pathAndQuery + " -> " + status;
        }
    }

    static Call call(String service, String method, String pathAndQuery, int status) {
        return new Call(service, method, pathAndQuery, status, Map.of(), null, service.equals("query API"));
    }

    static Call collector(String method, String path, int status) {
        return call("collector", method, path, status);
    }

    static Call api(String method, String path, int status) {
        return call("query API", method, path, status);
    }

    static Call sessions(String method, String path, int status) {
        return call("sessions service", method, path, status);
    }

    /** The intake calls: they also give the queries below something to answer. */
    static List<Call> intake() {
        long seconds = now / 1000;
        String beacon = "/" + Viewers.randomHex32() + "/" + JOB + "/" + SESSION + "/" + ACCOUNT + "/" + seconds;
        String erased = "/" + Viewers.randomHex32() + "/" + JOB + "/" + ERASED_SESSION + "/" + ACCOUNT + "/" + seconds;
        String secured = "/" + Viewers.randomHex32() + "/" + Viewers.randomHex32() + "/" + Viewers.randomHex32() + "/" + SECURED + "/" + seconds;
        String elsewhere = Tokens.hs256(TOKEN_SECRET, Tokens.streamClaims("another-account", "viewer-1", null, null,
                Instant.now().plusSeconds(600)));
        String events = """
                [{"event":"playback_start","playback_id":"p-%1$s","time":%2$d,"content_id":"%3$s","content_type":"vod","property":"web"},
                 {"event":"playing","playback_id":"p-%1$s","time":%4$d,"content_id":"%3$s","content_type":"vod","seconds":10,"position":10,
                  "bitrate_kbps":3000},
                 {"event":"error","playback_id":"p-%1$s","time":%4$d,"error_code":"NETWORK_TIMEOUT","fatal":false}]"""
                .formatted(SESSION, now - 20_000, CONTENT, now - 10_000);
        String partly = """
                {"event":"play","playback_id":"q-%1$s","time":%2$d,"content_id":"%3$s","content_type":"vod"}
                {"event":"dance","playback_id":"q-%1$s","time":%2$d}
                """.formatted(SESSION, now - 5_000, CONTENT);
        String cmcd = "e=t,sid=\"" + Viewers.randomHex32() + "\",cid=\"" + CONTENT + "\",ts=" + (now - 3_000) + ",sta=p,v=2\n";
        String line = CdnLogs.cloudflareLine(now - 60_000, "198.51.100.7", "Mozilla/5.0", "GET", "/vod/" + CONTENT + "/seg-1.ts",
                200, 500_000, null);
        return List.of(
                collector("GET", beacon + "/heartbeat?trackingId=gold&customViewerData=vip", 200),
                collector("GET", beacon + "/csheartbeat", 200),
                collector("GET", erased + "/heartbeat", 200),
                collector("GET", beacon.replace(JOB, "not-a-job") + "/heartbeat", 400),
                collector("GET", secured + "/heartbeat", 401),
                collector("GET", secured + "/csheartbeat?key=" + BEACON_SECRET, 200),
                collector("GET", beacon + "/csheartbeat", 403).header("authorization", "Bearer " + elsewhere),
                collector("POST", "/v1/accounts/" + ACCOUNT + "/events", 204).body("application/json", events).header("user-agent", CHROME),
                collector("POST", "/v1/accounts/" + ACCOUNT + "/events", 200).body("application/x-ndjson", partly),
                collector("POST", "/v1/accounts/" + ACCOUNT + "/events", 400).body("application/json", "not json"),
                collector("POST", "/v1/accounts/" + SECURED + "/events", 401).body("application/json", events),
                collector("POST", "/v1/accounts/" + ACCOUNT + "/events", 415).body("application/json", events)
                        .header("content-encoding", "br"),
                collector("POST", "/cmcd/" + ACCOUNT + "/" + JOB, 204).body("application/cmcd", cmcd).header("user-agent", CHROME),
                collector("POST", "/cmcd/" + ACCOUNT + "/not-a-job", 410).body("application/cmcd", cmcd),
                collector("POST", "/cmcd/" + ACCOUNT + "/" + JOB, 415).body("text/plain", cmcd),
                collector("POST", "/v1/logs/cf-push", 204).body("application/x-ndjson", line + "\n").header("x-ccu-log-token", LOG_TOKEN),
                collector("POST", "/v1/logs/cf-push", 200).body("application/x-ndjson", line + "\nnot a log line\n")
                        .header("x-ccu-log-token", LOG_TOKEN),
                collector("POST", "/v1/logs/cf-push", 401).body("application/x-ndjson", line).header("x-ccu-log-token", "wrong-token-wrong"),
                collector("POST", "/v1/logs/nowhere", 404).body("application/x-ndjson", line).header("x-ccu-log-token", LOG_TOKEN),
                collector("POST", "/v1/logs/cf-push", 400).body("application/x-ndjson", line).header("x-ccu-log-token", LOG_TOKEN)
                        .header("x-ccu-log-batch", "not a batch id"),
                collector("GET", "/.well-known/fastly/logging/challenge", 200));
    }

    /** The query API's, the sessions service's and every service's health calls, once the intake's data is counted. */
    static List<Call> queries() {
        long from = now / 1000 - 7200;
        long to = now / 1000 + 3600;
        String range = "&from=" + from + "&to=" + to;
        String ccuRange = "&in=" + (now / 1000 - 1800) + "&out=" + (CountingRules.minuteStart(now) / 1000 + 60);
        String token = Tokens.hs256(TOKEN_SECRET, Tokens.streamClaims(ACCOUNT, "viewer-1", "tv", 1, Instant.now().plusSeconds(600)));
        String second = Tokens.hs256(TOKEN_SECRET, Tokens.streamClaims(ACCOUNT, "viewer-1", "phone", 1, Instant.now().plusSeconds(600)));
        String sessionsPath = "/api/v1/accounts/" + ACCOUNT + "/sessions";
        List<Call> calls = new ArrayList<>();
        for (String service : List.of("collector", "query API", "aggregator", "sessions service")) {
            calls.add(call(service, "GET", "/health/live", 200).noKey());
            calls.add(call(service, "GET", "/health/ready", 200).noKey());
            calls.add(call(service, "GET", "/metrics", 200).noKey());
        }
        calls.addAll(List.of(
                api("GET", "/access", 200),
                api("GET", "/access", 401).noKey(),
                api("GET", "/ccu?jobid=" + JOB + ccuRange, 200),
                api("GET", "/ccu?jobid=" + JOB + "&accountid=" + ACCOUNT + "&interval=hour", 200),
                api("GET", "/ccu?jobid=nope", 400),
                api("GET", "/ccu?jobid=" + JOB, 401).noKey(),
                api("GET", "/ccu/account?accountid=" + ACCOUNT + "&interval=day", 200),
                api("GET", "/ccu/account", 400),
                api("GET", "/ccu/tracking?accountid=" + ACCOUNT + "&trackingid=gold&jobid=" + JOB, 200),
                api("GET", "/ccu/tracking?trackingid=gold", 400),
                api("GET", "/jobs", 200),
                api("GET", "/accounts", 200),
                api("GET", "/tracking?accountid=" + ACCOUNT, 200),
                api("GET", "/tracking?jobid=" + JOB, 200),
                api("GET", "/viewers?jobid=" + JOB + ccuRange, 200),
                api("GET", "/viewers?accountid=" + ACCOUNT + "&trackingid=gold&format=csv", 200),
                api("GET", "/viewers?trackingid=gold", 400),
                api("GET", "/playback?accountid=" + ACCOUNT + range, 200),
                api("GET", "/playback?accountid=" + ACCOUNT + range + "&interval=day&group_by=content&format=csv", 200),
                api("GET", "/playback?accountid=" + ACCOUNT + range + "&contentid=" + CONTENT + "&group_by=device_class", 200),
                api("GET", "/playback?accountid=" + ACCOUNT + range + "&interval=week", 400),
                api("GET", "/playback/retention?accountid=" + ACCOUNT + "&contentid=" + CONTENT + range, 200),
                api("GET", "/playback/retention?accountid=" + ACCOUNT + range, 400),
                api("GET", "/cdn?accountid=" + ACCOUNT + range, 200),
                api("GET", "/cdn?accountid=" + ACCOUNT + range + "&interval=hour&group_by=pop&format=csv", 200),
                api("GET", "/cdn?accountid=" + ACCOUNT + range + "&group_by=colo", 400),
                api("GET", "/qoe?accountid=" + ACCOUNT + range, 200),
                api("GET", "/qoe?accountid=" + ACCOUNT + range + "&interval=hour&group_by=browser", 200),
                api("GET", "/qoe?accountid=" + ACCOUNT + range + "&interval=day&group_by=asn&format=csv", 200),
                api("GET", "/qoe?accountid=" + ACCOUNT + range + "&interval=minute&group_by=browser", 400),
                api("GET", "/qoe/breakdown?accountid=" + ACCOUNT + range + "&dimension=browser&metric=failure_pct", 200),
                api("GET", "/qoe/breakdown?accountid=" + ACCOUNT + range + "&dimension=asn&metric=score&format=csv", 200),
                api("GET", "/qoe/breakdown?accountid=" + ACCOUNT + range + "&dimension=browser", 400),
                api("GET", "/qoe/startup?accountid=" + ACCOUNT + range, 200),
                api("GET", "/qoe/startup?accountid=" + ACCOUNT + range + "&format=csv", 200),
                api("GET", "/qoe/startup?accountid=" + ACCOUNT + range + "&asn=AS3320", 400),
                api("POST", "/admin/viewers/erasures", 202).body("application/json", "{\"sessionid\":\"" + ERASED_SESSION + "\"}"),
                api("POST", "/admin/viewers/erasures", 400).body("application/json", "{\"sessionid\":\"x\",\"user_id\":\"y\"}"),
                api("POST", "/admin/viewers/erasures", 413).body("application/json", "{\"user_id\":\"" + "x".repeat(5000) + "\"}"),
                api("POST", "/admin/keys", 201).body("application/json",
                        "{\"label\":\"a reader\",\"accounts\":[\"" + ACCOUNT + "\"],\"scopes\":[\"counts\"],\"expires_in_days\":1}"),
                api("POST", "/admin/keys", 400).body("application/json", "{\"label\":\"\",\"accounts\":[],\"scopes\":[]}"),
                api("GET", "/admin/keys", 200),
                api("DELETE", "/admin/keys/aaaaaaaaaaaa", 404),
                api("GET", "/openapi.yaml", 200),
                api("GET", "/openapi.json", 200),
                api("GET", "/", 200),
                api("HEAD", "/", 200),
                api("GET", "/app.js", 200),
                api("GET", "/style.css", 200),
                api("HEAD", "/favicon.svg", 200),
                api("GET", "/nothing.js", 404),
                api("HEAD", "/nothing.js", 404),
                api("GET", chartJs(), 200),
                api("HEAD", chartJs(), 200),
                api("GET", chartJs(), 304).header("if-modified-since",
                        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusDays(1))),
                api("GET", "/webjars/nothing.js", 404),
                api("HEAD", "/webjars/nothing.js", 404),
                sessions("POST", sessionsPath, 200).body("application/json", "{\"video\":\"video-1\"}")
                        .header("authorization", "Bearer " + token),
                sessions("POST", sessionsPath, 403).body("application/json", "{\"video\":\"video-1\"}")
                        .header("authorization", "Bearer " + second),
                sessions("POST", sessionsPath, 400).body("application/json", "{}").header("authorization", "Bearer " + token),
                sessions("POST", sessionsPath, 413).body("application/json", "{\"video\":\"" + "v".repeat(5000) + "\"}")
                        .header("authorization", "Bearer " + token),
                sessions("POST", sessionsPath, 401).body("application/json", "{\"video\":\"video-1\"}"),
                sessions("GET", sessionsPath, 200).header("authorization", "Bearer " + token),
                sessions("GET", sessionsPath, 200).header("x-api-key", OPERATOR),
                sessions("GET", sessionsPath, 401),
                sessions("GET", "/api/v1/accounts/" + ACCOUNT + "/concurrency", 200).header("x-api-key", OPERATOR),
                sessions("GET", "/api/v1/accounts/" + ACCOUNT + "/concurrency", 401),
                sessions("DELETE", sessionsPath + "/no-such-session", 404).header("authorization", "Bearer " + token),
                sessions("DELETE", sessionsPath + "/no-such-session", 404).header("x-api-key", OPERATOR)));
        return calls;
    }

    @Test
    void everyRouteAnswersAsDescribed() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> called = new TreeSet<>();
        intake().forEach(call -> check(call, problems, called));
        awaitCounted();
        queries().forEach(call -> check(call, problems, called));
        // the calls that need an answer from the calls before them
        String sessionId = sessionOfViewer1();
        check(sessions("DELETE", "/api/v1/accounts/" + ACCOUNT + "/sessions/" + sessionId, 204)
                .header("authorization", "Bearer " + Tokens.hs256(TOKEN_SECRET, Tokens.streamClaims(ACCOUNT, "viewer-1", "tv", 1,
                        Instant.now().plusSeconds(600)))), problems, called);
        check(api("DELETE", "/admin/keys/" + createKey("[\"counts\"]").get("id").asText(), 200), problems, called);

        Set<String> uncalled = new TreeSet<>();
        for (ApiDescription.Operation op : description.operations()) {
            for (String service : op.services()) {
                if (!called.contains(service + " " + op.name())) {
                    uncalled.add(service + ": " + op.name());
                }
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(Set.of(), uncalled, "described but never called here: add a call to ApiDescriptionIT");
    }

    /** Sends the call, and adds what does not fit the description (or the status it expects) to the problems. */
    private static void check(Call call, List<String> problems, Set<String> called) {
        String path = call.pathAndQuery().contains("?") ? call.pathAndQuery().substring(0, call.pathAndQuery().indexOf('?'))
                : call.pathAndQuery();
        ApiDescription.Operation op = description.find(call.service(), call.method(), path).orElse(null);
        if (op == null) {
            problems.add(call.name() + ": no route of the description matches");
            return;
        }
        called.add(call.service() + " " + op.name());
        Map<String, String> headers = new LinkedHashMap<>(call.headers());
        if (call.withOperatorKey() && needsKey(op) && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("x-api-key"))) {
            headers.put("x-api-key", OPERATOR);
        }
        Http.Reply reply = send(ports.get(call.service()), call.method(), call.pathAndQuery(), headers, call.body());
        if (reply.status() != call.status()) {
            problems.add(call.name() + ": answered " + reply.status() + " " + reply.body());
        }
        if (call.status() < 300) {
            problems.addAll(description.checkRequest(op, call.pathAndQuery(), headers, call.body()).stream()
                    .map(problem -> call.name() + ": the request: " + problem).toList());
        }
        problems.addAll(description.checkAnswer(op, reply).stream().map(problem -> call.name() + ": " + problem).toList());
    }

    private static boolean needsKey(ApiDescription.Operation op) {
        for (JsonNode requirement : op.node().path("security")) {
            if (requirement.has("apiKey")) {
                return true;
            }
        }
        return false;
    }

    private static Http.Reply send(int port, String method, String pathAndQuery, Map<String, String> headers, String body) {
        List<String> pairs = new ArrayList<>();
        headers.forEach((name, value) -> {
            pairs.add(name);
            pairs.add(value);
        });
        return Http.send(Http.request(method, port, pathAndQuery, body, pairs.toArray(String[]::new)));
    }

    /** The chart library's path, as the dashboard's page names it (with the version the build put in). */
    private static String chartJs() {
        Matcher script = Pattern.compile("src=\"(webjars/[^\"]+)\"").matcher(Http.get(system.apiPort(), "/").body());
        assertTrue(script.find(), "the page loads a webjar");
        return "/" + script.group(1);
    }

    /** Waits until the queries have the intake's data to answer with: rows, not empty lists. */
    private static void awaitCounted() {
        long from = now / 1000 - 7200;
        long to = now / 1000 + 3600;
        for (String query : List.of("/ccu?jobid=" + JOB, "/viewers?jobid=" + JOB, "/tracking?accountid=" + ACCOUNT,
                "/playback?accountid=" + ACCOUNT + "&from=" + from + "&to=" + to,
                "/cdn?accountid=" + ACCOUNT + "&from=" + from + "&to=" + to,
                "/qoe?accountid=" + ACCOUNT + "&from=" + from + "&to=" + to + "&interval=hour")) {
            Eventually.await(WAIT, query + " answers rows", () -> Http.get(system.apiPort(), query, "x-api-key", OPERATOR),
                    reply -> reply.status() == 200 && reply.body().startsWith("[{"));
        }
        String retention = "/playback/retention?accountid=" + ACCOUNT + "&contentid=" + CONTENT + "&from=" + from + "&to=" + to;
        Eventually.await(WAIT, retention + " has buckets", () -> Http.get(system.apiPort(), retention, "x-api-key", OPERATOR),
                reply -> reply.status() == 200 && reply.body().contains("\"buckets\":[{"));
    }

    private static String sessionOfViewer1() throws IOException {
        Http.Reply sessions = Http.get(system.sessionsPort().orElseThrow(), "/api/v1/accounts/" + ACCOUNT + "/sessions",
                "authorization", "Bearer " + Tokens.hs256(TOKEN_SECRET, Tokens.streamClaims(ACCOUNT, "viewer-1", "tv", 1,
                        Instant.now().plusSeconds(600))));
        return JSON.readTree(sessions.body()).get(0).get("session_id").asText();
    }

    /** A per-account key of every account with these scopes (a JSON array), as POST /admin/keys answers it. */
    private static JsonNode createKey(String scopes) {
        Http.Reply created = Http.post(system.apiPort(), "/admin/keys",
                "{\"label\":\"api description\",\"accounts\":[\"*\"],\"scopes\":" + scopes + "}",
                "x-api-key", OPERATOR, "content-type", "application/json");
        assertEquals(201, created.status(), created.body());
        try {
            return JSON.readTree(created.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ scopes

    @Test
    void eachRouteRefusesAKeyWithoutTheScopeItsDescriptionNames() {
        Map<String, String> without = new LinkedHashMap<>();
        without.put("counts", createKey("[\"viewers\", \"sessions-admin\"]").get("key").asText());
        without.put("viewers", createKey("[\"counts\", \"sessions-admin\"]").get("key").asText());
        without.put("sessions-admin", createKey("[\"counts\", \"viewers\"]").get("key").asText());
        without.put("operator", createKey("[\"counts\", \"viewers\", \"sessions-admin\"]").get("key").asText());
        // the keys reach every instance through the keys topic
        Eventually.await(WAIT, "keys known", () -> Http.get(system.apiPort(), "/access", "x-api-key", without.get("operator")).status(),
                status -> status == 200);
        Eventually.await(WAIT, "keys known to the sessions service", () -> Http.get(system.sessionsPort().orElseThrow(),
                "/api/v1/accounts/" + ACCOUNT + "/concurrency", "x-api-key", without.get("operator")).status(), status -> status == 200);

        List<String> problems = new ArrayList<>();
        Set<String> checked = new LinkedHashSet<>();
        // Any call of a route will do: the key is checked before anything else of the request.
        for (Call call : queries()) {
            String path = call.pathAndQuery().split("\\?")[0];
            ApiDescription.Operation op = description.find(call.service(), call.method(), path).orElseThrow();
            Set<String> roles = new LinkedHashSet<>();
            op.node().path("security").forEach(requirement -> requirement.path("apiKey").forEach(role -> roles.add(role.asText())));
            for (String role : roles) {
                if (!checked.add(call.service() + " " + op.name() + " " + role)) {
                    continue;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                call.headers().forEach((name, value) -> {
                    if (!name.equalsIgnoreCase("authorization") && !name.equalsIgnoreCase("x-api-key")) {
                        headers.put(name, value);
                    }
                });
                headers.put("x-api-key", without.get(role));
                Http.Reply reply = send(ports.get(call.service()), call.method(), call.pathAndQuery(), headers, call.body());
                if (reply.status() != 403) {
                    problems.add(op.name() + " (" + call.service() + ") with a key without " + role + ": " + reply.status() + " " + reply.body());
                }
            }
        }
        assertTrue(checked.size() >= 15, "routes checked: " + checked);
        assertEquals(List.of(), problems);
    }
}
