package liveccu.api.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import liveccu.model.Ids;
import liveccu.model.ViewerSession;
import liveccu.ops.http.HttpFailure;

/**
 * What an operator asks to erase: every session of one viewer ({@code {"user_id": "…"}}) or one
 * session ({@code {"sessionid": "…"}}). Pure parsing of the request body, for unit tests (an
 * operator's request is rare: no shared parser is kept).
 */
public sealed interface ErasureRequest {

    /** As long as a token's {@code uid} may be. */
    int MAX_USER_ID_CHARS = 256;

    /** Every session whose viewer token named this user. */
    record ByUser(String userId) implements ErasureRequest {
        @Override
        public boolean matches(ViewerSession session) {
            return userId.equals(session.userId());
        }

        @Override
        public String by() {
            return "user_id";
        }
    }

    /** One session, normalised to 32 lower-case hex digits. */
    record BySession(String sessionId) implements ErasureRequest {
        @Override
        public boolean matches(ViewerSession session) {
            return sessionId.equals(session.sessionId());
        }

        @Override
        public String by() {
            return "sessionid";
        }
    }

    boolean matches(ViewerSession session);

    /** The field the request named, for logs (never its value: a user id is personal data). */
    String by();

    /**
     * @param body the request body as text, or null
     * @throws HttpFailure 400 with the reason when it is not exactly one of the two forms
     */
    static ErasureRequest parse(String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : new ObjectMapper().readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw badRequest("body must be a JSON object: {\"user_id\": \"…\"} or {\"sessionid\": \"…\"}");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Set.of("user_id", "sessionid").contains(name)) {
                throw badRequest("unknown field " + name + ": give either user_id or sessionid");
            }
        }
        if (json.has("user_id") == json.has("sessionid")) {
            throw badRequest("give either user_id or sessionid");
        }
        if (json.has("user_id")) {
            JsonNode userId = json.get("user_id");
            if (!userId.isTextual() || userId.asText().isEmpty() || userId.asText().length() > MAX_USER_ID_CHARS) {
                throw badRequest("user_id must be a string of 1 to " + MAX_USER_ID_CHARS + " characters");
            }
            return new ByUser(userId.asText());
        }
        JsonNode sessionId = json.get("sessionid");
        String normalised = sessionId.isTextual() ? Ids.normaliseHex32(sessionId.asText()) : null;
        if (normalised == null) {
            throw badRequest("sessionid must be 32 hex digits");
        }
        return new BySession(normalised);
    }

    private static HttpFailure badRequest(String reason) {
        return new HttpFailure(400, reason);
    }

}
