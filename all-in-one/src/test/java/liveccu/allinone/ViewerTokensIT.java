package liveccu.allinone;

import static liveccu.allinone.Viewers.minuteAgo;
import static liveccu.allinone.Viewers.randomHex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import liveccu.model.RejectedBeacon;
import liveccu.model.Side;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import liveccu.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Viewer tokens over the real path: HTTP beacons with JWTs in, Kafka, Streams, CCU per tracking id
 * (scoped by account: two accounts' "gold" stay apart) and per account out of the API; refusals with their 4xx and their record on the rejected topic.
 * Account "paid" requires tokens; every other account is open.
 */
class ViewerTokensIT {

    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    private static final String PAID = "paid";
    private static final String FREE = "free";
    /**
     * How soon after a viewer is counted its row is in the viewer report: the promise is about as
     * soon as the counts (the aggregator's next commit, then the API's reader); the margin is for a
     * loaded CI machine.
     */
    private static final Duration REPORT_AFTER_COUNTS = Duration.ofSeconds(3);
    private static final List<String> REPORT_COLUMNS = List.of("sessionid", "jobid", "accountid", "trackingid",
            "custom_viewer_data", "user_id", "trusted", "minutes_watched", "sides");

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static Viewers viewers;
    static CapturedLogs logs;

    @BeforeAll
    static void startSystem() throws Exception {
        logs = new CapturedLogs();
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_TOKEN_SECRET", SECRET);
        env.put("CCU_SESSIONS_PORT", "0");  // a token secret starts the sessions service too: never on the fixed 8083
        env.put("CCU_TOKEN_MODE_BY_ACCOUNT", PAID + "=required");
        system = LocalSystem.start(new Env(env));
        viewers = new Viewers(system);
    }

    @AfterAll
    static void stopSystem() {
        system.close();
        String logged = logs.text();
        logs.close();
        assertTrue(logged.contains("collector listening"), "the capture saw the services' logs");
        assertFalse(logged.contains(SECRET), "the token secret is never logged");
        assertFalse(logged.contains("eyJ"), "no token (base64url JSON, 'eyJ…') is ever logged");
    }

    static JWTClaimsSet.Builder claims(String account, String trackingId, Instant expiry) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().expirationTime(Date.from(expiry)).claim("uid", "viewer");
        if (trackingId != null) {
            claims.claim("tracking", Map.of("trackingId", trackingId, "customViewerData", "plan=gold"));
        }
        return account == null ? claims : claims.claim("accid", account);
    }

    static String token(String account, String trackingId) {
        return Tokens.hs256(SECRET, claims(account, trackingId, Instant.now().plusSeconds(600)).build());
    }

    static String path(String job, String session, String account, Side side, long epochSeconds) {
        return "/" + randomHex32() + "/" + job + "/" + session + "/" + account + "/" + epochSeconds + "/" + side.pathSuffix();
    }

    static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static void awaitCounts(String query, List<List<Object>> expected) {
        new Viewers(system).awaitCounts(query, expected);
    }

    @Test
    void countsPerTrackingIdAndAccountFromSignedAndUnsignedViewers() throws Exception {
        String paidJob = randomHex32();
        String freeJob = randomHex32();
        String gold = "gold-" + randomHex32();
        String silver = "silver/" + randomHex32();   // free text, separators included
        long m = minuteAgo(2);
        String s1 = randomHex32();
        String s2 = randomHex32();
        String s3 = randomHex32();
        String s4 = randomHex32();
        String s5 = randomHex32();
        int collector = system.collectorPort();

        // signed: in the Authorization header, or as ?token= for players using sendBeacon
        assertEquals(200, Http.get(collector, path(paidJob, s1, PAID, Side.SS, m + 1), "authorization", "Bearer " + token(PAID, gold)).status());
        assertEquals(200, Http.get(collector, path(paidJob, s2, PAID, Side.SS, m + 2) + "?token=" + token(PAID, gold)).status());
        assertEquals(200, Http.get(collector, path(paidJob, s2, PAID, Side.CS, m + 3) + "?token=" + token(null, gold)).status());
        // open account: unsigned values kept (untrusted), a stale genuine token ignored, no token at all
        assertEquals(200, Http.get(collector, path(freeJob, s3, FREE, Side.SS, m + 4) + "?trackingId=" + encoded(silver)).status());
        String expired = Tokens.hs256(SECRET, claims(FREE, "never-counted", Instant.now().minusSeconds(3600)).build());
        assertEquals(200, Http.get(collector, path(freeJob, s4, FREE, Side.SS, m + 5) + "?token=" + expired
                + "&trackingId=" + encoded(silver)).status());
        assertEquals(200, Http.get(collector, path(freeJob, s5, FREE, Side.SS, m + 6)).status());

        long in = m;
        long out = m + 60;
        String range = "&in=" + in + "&out=" + out;
        awaitCounts("/ccu/tracking?accountid=" + PAID + "&trackingid=" + encoded(gold) + range, List.of(Viewers.minute(m, 2, 1)));
        awaitCounts("/ccu/tracking?accountid=" + FREE + "&trackingid=" + encoded(silver) + range, List.of(Viewers.minute(m, 2, 0)));
        awaitCounts("/ccu/tracking?accountid=" + PAID + "&trackingid=" + encoded(gold) + "&jobid=" + paidJob + range,
                List.of(Viewers.minute(m, 2, 1)));
        awaitCounts("/ccu/tracking?accountid=" + PAID + "&trackingid=" + encoded(gold) + "&jobid=" + freeJob + range, List.of());
        awaitCounts("/ccu/tracking?accountid=" + PAID + "&trackingid=never-counted" + range, List.of());
        awaitCounts("/ccu/account?accountid=" + PAID + range, List.of(Viewers.minute(m, 2, 1)));
        awaitCounts("/ccu?jobid=" + freeJob + range, List.of(Viewers.minute(m, 3, 0)));

        awaitList("/tracking?accountid=" + FREE + "&jobid=" + freeJob, "trackingid", list -> list.equals(List.of(silver)));
        awaitList("/accounts", "accountid", list -> list.containsAll(List.of(PAID, FREE)));
        assertEquals(401, Http.get(system.apiPort(), "/ccu/tracking?trackingid=x").status());

        // the viewer report: one row per session, with its viewer data and whether it was signed (unsigned
        // values are untrusted; a stale token is ignored, its unsigned tracking id kept)
        viewers.awaitViewerReport("accountid=" + PAID + "&trackingid=" + encoded(gold) + range, REPORT_COLUMNS, List.of(
                List.of(s1, paidJob, PAID, gold, "plan=gold", "viewer", true, 1, "ss"),
                List.of(s2, paidJob, PAID, gold, "plan=gold", "viewer", true, 1, "ss+cs")), Duration.ofSeconds(30));
        viewers.awaitViewerReport("jobid=" + freeJob + range, REPORT_COLUMNS, List.of(
                Arrays.asList(s3, freeJob, FREE, silver, null, null, false, 1, "ss"),
                Arrays.asList(s4, freeJob, FREE, silver, null, null, false, 1, "ss"),
                Arrays.asList(s5, freeJob, FREE, null, null, null, false, 1, "ss")), Duration.ofSeconds(30));
        Http.Reply csv = Http.get(system.apiPort(), "/viewers?jobid=" + freeJob + range + "&format=csv", "x-api-key", Viewers.API_KEY);
        assertEquals(200, csv.status());
        List<String> lines = csv.body().lines().toList();
        assertEquals("sessionid,jobid,accountid,trackingid,custom_viewer_data,user_id,trusted,first_seen,last_seen,minutes_watched,sides",
                lines.get(0));
        assertEquals(4, lines.size(), csv.body());
        assertEquals(400, Http.get(system.apiPort(), "/viewers?in=" + in, "x-api-key", Viewers.API_KEY).status());
        assertEquals(400, Http.get(system.apiPort(), "/viewers?jobid=" + freeJob + "&format=xml", "x-api-key", Viewers.API_KEY).status());
        assertEquals(400, Http.get(system.apiPort(), "/ccu/account?accountid=a%20b", "x-api-key", Viewers.API_KEY).status());
    }

    @Test
    void theSameTrackingIdInTwoAccountsIsCountedApart() {
        // two customers that both call a group of their viewers "gold", in signed tokens
        String a = "tenant-a-" + randomHex32().substring(0, 8);
        String b = "tenant-b-" + randomHex32().substring(0, 8);
        String jobA = randomHex32();
        String jobB1 = randomHex32();
        String jobB2 = randomHex32();
        String sA1 = randomHex32();
        String sA2 = randomHex32();
        String sB1 = randomHex32();
        String sB2 = randomHex32();
        String sB3 = randomHex32();
        long m = minuteAgo(1);
        int collector = system.collectorPort();
        for (String[] beacon : List.of(new String[] {jobA, sA1, a, "SS"}, new String[] {jobA, sA2, a, "SS"}, new String[] {jobA, sA2, a, "CS"},
                new String[] {jobB1, sB1, b, "SS"}, new String[] {jobB2, sB2, b, "SS"}, new String[] {jobB2, sB3, b, "SS"})) {
            String account = beacon[2];
            assertEquals(200, Http.get(collector, path(beacon[0], beacon[1], account, Side.valueOf(beacon[3]), m + 10),
                    "authorization", "Bearer " + token(account, "gold")).status());
        }

        String range = "&in=" + m + "&out=" + (m + 60);
        awaitCounts("/ccu/tracking?accountid=" + a + "&trackingid=gold" + range, List.of(Viewers.minute(m, 2, 1)));
        awaitCounts("/ccu/tracking?accountid=" + b + "&trackingid=gold" + range, List.of(Viewers.minute(m, 3, 0)));
        awaitCounts("/ccu/tracking?accountid=" + b + "&trackingid=gold&jobid=" + jobB2 + range, List.of(Viewers.minute(m, 2, 0)));
        awaitCounts("/ccu/tracking?accountid=" + b + "&trackingid=gold&jobid=" + jobA + range, List.of());

        // listed apart, each row naming its account; and per account
        Predicate<Map<String, Object>> ours = row -> List.of(a, b).contains(row.get("accountid"));
        awaitRows("/tracking", row -> ours.test(row) && "gold".equals(row.get("trackingid")),
                row -> row.get("accountid") + " " + row.get("trackingid") + " " + row.get("ssccu"),
                List.of(a + " gold 2", b + " gold 3"));
        awaitRows("/tracking?accountid=" + a, row -> true, row -> row.get("accountid") + " " + row.get("trackingid"), List.of(a + " gold"));
        awaitRows("/tracking?jobid=" + jobB2, row -> true, row -> row.get("accountid") + " " + row.get("jobid") + " " + row.get("trackingid"),
                List.of(b + " " + jobB2 + " gold"));

        // the viewer report of one account's gold holds only that account's sessions
        viewers.awaitViewerReport("accountid=" + a + "&trackingid=gold" + range, List.of("sessionid", "accountid", "trackingid", "trusted"),
                List.of(List.of(sA1, a, "gold", true), List.of(sA2, a, "gold", true)), Duration.ofSeconds(30));

        // without the account, no tracking id counted since they were scoped can be meant: the API says what is missing
        Http.Reply unscoped = Http.get(system.apiPort(), "/ccu/tracking?trackingid=gold" + range, "x-api-key", Viewers.API_KEY);
        assertEquals(400, unscoped.status(), unscoped.body());
        assertTrue(unscoped.body().contains("give accountid: tracking ids are scoped by account"), unscoped.body());
        assertEquals(400, Http.get(system.apiPort(), "/viewers?trackingid=gold" + range, "x-api-key", Viewers.API_KEY).status());
    }

    @Test
    void aCountedViewerIsInTheViewerReportWithinSecondsOfBeingCounted() {
        String job = randomHex32();
        String session = randomHex32();
        long m = minuteAgo(0);
        String range = "&in=" + m + "&out=" + (m + 60);
        List<String> columns = List.of("sessionid", "trackingid", "minutes_watched", "sides");

        // a new session
        assertEquals(200, Http.get(system.collectorPort(), path(job, session, FREE, Side.SS, m + 1)).status());
        awaitCounts("/ccu?jobid=" + job + range, List.of(Viewers.minute(m, 1, 0)));
        viewers.awaitViewerReport("jobid=" + job + range, columns, List.of(Arrays.asList(session, null, 1, "ss")),
                REPORT_AFTER_COUNTS);

        // the same session changes what its row shows: its player reports too (a side), with a tracking id
        assertEquals(200, Http.get(system.collectorPort(), path(job, session, FREE, Side.CS, m + 2) + "?trackingId=fresh").status());
        awaitCounts("/ccu?jobid=" + job + range, List.of(Viewers.minute(m, 1, 1)));
        viewers.awaitViewerReport("jobid=" + job + range, columns, List.of(List.of(session, "fresh", 1, "ss+cs")),
                REPORT_AFTER_COUNTS);
    }

    @Test
    void refusedTokensGetTheir4xxAndARecordWithoutTheToken() throws Exception {
        String job = randomHex32();
        long m = minuteAgo(3);
        String none = Tokens.algNone("{\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}");
        Map<String, String> tokens = new java.util.LinkedHashMap<>();
        tokens.put("expired", Tokens.hs256(SECRET, claims(PAID, "t", Instant.now().minusSeconds(3600)).build()));
        tokens.put("alg none", none);
        tokens.put("wrong secret", Tokens.hs256("another-secret-of-at-least-32-bytes!!", claims(PAID, "t", Instant.now().plusSeconds(600)).build()));
        tokens.put("RS256 without registered key", Tokens.rs256(Tokens.rsaKeys().getPrivate(), null,
                claims(PAID, "t", Instant.now().plusSeconds(600)).build()));
        tokens.put("not a JWT", "not-a-jwt");  // never inside a record by chance (ids are hex: "abc" could be)
        tokens.put("bad base64", "%%%.%%%.%%%");
        tokens.put("bad JSON", Tokens.base64Url("{\"alg\":\"HS256\"") + "." + Tokens.base64Url("{}") + ".c2ln");
        tokens.put("oversize", "a".repeat(5000));
        tokens.put("oversize tracking id", Tokens.hs256(SECRET, claims(PAID, "t".repeat(200), Instant.now().plusSeconds(600)).build()));
        tokens.put("other account", token("someone-else", "t"));
        Map<String, Integer> expectedStatus = Map.of("expired", 401, "alg none", 401, "wrong secret", 401,
                "RS256 without registered key", 401, "not a JWT", 400, "bad base64", 400, "bad JSON", 400, "oversize", 400,
                "oversize tracking id", 400, "other account", 403);
        Map<String, String> expectedReason = Map.of("expired", "token-expired", "alg none", "token-invalid",
                "wrong secret", "token-invalid", "RS256 without registered key", "token-invalid", "not a JWT", "token-malformed",
                "bad base64", "token-malformed", "bad JSON", "token-malformed", "oversize", "token-malformed",
                "oversize tracking id", "token-malformed", "other account", "token-wrong-account");

        Map<String, String> pathOf = new HashMap<>();
        for (var token : tokens.entrySet()) {
            String path = path(job, randomHex32(), PAID, Side.SS, m + 1);
            pathOf.put(token.getKey(), path);
            Http.Reply reply = Http.get(system.collectorPort(), path, "authorization", "Bearer " + token.getValue());
            assertEquals(expectedStatus.get(token.getKey()), reply.status(), token.getKey() + ": " + reply.body());
            assertFalse(reply.body().contains(token.getValue()), "the answer never echoes the token");
        }
        String missing = path(job, randomHex32(), PAID, Side.SS, m + 1);
        assertEquals(401, Http.get(system.collectorPort(), missing + "?trackingId=unsigned").status());
        // where tokens are optional, a forged or unsigned token is still refused: it is an attack or a bug
        assertEquals(401, Http.get(system.collectorPort(), path(job, randomHex32(), FREE, Side.SS, m + 1), "authorization",
                "Bearer " + tokens.get("wrong secret")).status());
        assertEquals(401, Http.get(system.collectorPort(), path(job, randomHex32(), FREE, Side.SS, m + 1) + "?token=" + none).status());
        // one good beacon: the only one counted
        assertEquals(200, Http.get(system.collectorPort(), path(job, randomHex32(), PAID, Side.SS, m + 2), "authorization",
                "Bearer " + token(PAID, "t")).status());
        awaitCounts("/ccu?jobid=" + job + "&in=" + m + "&out=" + (m + 60), List.of(Viewers.minute(m, 1, 0)));

        try (RejectedBeacons rejected = new RejectedBeacons(system.broker().orElseThrow().bootstrapServers())) {
            Map<String, RejectedBeacon> byPath = Eventually.await(Duration.ofSeconds(20), "every refusal recorded",
                    () -> rejected.all().stream().collect(Collectors.toMap(RejectedBeacon::path, r -> r, (a, b) -> a)),
                    seen -> seen.keySet().containsAll(pathOf.values()) && seen.containsKey(missing));
            pathOf.forEach((name, path) -> {
                RejectedBeacon record = byPath.get(path);
                assertEquals(expectedReason.get(name), record.reason(), name);
                assertFalse(record.toString().contains(tokens.get(name)), name + ": the record never holds the token");
            });
            assertEquals("token-missing", byPath.get(missing).reason());
        }
    }

    @Test
    void browsersMayPreflightTheAuthorizationHeader() {
        Http.Reply preflight = Http.send("OPTIONS", system.collectorPort(), path(randomHex32(), randomHex32(), PAID, Side.CS, minuteAgo(0)),
                "origin", "https://player.example", "access-control-request-method", "GET",
                "access-control-request-headers", "authorization");
        assertEquals(204, preflight.status());
        assertTrue(preflight.headers().firstValue("access-control-allow-headers").orElse("").toLowerCase().contains("authorization"));
    }

    /** Waits until the rows {@code query} answers with, those {@code kept}, each {@code shown}, are {@code expected} (sorted). */
    private static void awaitRows(String query, Predicate<Map<String, Object>> kept, Function<Map<String, Object>, String> shown,
                                  List<String> expected) {
        Eventually.await(Duration.ofSeconds(30), query + " rows " + expected, () -> {
            Http.Reply reply = Http.get(system.apiPort(), query, "x-api-key", Viewers.API_KEY);
            assertEquals(200, reply.status(), reply.body());
            return Viewers.parse(reply.body()).stream().filter(kept).map(shown).sorted().toList();
        }, expected::equals);
    }

    /** Waits until {@code field} of the rows {@code query} answers with satisfies {@code done}. */
    private static void awaitList(String query, String field, Predicate<List<Object>> done) {
        Eventually.await(Duration.ofSeconds(30), query + " rows' " + field, () -> {
            Http.Reply reply = Http.get(system.apiPort(), query, "x-api-key", Viewers.API_KEY);
            assertEquals(200, reply.status(), reply.body());
            return Viewers.parse(reply.body()).stream().map(row -> row.get(field)).toList();
        }, done);
    }
}
