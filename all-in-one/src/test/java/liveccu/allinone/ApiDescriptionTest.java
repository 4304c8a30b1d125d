package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.networknt.schema.Error;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml on its own, without a running system: valid OpenAPI 3.1, each path's services named
 * the same way twice (servers and tags), every schema compiling; and the route comparison that
 * ApiDescriptionIT runs against the real services, on a router made here.
 */
class ApiDescriptionTest {

    private static final ApiDescription DESCRIPTION = ApiDescription.read();

    @Test
    void isValidOpenApi31() {
        List<Error> errors = ApiDescription.openApi31Schema().validate(DESCRIPTION.document());
        assertEquals(List.of(), errors.stream().map(e -> e.getInstanceLocation() + " " + e.getMessage()).toList());
        assertEquals("3.1.0", DESCRIPTION.document().path("openapi").asText());
    }

    @Test
    void theOpenApiSchemaRefusesAnInvalidDocument() throws Exception {
        JsonNode invalid = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"no version\"}, \"paths\": {\"/x\": {\"get\": {\"responses\": {\"200\": {}}}}}}");
        assertTrue(ApiDescription.openApi31Schema().validate(invalid).size() >= 2, "no info.version, a response without description");
    }

    @Test
    void anAnswerOrARequestThatDoesNotFitIsNamed() {
        ApiDescription.Operation ready = DESCRIPTION.find("aggregator", "GET", "/health/ready").orElseThrow();
        assertEquals(List.of(), DESCRIPTION.checkAnswer(ready, reply(503, "{\"status\":\"DOWN\",\"reason\":\"starting\"}")));
        assertEquals(1, DESCRIPTION.checkAnswer(ready, reply(200, "{\"status\":\"MAYBE\"}")).size());
        assertEquals(1, DESCRIPTION.checkAnswer(ready, reply(200, "{\"status\":\"UP\",\"since\":1}")).size());
        assertTrue(DESCRIPTION.checkAnswer(ready, reply(418, "{}")).get(0).startsWith("GET /health/ready answered 418"));

        ApiDescription.Operation ccu = DESCRIPTION.find("query API", "GET", "/ccu").orElseThrow();
        String job = "142bbf588a574e018de94136a664cfaf";
        assertEquals(List.of(), DESCRIPTION.checkRequest(ccu, "/ccu?jobid=" + job + "&in=1&interval=hour", Map.of(), null));
        assertEquals(3, DESCRIPTION.checkRequest(ccu, "/ccu?jobid=nope&in=soon&colour=red", Map.of(), null).size(),
                "a bad jobid, a bad in, an unknown parameter");
        assertEquals(1, DESCRIPTION.checkRequest(ccu, "/ccu", Map.of(), null).size(), "jobid missing");
        assertEquals(List.of(), DESCRIPTION.checkAnswer(ccu, reply(200, "[{\"jobid\":\"" + job + "\",\"accountid\":\"a\","
                + "\"time\":\"2026-11-23T12:00:00.000Z\",\"ssccu\":3,\"csccu\":2,\"last_rx_at\":\"2026-11-23T12:00:59.000Z\"}]",
                "cache-control", "no-store")));
        List<String> wrong = DESCRIPTION.checkAnswer(ccu, reply(200, "[{\"jobid\":\"" + job + "\","
                + "\"time\":\"at noon\",\"ssccu\":3,\"csccu\":2,\"last_rx_at\":\"2026-11-23T12:00:59.000Z\"}]",
                "cache-control", "public"));
        assertTrue(wrong.stream().anyMatch(problem -> problem.startsWith("GET /ccu 200: header Cache-Control: public")), wrong.toString());
        assertTrue(wrong.stream().anyMatch(problem -> problem.startsWith("GET /ccu 200: /0/time")), wrong.toString());

        ApiDescription.Operation file = DESCRIPTION.find("query API", "GET", "/app.js").orElseThrow();
        assertEquals("/{file}", file.path());
        assertEquals("/webjars/{path}", DESCRIPTION.find("query API", "HEAD", "/webjars/chart.js/4.4.1/dist/chart.umd.js")
                .orElseThrow().path());
        assertEquals("/openapi.yaml", DESCRIPTION.find("query API", "GET", "/openapi.yaml").orElseThrow().path());
    }

    private static Http.Reply reply(int status, String body, String... headers) {
        Map<String, List<String>> map = new java.util.HashMap<>(Map.of("content-type", List.of("application/json")));
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], List.of(headers[i + 1]));
        }
        return new Http.Reply(status, body, HttpHeaders.of(map, (name, value) -> true));
    }

    @Test
    void eachOperationIsTaggedWithTheServicesItsServersName() {
        Set<String> services = Set.copyOf(ApiDescription.defaultPorts().values());
        Set<String> operationIds = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (ApiDescription.Operation op : DESCRIPTION.operations()) {
            Set<String> tags = new TreeSet<>();
            op.node().path("tags").forEach(tag -> tags.add(tag.asText()));
            if (op.services().isEmpty() || !services.containsAll(op.services()) || !tags.equals(new TreeSet<>(op.services()))) {
                problems.add(op.name() + ": servers name " + op.services() + ", tags " + tags + " (services: " + services + ")");
            }
            if (!operationIds.add(op.node().path("operationId").asText())) {
                problems.add(op.name() + ": operationId " + op.node().path("operationId") + " twice");
            }
            if (!op.node().has("security")) {
                problems.add(op.name() + ": no security (say [] for none)");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everySettingItNamesIsInTheConfigurationReference() throws Exception {
        String reference = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "configuration.md"));
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("CCU_[A-Z0-9_]+")
                .matcher(java.nio.file.Files.readString(ApiDescription.FILE));
        Set<String> unknown = new TreeSet<>();
        while (names.find()) {
            if (!reference.contains("`" + names.group() + "`")) {
                unknown.add(names.group());
            }
        }
        assertEquals(Set.of(), unknown, "settings docs/openapi.yaml names that docs/configuration.md does not document");
    }

    @Test
    void everySchemaCompilesAndEveryReferenceResolves() {
        List<String> pointers = new ArrayList<>();
        collectSchemas(DESCRIPTION.document(), "", pointers);
        assertTrue(pointers.size() > 100, "schemas found: " + pointers.size());
        List<String> problems = new ArrayList<>();
        for (String pointer : pointers) {
            try {
                DESCRIPTION.schema(pointer).validate(NullNode.getInstance());  // resolves every $ref on the way
            } catch (RuntimeException e) {
                problems.add(pointer + ": " + e);
            }
        }
        assertEquals(List.of(), problems);
    }

    private static void collectSchemas(JsonNode node, String pointer, List<String> into) {
        node.properties().forEach(field -> {
            String child = pointer + "/" + ApiDescription.escape(field.getKey());
            if (field.getKey().equals("schema") && field.getValue().isObject()) {
                into.add(child);
            } else if (field.getValue().isContainerNode()) {
                collectSchemas(field.getValue(), child, into);
            }
        });
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectSchemas(node.get(i), pointer + "/" + i, into);
            }
        }
    }

    @Test
    void routesAreReadAsVertxHoldsThemAndEachDifferenceIsNamed() {
        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            router.route().handler(CorsHandler.create());
            router.get("/health/live").handler(ctx -> ctx.end());
            router.get("/health/ready").handler(ctx -> ctx.end());
            router.get("/qoe").handler(ctx -> ctx.end());
            router.delete("/admin/keys/:id").handler(ctx -> ctx.end());
            router.route("/webjars/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.end());
            router.routeWithRegex("/|/[^/]+\\.[a-z]+").method(HttpMethod.GET).handler(ctx -> ctx.end());
            Router sub = Router.router(vertx);
            sub.post("/things/:thing").handler(ctx -> ctx.end());
            router.route("/sub/*").subRouter(sub);
            router.route().failureHandler(ctx -> ctx.end());

            Set<String> served = ApiDescription.routesOf(router.getRoutes());
            assertEquals(new TreeSet<>(List.of("GET /health/live", "GET /health/ready", "GET /qoe", "DELETE /admin/keys/{id}",
                    "GET /webjars/*", "HEAD /webjars/*", "GET /|/[^/]+\\.[a-z]+", "POST /sub/things/{thing}")), served);

            Set<String> aggregator = ApiDescription.routesOf(List.copyOf(router.getRoutes()).subList(0, 4));
            assertEquals(List.of(
                    "GET /qoe is served by the aggregator but not described in docs/openapi.yaml: describe it there"
                            + " (how: the comment at the top of that file)",
                    "GET /metrics is described for the aggregator in docs/openapi.yaml but the aggregator does not serve it:"
                            + " remove it there, or fix its path, method or servers"),
                    ApiDescription.differences("aggregator", DESCRIPTION.routesOf("aggregator"), aggregator));
        } finally {
            vertx.close();
        }
    }
}
