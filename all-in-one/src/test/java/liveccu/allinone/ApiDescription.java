package liveccu.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.Dialects;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liveccu.aggregator.AggregatorConfig;
import liveccu.api.ApiConfig;
import liveccu.api.openapi.OpenApiRoutes;
import liveccu.collector.CollectorConfig;
import liveccu.ops.config.Env;
import liveccu.sessions.SessionsConfig;
import liveccu.testsupport.Http;

/**
 * docs/openapi.yaml as the tests read it: its operations and the services that serve each, the routes
 * they stand for (to compare with what the services' routers hold), and checks of real requests and
 * answers against its parameters and schemas, by a JSON Schema 2020-12 validator in OpenAPI 3.1's dialect.
 *
 * <p>A path's {@code servers} say which services serve it, by their default ports as each service's
 * configuration reads them; {@code x-vertx-route} names the route of a path Vert.x matches by regex or
 * wildcard.
 */
final class ApiDescription {

    /** The file, from all-in-one's directory (where Maven runs its tests). */
    static final Path FILE = Path.of("..", "docs", "openapi.yaml");
    /** The same file as the query API's build copied it: what the schemas' references resolve against. */
    private static final String IRI = "classpath:" + OpenApiRoutes.RESOURCE;
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One operation: a method on a path, and the services that serve it. */
    record Operation(String method, String path, Set<String> services, JsonNode node, JsonNode pathItem) {

        String name() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }

        /** The route Vert.x registers for it: its x-vertx-route, or its path. */
        String route() {
            return pathItem.path("x-vertx-route").asText(path);
        }
    }

    private final JsonNode doc;
    private final List<Operation> operations;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private ApiDescription(JsonNode doc) {
        this.doc = doc;
        Map<Integer, String> servicesByPort = defaultPorts();
        List<Operation> all = new ArrayList<>();
        doc.path("paths").properties().forEach(path -> {
            Set<String> services = new LinkedHashSet<>();
            path.getValue().path("servers").forEach(server -> {
                int port = URI.create(server.path("url").asText()).getPort();
                services.add(servicesByPort.getOrDefault(port, "a service on port " + port));
            });
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    all.add(new Operation(method, path.getKey(), services, path.getValue().get(method), path.getValue()));
                }
            }
        });
        this.operations = List.copyOf(all);
        this.registry = SchemaRegistry.withDialect(Dialects.getOpenApi31(),
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    static ApiDescription read() {
        try {
            return new ApiDescription(new YAMLMapper().readTree(Files.readAllBytes(FILE)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode document() {
        return doc;
    }

    List<Operation> operations() {
        return operations;
    }

    /** Each service by the port its configuration defaults to (as the description's servers name them). */
    static Map<Integer, String> defaultPorts() {
        Env env = new Env(Map.of());
        String kafka = "127.0.0.1:9092";
        return Map.of(
                CollectorConfig.read(env, kafka).port(), "collector",
                ApiConfig.read(env, kafka).port(), "query API",
                AggregatorConfig.read(env, kafka).port(), "aggregator",
                SessionsConfig.read(env, kafka).port(), "sessions service");
    }

    // ------------------------------------------------------------------ routes

    /** The routes the description says a service serves: {@code METHOD route}. */
    SortedSet<String> routesOf(String service) {
        SortedSet<String> routes = new TreeSet<>();
        operations.stream().filter(op -> op.services().contains(service))
                .forEach(op -> routes.add(op.method().toUpperCase(Locale.ROOT) + " " + op.route()));
        return routes;
    }

    /**
     * A router's routes the same way: {@code :name} written {@code {name}}, a prefix route with its
     * {@code *}, a regex route by its regex, sub-routers under their mount point. Routes without a path
     * (CORS, body and failure handlers for every request) serve no resource and are left out.
     */
    static SortedSet<String> routesOf(List<Route> routes) {
        SortedSet<String> described = new TreeSet<>();
        addRoutes(routes, "", described);
        return described;
    }

    private static void addRoutes(List<Route> routes, String prefix, SortedSet<String> into) {
        for (Route route : routes) {
            String path;
            if (route.getPath() != null) {
                path = prefix + route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}") + (route.isExactPath() ? "" : "*");
            } else if (route.isRegexPath()) {
                path = prefix + route.getName();
            } else {
                continue;  // for every request: CORS, failure handler
            }
            if (route.getSubRouter() != null) {
                addRoutes(route.getSubRouter().getRoutes(), path.endsWith("*") ? path.substring(0, path.length() - 2) : path, into);
                continue;
            }
            Set<HttpMethod> methods = route.methods();
            if (methods == null || methods.isEmpty()) {
                into.add("ANY-METHOD " + path);
            } else {
                methods.forEach(method -> into.add(method.name() + " " + path));
            }
        }
    }

    /** What differs between the routes a service serves and those described for it, one message each. */
    static List<String> differences(String service, Set<String> described, Set<String> served) {
        List<String> problems = new ArrayList<>();
        served.stream().filter(route -> !described.contains(route)).forEach(route -> problems.add(
                route + " is served by the " + service + " but not described in docs/openapi.yaml: describe it there"
                        + " (how: the comment at the top of that file)"));
        described.stream().filter(route -> !served.contains(route)).forEach(route -> problems.add(
                route + " is described for the " + service + " in docs/openapi.yaml but the " + service
                        + " does not serve it: remove it there, or fix its path, method or servers"));
        return problems;
    }

    // ------------------------------------------------------------------ finding an operation

    /** The operation a request to a service asks for: the one whose path matches with the most literal characters. */
    Optional<Operation> find(String service, String method, String path) {
        return operations.stream()
                .filter(op -> op.services().contains(service) && op.method().equalsIgnoreCase(method))
                .filter(op -> template(op).matcher(path).matches())
                .max(Comparator.comparingInt(op -> op.path().replaceAll("\\{[^}]+}", "").length()));
    }

    /** A path template as a regex; the last parameter of a wildcard route ({@code /webjars/*}) takes slashes too. */
    private static Pattern template(Operation op) {
        boolean wildcard = op.route().endsWith("*");
        Matcher params = Pattern.compile("\\{([^}]+)}").matcher(op.path());
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (params.find()) {
            regex.append(Pattern.quote(op.path().substring(last, params.start())));
            boolean isLast = params.end() == op.path().length();
            regex.append("(?<").append(groupName(params.group(1))).append(">").append(wildcard && isLast ? ".+" : "[^/]+").append(")");
            last = params.end();
        }
        regex.append(Pattern.quote(op.path().substring(last)));
        return Pattern.compile(regex.toString());
    }

    private static String groupName(String param) {
        return "p" + param.replaceAll("[^A-Za-z0-9]", "");
    }

    // ------------------------------------------------------------------ checking requests

    /**
     * What is wrong with a request as the description has it: a path parameter, query parameter or JSON
     * body that does not fit, a required parameter missing, a query parameter it does not name.
     */
    List<String> checkRequest(Operation op, String pathAndQuery, Map<String, String> headers, String body) {
        List<String> problems = new ArrayList<>();
        URI uri = URI.create(pathAndQuery);
        Map<String, String> query = query(uri.getRawQuery());
        Matcher path = template(op).matcher(uri.getRawPath());
        if (!path.matches()) {
            return List.of(pathAndQuery + " is not " + op.path());
        }
        Set<String> named = new LinkedHashSet<>(securityQueryNames(op));
        List<String> parameters = new ArrayList<>();
        JsonNode shared = op.pathItem().path("parameters");
        for (int i = 0; i < shared.size(); i++) {
            parameters.add(pointerOf(shared.get(i), "/paths/" + escape(op.path()) + "/parameters/" + i));
        }
        JsonNode own = op.node().path("parameters");
        for (int i = 0; i < own.size(); i++) {
            parameters.add(pointerOf(own.get(i), pointerOf(op) + "/parameters/" + i));
        }
        for (String pointer : parameters) {
            JsonNode parameter = at(pointer);
            String name = parameter.path("name").asText();
            String in = parameter.path("in").asText();
            String value = switch (in) {
                case "path" -> URLDecoder.decode(path.group(groupName(name)), StandardCharsets.UTF_8);
                case "query" -> query.get(name);
                case "header" -> headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                default -> null;
            };
            if (in.equals("query")) {
                named.add(name);
            }
            if (value == null) {
                if (parameter.path("required").asBoolean()) {
                    problems.add(op.name() + ": required " + in + " parameter " + name + " missing from " + pathAndQuery);
                }
                continue;
            }
            for (Error error : schema(pointer + "/schema").validate(asInstance(value, resolve(parameter.path("schema"))))) {
                problems.add(op.name() + ": " + in + " parameter " + name + "=" + value + ": " + error.getMessage());
            }
        }
        query.keySet().stream().filter(name -> !named.contains(name))
                .forEach(name -> problems.add(op.name() + ": query parameter " + name + " is not described"));
        String type = headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("content-type"))
                .map(h -> mediaType(h.getValue())).findFirst().orElse(null);
        String requestBody = pointerOf(op.node().path("requestBody"), pointerOf(op) + "/requestBody");
        if (body != null && !at(requestBody).isMissingNode()) {
            JsonNode content = at(requestBody).path("content");
            if (type == null || !content.has(type)) {
                problems.add(op.name() + ": request body as " + type + ", described as " + names(content));
            } else if (type.equals("application/json")) {
                String pointer = requestBody + "/content/" + escape(type) + "/schema";
                validateJson(op.name() + " request body", pointer, body, problems);
            }
        }
        return problems;
    }

    private Set<String> securityQueryNames(Operation op) {
        Set<String> names = new LinkedHashSet<>();
        op.node().path("security").forEach(requirement -> requirement.fieldNames().forEachRemaining(scheme -> {
            JsonNode definition = doc.path("components").path("securitySchemes").path(scheme);
            if (definition.path("in").asText().equals("query")) {
                names.add(definition.path("name").asText());
            }
        }));
        return names;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    /** A parameter's text as the JSON value its schema types it: a number for an integer, else text. */
    private static JsonNode asInstance(String value, JsonNode schema) {
        String type = schema.path("type").asText();
        if (type.equals("integer") || type.equals("number")) {
            try {
                return JSON.readTree(value.trim()).isNumber() ? JSON.readTree(value.trim()) : JsonNodeFactory.instance.textNode(value);
            } catch (IOException e) {
                return JsonNodeFactory.instance.textNode(value);
            }
        }
        return JsonNodeFactory.instance.textNode(value);
    }

    // ------------------------------------------------------------------ checking answers

    /**
     * What is wrong with an answer as the description has it: a status it does not describe, another
     * content type, a body that does not validate against the schema (a CSV's columns: against the
     * JSON rows' properties), a required header missing, a header that does not fit.
     */
    List<String> checkAnswer(Operation op, Http.Reply reply) {
        List<String> problems = new ArrayList<>();
        String status = Integer.toString(reply.status());
        JsonNode responses = op.node().path("responses");
        if (!responses.has(status)) {
            return List.of(op.name() + " answered " + status + " (" + abbreviate(reply.body()) + "), which is not described (described: "
                    + names(responses) + ")");
        }
        String response = pointerOf(responses.get(status), pointerOf(op) + "/responses/" + status);
        String what = op.name() + " " + status;
        at(response).path("headers").properties().forEach(header -> {
            String pointer = pointerOf(header.getValue(), response + "/headers/" + escape(header.getKey()));
            String value = reply.header(header.getKey());
            if (value == null) {
                if (at(pointer).path("required").asBoolean()) {
                    problems.add(what + ": header " + header.getKey() + " missing");
                }
                return;
            }
            for (Error error : schema(pointer + "/schema").validate(JsonNodeFactory.instance.textNode(value))) {
                problems.add(what + ": header " + header.getKey() + ": " + value + ": " + error.getMessage());
            }
        });
        JsonNode content = at(response).path("content");
        boolean head = op.method().equals("head");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!reply.body().isEmpty()) {
                problems.add(what + ": described without a body, answered " + abbreviate(reply.body()));
            }
            return problems;
        }
        String type = reply.header("content-type") == null ? null : mediaType(reply.header("content-type"));
        if (type == null || !content.has(type)) {
            problems.add(what + ": answered as " + type + ", described as " + names(content));
            return problems;
        }
        if (head) {
            return problems;
        }
        String schema = response + "/content/" + escape(type) + "/schema";
        if (type.equals("application/json")) {
            validateJson(what, schema, reply.body(), problems);
        } else if (type.equals("text/csv")) {
            Set<String> columns = jsonRowProperties(response + "/content/application~1json/schema");
            String header = reply.body().lines().findFirst().orElse("");
            for (String column : header.split(",")) {
                if (!columns.contains(column.replace("\"", ""))) {
                    problems.add(what + ": CSV column " + column + " is not a property of the JSON rows (" + columns + ")");
                }
            }
        } else if (resolve(at(schema)).path("type").asText().equals("string")) {
            for (Error error : schema(schema).validate(JsonNodeFactory.instance.textNode(reply.body()))) {
                problems.add(what + ": " + error.getMessage());
            }
        }
        return problems;
    }

    private void validateJson(String what, String pointer, String text, List<String> problems) {
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (IOException e) {
            problems.add(what + ": not JSON: " + abbreviate(text));
            return;
        }
        for (Error error : schema(pointer).validate(body)) {
            problems.add(what + ": " + error.getInstanceLocation() + " " + error.getMessage() + " in " + abbreviate(text));
        }
    }

    /**
     * The properties an array's rows may have (through $ref and allOf); of an object's array named by its
     * {@code x-csv-rows} when the CSV holds that array's rows (a breakdown's values).
     */
    private Set<String> jsonRowProperties(String pointer) {
        JsonNode schema = resolve(at(pointer));
        if (schema.has("x-csv-rows")) {
            schema = resolve(schema.path("properties").path(schema.path("x-csv-rows").asText()));
        }
        JsonNode rows = resolve(schema.path("items"));
        Set<String> properties = new LinkedHashSet<>();
        collectProperties(rows, properties);
        return properties;
    }

    private void collectProperties(JsonNode schema, Set<String> into) {
        schema.path("properties").fieldNames().forEachRemaining(into::add);
        for (String composition : List.of("allOf", "oneOf", "anyOf")) {
            schema.path(composition).forEach(part -> collectProperties(resolve(part), into));
        }
    }

    // ------------------------------------------------------------------ the document

    /** The schema at a JSON pointer into the document, compiled once, its references resolved against the document. */
    Schema schema(String pointer) {
        return schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(IRI + "#" + fragment(p))));
    }

    /** A JSON pointer written into an IRI's fragment: braces and other characters percent-encoded. */
    private static String fragment(String pointer) {
        StringBuilder fragment = new StringBuilder();
        for (char c : pointer.toCharArray()) {
            if (Character.isLetterOrDigit(c) || "/~-._".indexOf(c) >= 0) {
                fragment.append(c);
            } else {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    fragment.append('%').append(String.format("%02X", b));
                }
            }
        }
        return fragment.toString();
    }

    JsonNode at(String pointer) {
        return doc.at(pointer);
    }

    /** The node itself, or the one its {@code $ref} names. */
    JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? resolve(at(node.get("$ref").asText().substring(1))) : node;
    }

    private static String pointerOf(Operation op) {
        return "/paths/" + escape(op.path()) + "/" + op.method();
    }

    /** Where a node's {@code $ref} points, or {@code here} when it has none. */
    private String pointerOf(JsonNode node, String here) {
        return node.has("$ref") ? pointerOf(at(node.get("$ref").asText().substring(1)), node.get("$ref").asText().substring(1)) : here;
    }

    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static String names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    /**
     * The OpenAPI 3.1 schema (with its dialect for the Schema Objects) from the test's classpath: the OpenAPI
     * Initiative's files of 2022-10-07 (https://spec.openapis.org/oas/3.1/, Apache License 2.0) under oas/3.1/.
     */
    static Schema openApi31Schema() {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                        builder -> builder.schemaIdResolvers(resolvers -> resolvers.mapPrefix("https://spec.openapis.org/oas/3.1",
                                "classpath:oas/3.1")))
                .getSchema(SchemaLocation.of("https://spec.openapis.org/oas/3.1/schema-base/2022-10-07"));
    }
}
