package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liveccu.access.cli.KeysMain;
import liveccu.api.Api;
import liveccu.api.ApiConfig;
import liveccu.model.AuditEntry;
import liveccu.model.Side;
import liveccu.model.Topics;
import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import liveccu.ops.metrics.Metrics;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Tenants over the real path: three accounts' beacons through the collector, Kafka and Streams;
 * per-account keys created, listed and revoked with {@code ./liveccu keys} (run in-process) against
 * the real API; every route answered only within the key's accounts and scopes; a revocation seen by
 * a second API instance within 5 s; each use counted and, for viewer data, audited on Kafka.
 */
class TenantsIT {

    private static final String OPERATOR = Viewers.API_KEY;
    private static final String ACME = "acme";
    private static final String GLOBEX = "globex";
    private static final String INITECH = "initech";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static CapturedLogs logs;
    /** Key text by name: operator, none, and the per-account keys created through the CLI. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();
    static final Map<String, String> KEY_IDS = new HashMap<>();
    static final Map<String, String> JOBS = new HashMap<>();
    static long minute;

    @BeforeAll
    static void startSystemWithThreeAccounts() throws Exception {
        logs = new CapturedLogs();
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_TOKEN_SECRET", "a-shared-secret-of-at-least-32-bytes!");  // runs the sessions service too
        env.put("CCU_SESSIONS_PORT", "0");
        system = LocalSystem.start(new Env(env));
        minute = Viewers.minuteAgo(1);
        for (String account : List.of(ACME, GLOBEX, INITECH)) {
            String job = Viewers.randomHex32();
            JOBS.put(account, job);
            for (int viewer = 0; viewer < 2; viewer++) {
                beaconUntilAccepted("/" + Viewers.randomHex32() + "/" + job + "/" + Viewers.randomHex32() + "/" + account + "/"
                        + (minute + 10) + "/" + Side.SS.pathSuffix());
            }
        }
        KEYS.put("operator", OPERATOR);
        create("acme-counts", "--account", ACME, "--scope", "counts");
        create("acme-viewers", "--account", ACME, "--scope", "viewers");
        create("acme-admin", "--account", ACME, "--scope", "sessions-admin");
        create("globex-counts", "--account", GLOBEX, "--scope", "counts");
        create("everyone-counts", "--all-accounts", "--scope", "counts");
        // every audience the tests read is in the API (an account's and a job's counts may arrive a commit apart)
        String range = "&in=" + minute + "&out=" + (minute + 60);
        for (String account : List.of(ACME, GLOBEX, INITECH)) {
            awaitStatus(200, "/ccu/account?accountid=" + account + range, OPERATOR, body -> body.contains("\"ssccu\":2"));
            awaitStatus(200, "/ccu?jobid=" + JOBS.get(account) + "&accountid=" + account + range, OPERATOR,
                    body -> body.contains("\"ssccu\":2"));
        }
    }

    @AfterAll
    static void stopSystem() {
        system.close();
        String logged = logs.text();
        logs.close();
        KEYS.forEach((name, text) -> {
            if (!name.equals("operator")) {
                assertFalse(logged.contains(text), "key " + name + " is never logged");
            }
        });
    }

    @Test
    void everyRouteAnswersOnlyWithinTheKeysAccountsAndScopes() {
        String acmeRange = "&in=" + minute + "&out=" + (minute + 60);
        // route, then the expected status per key: operator, no key, acme-counts, acme-viewers, acme-admin,
        // globex-counts, everyone-counts
        Map<String, List<Integer>> table = new LinkedHashMap<>();
        table.put("/ccu/account?accountid=acme" + acmeRange, List.of(200, 401, 200, 403, 403, 403, 200));
        table.put("/ccu/account?accountid=globex" + acmeRange, List.of(200, 401, 403, 403, 403, 200, 200));
        table.put("/accounts", List.of(200, 401, 200, 403, 403, 200, 200));
        table.put("/jobs", List.of(200, 401, 200, 403, 403, 200, 200));
        // another account's job: 404 whether it exists or not, as for a job id nobody ever sent
        table.put("/ccu?jobid=" + JOBS.get(ACME) + acmeRange, List.of(200, 401, 200, 403, 403, 404, 200));
        table.put("/ccu?jobid=" + Viewers.randomHex32() + acmeRange, List.of(200, 401, 404, 403, 403, 404, 200));
        table.put("/ccu?jobid=" + JOBS.get(ACME) + "&accountid=acme" + acmeRange, List.of(200, 401, 200, 403, 403, 403, 200));
        table.put("/ccu/tracking?accountid=acme&trackingid=gold" + acmeRange, List.of(200, 401, 200, 403, 403, 403, 200));
        table.put("/tracking?accountid=globex", List.of(200, 401, 403, 403, 403, 200, 200));
        table.put("/viewers?jobid=" + JOBS.get(ACME) + acmeRange, List.of(200, 401, 403, 200, 403, 403, 403));
        // the same rule for the viewer report: another account's job is a 404, as for a job id nobody ever sent
        table.put("/viewers?jobid=" + JOBS.get(GLOBEX) + acmeRange, List.of(200, 401, 403, 404, 403, 403, 403));
        table.put("/viewers?jobid=" + Viewers.randomHex32() + acmeRange, List.of(200, 401, 403, 404, 403, 403, 403));
        table.put("/admin/keys", List.of(200, 401, 403, 403, 403, 403, 403));
        table.put("sessions:/api/v1/accounts/acme/concurrency", List.of(200, 401, 403, 403, 200, 403, 403));
        table.put("sessions:/api/v1/accounts/globex/concurrency", List.of(200, 401, 403, 403, 403, 403, 403));
        List<String> keyNames = List.of("operator", "none", "acme-counts", "acme-viewers", "acme-admin", "globex-counts",
                "everyone-counts");
        List<String> wrong = new ArrayList<>();
        table.forEach((route, statuses) -> {
            for (int i = 0; i < keyNames.size(); i++) {
                int status = get(route, keyNames.get(i).equals("none") ? null : KEYS.get(keyNames.get(i))).status();
                if (status != statuses.get(i)) {
                    wrong.add(route + " with " + keyNames.get(i) + ": " + status + ", expected " + statuses.get(i));
                }
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void listsAndReportsShowOnlyTheKeysAccounts() throws Exception {
        assertEquals(List.of(ACME), accountsListedFor("acme-counts"));
        assertEquals(List.of(GLOBEX), accountsListedFor("globex-counts"));
        assertEquals(List.of(ACME, GLOBEX, INITECH), accountsListedFor("everyone-counts"));
        assertEquals(List.of(ACME + "/" + JOBS.get(ACME)), jobsListedFor("acme-counts"));
        List<String> globexJobs = jobsListedFor("globex-counts");
        assertTrue(globexJobs.contains(GLOBEX + "/" + JOBS.get(GLOBEX)), globexJobs.toString());
        assertTrue(globexJobs.stream().allMatch(job -> job.startsWith(GLOBEX + "/")), "only globex's jobs: " + globexJobs);

        // viewer sessions reach the API through their own reader: waited for, as counted
        String report = awaitStatus(200, "/viewers?jobid=" + JOBS.get(ACME) + "&in=" + minute + "&out=" + (minute + 60),
                KEYS.get("acme-viewers"), body -> body.split("\"sessionid\"").length == 3).body();
        JsonNode rows = JSON.readTree(report);
        assertEquals(2, rows.size(), report);
        rows.forEach(row -> assertEquals(ACME, row.get("accountid").asText()));
    }

    @Test
    void aRefusalSaysWhichScopeOrAccountIsMissing() throws Exception {
        Http.Reply noScope = get("/viewers?jobid=" + JOBS.get(ACME), KEYS.get("acme-counts"));
        assertTrue(error(noScope).contains("lacks scope viewers"), noScope.body());
        Http.Reply otherAccount = get("/ccu/account?accountid=globex", KEYS.get("acme-counts"));
        assertTrue(error(otherAccount).contains("may not read account globex"), otherAccount.body());
    }

    @Test
    void eachUseIsCountedAndViewerDataReadsAreAudited() {
        String id = KEY_IDS.get("acme-viewers");
        assertEquals(200, get("/viewers?jobid=" + JOBS.get(ACME), KEYS.get("acme-viewers")).status());
        assertEquals(403, get("/viewers?jobid=" + JOBS.get(ACME), KEYS.get("acme-counts")).status());
        String bootstrap = system.broker().orElseThrow().bootstrapServers();
        List<AuditEntry> audited = Eventually.await(Duration.ofSeconds(30), "both viewer-report requests on the audit topic",
                () -> TopicContents.read(bootstrap, Topics.AUDIT).stream().map(ConsumerRecord::value)
                        .filter(entry -> entry.route().equals("/viewers")).toList(),
                entries -> entries.stream().anyMatch(e -> e.keyId().equals(id) && e.status() == 200)
                        && entries.stream().anyMatch(e -> e.keyId().equals(KEY_IDS.get("acme-counts")) && e.status() == 403));
        AuditEntry served = audited.stream().filter(e -> e.keyId().equals(id) && e.status() == 200).findFirst().orElseThrow();
        assertTrue(served.query().contains("jobid=" + JOBS.get(ACME)), served.toString());
        KEYS.values().forEach(text -> audited.forEach(entry -> assertFalse(entry.toString().contains(text), "never the key")));
        List<AuditEntry> all = TopicContents.read(bootstrap, Topics.AUDIT).stream().map(ConsumerRecord::value).toList();
        assertTrue(all.stream().anyMatch(e -> e.keyId().equals("operator") && e.route().equals("/admin/keys") && e.status() == 201),
                "the operator's key creations are audited too");

        String metrics = get("/metrics", null).body();
        assertTrue(Pattern.compile("ccu_api_key_requests_total\\{[^}]*key=\"" + id + "\"[^}]*route=\"/viewers\"[^}]*status=\"200\"")
                .matcher(metrics).find(), "counted per key id, route and status");
    }

    @Test
    void aRevokedKeyStopsWorkingOnEveryApiInstanceWithinFiveSeconds() throws Exception {
        String text = create("short-lived", "--account", INITECH, "--scope", "counts");
        String id = KEY_IDS.get("short-lived");
        String query = "/ccu/account?accountid=initech";
        Api second = startSecondApi();
        try {
            awaitStatus(200, query, text, body -> true);
            Eventually.await(Duration.ofSeconds(10), "the second instance knows the new key",
                    () -> Http.get(second.port(), query, "x-api-key", text).status(), status -> status == 200);
            assertTrue(cli("list").contains(id), "listed");

            String revoked = cli("revoke", id);
            assertTrue(revoked.contains("revoked key " + id), revoked);
            Eventually.await(Duration.ofSeconds(5), "both instances refuse the revoked key",
                    () -> List.of(get(query, text).status(), Http.get(second.port(), query, "x-api-key", text).status()),
                    statuses -> statuses.equals(List.of(401, 401)));
            assertFalse(cli("list").contains(id), "no longer listed");
        } finally {
            ServiceMain.await(second.stop());
        }
    }

    @Test
    void keysCannotBeMadeOrManagedWithoutTheOperatorKey() throws Exception {
        Http.Reply byTenant = Http.post(system.apiPort(), "/admin/keys",
                "{\"label\":\"x\",\"accounts\":[\"*\"],\"scopes\":[\"viewers\"]}", "content-type", "application/json",
                "x-api-key", KEYS.get("everyone-counts"));
        assertEquals(403, byTenant.status(), byTenant.body());
        Http.Reply badScope = Http.post(system.apiPort(), "/admin/keys",
                "{\"label\":\"x\",\"accounts\":[\"acme\"],\"scopes\":[\"everything\"]}", "content-type", "application/json",
                "x-api-key", OPERATOR);
        assertEquals(400, badScope.status());
        assertTrue(error(badScope).contains("'everything' is not one of counts, viewers, sessions-admin"), badScope.body());
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err);
        int exit = new CommandLine(new KeysMain()).setErr(errWriter)
                .execute("revoke", "nosuchkey123", "--api", "http://127.0.0.1:" + system.apiPort(), "--operator-key", OPERATOR);
        errWriter.flush();
        assertEquals(1, exit);
        assertTrue(err.toString().contains("answered 404: no API key nosuchkey123"), err.toString());
    }

    private static Api startSecondApi() {
        Map<String, String> env = new HashMap<>();
        env.put("CCU_API_PORT", "0");
        env.put("CCU_API_KEY", OPERATOR);
        env.put("CCU_API_STATE_DIR", dataDir.resolve("second-api").toString());
        ApiConfig config = ApiConfig.read(new Env(env), system.broker().orElseThrow().bootstrapServers());
        return ServiceMain.await(Api.start(system.vertx(), config, Metrics.newRegistry("api")));
    }

    /** {@code ./liveccu keys create --label NAME ARGS}; remembers the printed key and its id. */
    private static String create(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("create", "--label", name));
        command.addAll(List.of(args));
        String printed = cli(command.toArray(String[]::new));
        Matcher id = Pattern.compile("created key (\\w+) ").matcher(printed);
        Matcher text = Pattern.compile("(ccu_\\w+_[\\w-]+)").matcher(printed);
        assertTrue(id.find() && text.find(), printed);
        assertTrue(printed.contains("not shown again"), printed);
        KEYS.put(name, text.group(1));
        KEY_IDS.put(name, id.group(1));
        // the instance that wrote it knows it (answers anything but 401) once its own reader has it
        Eventually.await(Duration.ofSeconds(10), "the API knows key " + name, () -> get("/accounts", text.group(1)).status(),
                status -> status != 401);
        return text.group(1);
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--api", "http://127.0.0.1:" + system.apiPort(), "--operator-key", OPERATOR));
        PrintWriter outWriter = new PrintWriter(out);
        PrintWriter errWriter = new PrintWriter(err);
        int exit = new CommandLine(new KeysMain()).setOut(outWriter).setErr(errWriter).execute(command.toArray(String[]::new));
        outWriter.flush();
        errWriter.flush();
        assertEquals(0, exit, "keys " + command + ": " + out + err);
        return out.toString();
    }

    @Test
    void anotherAccountsBeaconsNamingAJobNeitherInflateNorRevealIt() throws Exception {
        String job = Viewers.randomHex32();
        String range = "&in=" + minute + "&out=" + (minute + 60);
        for (int viewer = 0; viewer < 2; viewer++) {
            beaconUntilAccepted("/" + Viewers.randomHex32() + "/" + job + "/" + Viewers.randomHex32() + "/" + INITECH + "/"
                    + (minute + 10) + "/" + Side.SS.pathSuffix());
        }
        beaconUntilAccepted("/" + Viewers.randomHex32() + "/" + job + "/" + Viewers.randomHex32() + "/" + GLOBEX + "/"
                + (minute + 20) + "/" + Side.SS.pathSuffix());
        // each account's own viewers, counted apart (waited for: counts arrive one commit after another)
        awaitStatus(200, "/ccu?jobid=" + job + "&accountid=" + INITECH + range, OPERATOR, body -> body.contains("\"ssccu\":2"));
        awaitStatus(200, "/ccu?jobid=" + job + range, KEYS.get("globex-counts"), body -> body.contains("\"ssccu\":1"));
        assertEquals(List.of(2L), ssccu(get("/ccu?jobid=" + job + "&accountid=" + INITECH + range, OPERATOR)), "initech's own two");
        assertEquals(List.of(1L), ssccu(get("/ccu?jobid=" + job + range, KEYS.get("globex-counts"))),
                "globex sees only its own beacon, not initech's viewers");
        // the operator sees the job in both accounts, and must say which
        Http.Reply ambiguous = get("/ccu?jobid=" + job + range, OPERATOR);
        assertEquals(400, ambiguous.status(), ambiguous.body());
        assertTrue(error(ambiguous).contains("has viewers in accounts globex, initech: give accountid"), ambiguous.body());
    }

    private static List<Long> ssccu(Http.Reply reply) throws Exception {
        assertEquals(200, reply.status(), reply.body());
        List<Long> counts = new ArrayList<>();
        JSON.readTree(reply.body()).forEach(row -> counts.add(row.get("ssccu").asLong()));
        return counts;
    }

    private List<String> jobsListedFor(String key) throws Exception {
        List<String> jobs = new ArrayList<>();
        JSON.readTree(get("/jobs", KEYS.get(key)).body())
                .forEach(row -> jobs.add(row.get("accountid").asText() + "/" + row.get("jobid").asText()));
        return jobs.stream().sorted().toList();
    }

    private List<String> accountsListedFor(String key) throws Exception {
        List<String> accounts = new ArrayList<>();
        JSON.readTree(get("/accounts", KEYS.get(key)).body()).forEach(row -> accounts.add(row.get("accountid").asText()));
        return accounts.stream().sorted().toList();
    }

    private static void beaconUntilAccepted(String path) {
        Eventually.await(Duration.ofSeconds(60), "beacon accepted", () -> Http.get(system.collectorPort(), path),
                reply -> reply.status() == 200);
    }

    private static Http.Reply awaitStatus(int status, String route, String key, java.util.function.Predicate<String> body) {
        return Eventually.await(Duration.ofSeconds(60), route + " answers " + status, () -> get(route, key),
                reply -> reply.status() == status && body.test(reply.body()));
    }

    /** GET on the API, or on the sessions service for a route starting {@code sessions:}; a null key sends none. */
    private static Http.Reply get(String route, String key) {
        boolean sessions = route.startsWith("sessions:");
        int port = sessions ? system.sessionsPort().orElseThrow() : system.apiPort();
        String path = sessions ? route.substring("sessions:".length()) : route;
        return key == null ? Http.get(port, path) : Http.get(port, path, "x-api-key", key);
    }

    private static String error(Http.Reply reply) throws Exception {
        return JSON.readTree(reply.body()).path("error").asText();
    }
}
