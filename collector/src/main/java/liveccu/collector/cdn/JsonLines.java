package liveccu.collector.cdn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What the NDJSON formats (Cloudflare, Fastly) share: one JSON object per line, fields read leniently by type. */
abstract class JsonLines implements LineParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public final Result parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return new Bad("not a JSON object");
        }
        return node != null && node.isObject() ? parse(node) : new Bad("not a JSON object");
    }

    abstract Result parse(JsonNode line);

    /** The field as text (a number's digits too), or null when absent, null, or not a single value. */
    static String text(JsonNode line, String field) {
        JsonNode value = line.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }

    /** The field as a whole number (also given as text), or -1. */
    static long number(JsonNode line, String field) {
        JsonNode value = line.get(field);
        if (value != null && value.isIntegralNumber()) {
            return value.asLong();
        }
        return value != null && value.isTextual() ? LogValues.bytes(value.asText()) : -1;
    }
}
