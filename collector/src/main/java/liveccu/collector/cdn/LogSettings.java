package liveccu.collector.cdn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import liveccu.model.Ids;
import liveccu.ops.config.Env;

/**
 * The CDN log intake's settings, from environment variables (defaults in brackets):
 *
 * <ul>
 *   <li>{@code CCU_LOG_SOURCES} [unset: the intake answers 404] — the log sources, comma-separated, each
 *       {@code name:format:accountid[:zone]}: a name of 1-64 of {@code A-Z a-z 0-9 . _ -}, a format
 *       ({@code cloudflare}, {@code fastly}, {@code combined}, {@code cloudfront}), the account its requests
 *       belong to, and its distribution zone (default: the name)</li>
 *   <li>{@code CCU_LOG_SOURCE_TOKENS} [required for each source] — {@code name=token,…}: the secret each source
 *       sends in {@code X-CCU-Log-Token}, at least 16 characters, no comma</li>
 *   <li>{@code CCU_LOG_MAX_BODY_MB} [16] — largest batch as sent (compressed or not); over → 413</li>
 *   <li>{@code CCU_LOG_MAX_INFLATED_MB} [64] — largest batch once decompressed; over → 413</li>
 *   <li>{@code CCU_LOG_MAX_LINES} [200000] — most lines per batch; over → 413</li>
 *   <li>{@code CCU_FASTLY_SERVICE_IDS} [unset: {@code *}, any service] — the Fastly service ids whose SHA-256 the
 *       collector answers Fastly's logging challenge with ({@code GET /.well-known/fastly/logging/challenge}, served
 *       when a {@code fastly} source is configured); each batch is still checked against its source's token</li>
 *   <li>{@code CCU_LOG_BATCHES_IN_FLIGHT} [2] — batches one collector reads, parses and publishes at once
 *       (each holds its body in memory); more → 503 with Retry-After, and the sender retries</li>
 * </ul>
 */
public record LogSettings(Map<String, LogSource> sources, int maxBodyBytes, int maxInflatedBytes, int maxLines,
                          int batchesInFlight, List<String> fastlyServiceIds) {

    public static final int MIN_TOKEN_LENGTH = 16;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    public static LogSettings defaults() {
        return new LogSettings(Map.of(), 16 << 20, 64 << 20, 200_000, 2, List.of());
    }

    public static LogSettings read(Env env) {
        Map<String, String> tokens = tokens(env);
        Map<String, LogSource> sources = new LinkedHashMap<>();
        for (String entry : env.string("CCU_LOG_SOURCES", "").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split(":", -1);
            Optional<LogFormat> format = parts.length >= 3 ? LogFormat.fromWire(parts[1]) : Optional.empty();
            String name = parts[0].trim();
            if (parts.length < 3 || parts.length > 4 || !NAME.matcher(name).matches() || format.isEmpty()
                    || !Ids.isAccountId(parts[2].trim()) || (parts.length == 4 && !ZONE.matcher(parts[3].trim()).matches())) {
                env.error("CCU_LOG_SOURCES entry '" + entry.trim() + "' is not name:format:accountid[:zone] (a name of 1-64 of"
                        + " [A-Za-z0-9._-]; a format of cloudflare, fastly, combined, cloudfront; an account id of 1-64 of"
                        + " [A-Za-z0-9._-]; a zone of 1-128 of those)");
                continue;
            }
            String token = tokens.remove(name);
            if (token == null) {
                env.error("log source " + name + " has no token: add " + name + "=<token> to CCU_LOG_SOURCE_TOKENS");
                continue;
            }
            String zone = parts.length == 4 ? parts[3].trim() : name;
            if (sources.put(name, new LogSource(name, format.get(), parts[2].trim(), zone, token)) != null) {
                env.error("CCU_LOG_SOURCES names source " + name + " twice");
            }
        }
        tokens.keySet().forEach(name -> env.error("CCU_LOG_SOURCE_TOKENS names " + name + ", which is not in CCU_LOG_SOURCES"));
        return new LogSettings(Map.copyOf(sources),
                env.integer("CCU_LOG_MAX_BODY_MB", 16, 1, 1024) << 20,
                env.integer("CCU_LOG_MAX_INFLATED_MB", 64, 1, 1024) << 20,
                env.integer("CCU_LOG_MAX_LINES", 200_000, 1, 10_000_000),
                env.integer("CCU_LOG_BATCHES_IN_FLIGHT", 2, 1, 64),
                Arrays.stream(env.string("CCU_FASTLY_SERVICE_IDS", "").split(",")).map(String::trim).filter(id -> !id.isEmpty()).toList());
    }

    /** Errors name the entry's position, never its text: a malformed entry may be (part of) a token. */
    private static Map<String, String> tokens(Env env) {
        Map<String, String> tokens = new HashMap<>();
        String[] entries = env.string("CCU_LOG_SOURCE_TOKENS", "").split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            if (entry.isEmpty()) {
                continue;
            }
            int equals = entry.indexOf('=');
            String name = equals < 0 ? "" : entry.substring(0, equals).trim();
            String token = equals < 0 ? "" : entry.substring(equals + 1).trim();
            if (!NAME.matcher(name).matches() || token.length() < MIN_TOKEN_LENGTH) {
                env.error("CCU_LOG_SOURCE_TOKENS entry " + (i + 1) + " is not name=token (a source name, then a token of at least "
                        + MIN_TOKEN_LENGTH + " characters without a comma)");
            } else if (tokens.put(name, token) != null) {
                env.error("CCU_LOG_SOURCE_TOKENS names source " + name + " twice");
            }
        }
        return tokens;
    }

    /** Never print the tokens (each source's toString hides its own). */
    @Override
    public String toString() {
        return "LogSettings[sources=" + sources.values() + ", maxBodyBytes=" + maxBodyBytes + ", maxInflatedBytes="
                + maxInflatedBytes + ", maxLines=" + maxLines + ", batchesInFlight=" + batchesInFlight + ", fastlyServiceIds="
                + fastlyServiceIds + "]";
    }
}
