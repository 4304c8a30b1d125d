package liveccu.access.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./liveccu keys create|list|revoke}: manages per-account API keys through a running query
 * API's operator endpoint ({@code /admin/keys}), with the operator key from CCU_API_KEY.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {KeysMain.Create.class, KeysMain.ListKeys.class, KeysMain.Revoke.class},
        description = {"Creates, lists and revokes per-account API keys on a running query API.",
                "Exit status 0 on success, 1 when the API refused or could not be reached, 2 for a usage error."})
public final class KeysMain {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Option(names = "--api", defaultValue = "${env:CCU_API_URL:-http://localhost:8081}",
            description = "query API URL (default: $CCU_API_URL or http://localhost:8081)", scope = CommandLine.ScopeType.INHERIT)
    URI api;
    @Option(names = "--operator-key", defaultValue = "${env:CCU_API_KEY}",
            description = "the operator key (default: $CCU_API_KEY)", scope = CommandLine.ScopeType.INHERIT)
    String operatorKey;
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new KeysMain()).execute(args));
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Creates a key and prints it once (only its hash is kept).")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        KeysMain keys;
        @Option(names = "--label", required = true, description = "who holds it, e.g. \"acme dashboard\"")
        String label;
        @Option(names = "--account", split = ",", description = "an account it may read (repeat, or a,b,c)")
        List<String> accounts;
        @Option(names = "--all-accounts", description = "it reads every account")
        boolean allAccounts;
        @Option(names = "--scope", split = ",", required = true,
                description = "what it may do: counts, viewers, sessions-admin (repeat, or a,b)")
        List<String> scopes;
        @Option(names = "--expires-in-days", description = "it stops working after this many days (default: never)")
        Double expiresInDays;

        @Override
        public Integer call() throws Exception {
            if (allAccounts == (accounts != null && !accounts.isEmpty())) {
                throw new CommandLine.ParameterException(new CommandLine(this), "give --account (one or more) or --all-accounts");
            }
            ObjectNode body = JSON.createObjectNode().put("label", label);
            body.putArray("accounts").addAll(allAccounts ? List.of(JSON.getNodeFactory().textNode("*"))
                    : accounts.stream().map(JSON.getNodeFactory()::textNode).toList());
            body.putArray("scopes").addAll(scopes.stream().map(JSON.getNodeFactory()::textNode).toList());
            if (expiresInDays != null) {
                body.put("expires_in_days", expiresInDays);
            }
            JsonNode created = keys.send("POST", "/admin/keys", JSON.writeValueAsString(body));
            if (created == null) {
                return 1;
            }
            PrintWriter out = keys.out();
            out.println("created key " + created.path("id").asText() + " (" + created.path("label").asText() + ")");
            out.println("  accounts: " + join(created.path("accounts")) + "   scopes: " + join(created.path("scopes"))
                    + "   expires: " + (created.path("expires_at").isNull() ? "never" : created.path("expires_at").asText()));
            out.println();
            out.println("  " + created.path("key").asText());
            out.println();
            out.println("Store it now: it is not shown again. Clients send it as header x-api-key.");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every key (never their text).")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        KeysMain keys;

        @Override
        public Integer call() throws Exception {
            JsonNode all = keys.send("GET", "/admin/keys", null);
            if (all == null) {
                return 1;
            }
            PrintWriter out = keys.out();
            out.printf("%-12s  %-24s  %-24s  %-28s  %-20s  %s%n", "ID", "LABEL", "ACCOUNTS", "SCOPES", "CREATED", "EXPIRES");
            for (JsonNode key : all) {
                out.printf("%-12s  %-24s  %-24s  %-28s  %-20s  %s%n", key.path("id").asText(), key.path("label").asText(),
                        join(key.path("accounts")), join(key.path("scopes")), key.path("created_at").asText(),
                        key.path("expires_at").isNull() ? "never"
                                : key.path("expires_at").asText() + (key.path("expired").asBoolean() ? " (expired)" : ""));
            }
            if (all.isEmpty()) {
                out.println("(no per-account keys; the operator key is CCU_API_KEY)");
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revokes a key: every API and sessions instance refuses it within seconds.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        KeysMain keys;
        @Parameters(paramLabel = "ID", description = "the key's id (from list)")
        String id;

        @Override
        public Integer call() throws Exception {
            JsonNode revoked = keys.send("DELETE", "/admin/keys/" + id, null);
            if (revoked == null) {
                return 1;
            }
            keys.out().println("revoked key " + id);
            return 0;
        }
    }

    /** The API's JSON answer, or null after printing why there is none. */
    JsonNode send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        if (operatorKey != null && !operatorKey.isEmpty()) {
            request.header("x-api-key", operatorKey);
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            err().println("nothing answers at " + api + " (the query API): start it with ./liveccu, or give --api");
            return null;
        } catch (HttpTimeoutException e) {
            err().println("the query API at " + api + " did not answer within " + TIMEOUT.toSeconds() + " s");
            return null;
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            answer = null;
        }
        if (response.statusCode() / 100 != 2 || answer == null) {
            String reason = answer != null && answer.has("error") ? answer.get("error").asText() : response.body();
            err().println("the query API answered " + response.statusCode() + ": " + reason
                    + (response.statusCode() == 401 ? " (set CCU_API_KEY to the operator key, or give --operator-key)" : ""));
            return null;
        }
        return answer;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private static String join(JsonNode array) {
        StringBuilder text = new StringBuilder();
        array.forEach(item -> text.append(text.length() == 0 ? "" : ",").append(item.asText()));
        return text.toString();
    }
}
