package liveccu.tokens;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import liveccu.ops.config.Env;

/**
 * How viewer tokens are verified, from environment variables (defaults in brackets):
 *
 * <ul>
 *   <li>{@code CCU_TOKEN_SECRET} [unset] — shared secret for HS256 tokens, used as its UTF-8 text,
 *       at least 32 bytes</li>
 *   <li>{@code CCU_TOKEN_PUBLIC_KEYS} [unset] — comma-separated files of registered public keys for
 *       RS256 / ES256 tokens: a JWK set ({@code .json}, keys selected by {@code kid}) or one PEM
 *       public key (its {@code kid} is the file name without extension)</li>
 *   <li>{@code CCU_TOKEN_CLOCK_SKEW_S} [60] — allowance for clocks when checking exp, nbf and iat</li>
 * </ul>
 */
public record TokenSettings(Optional<String> secret, List<Path> publicKeyFiles, Duration clockSkew) {

    /** HS256 needs a 256-bit key (RFC 7518 §3.2). */
    static final int MIN_SECRET_BYTES = 32;

    public static TokenSettings read(Env env) {
        Optional<String> secret = env.optional("CCU_TOKEN_SECRET");
        if (secret.isPresent() && secret.get().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            env.error("CCU_TOKEN_SECRET must be at least " + MIN_SECRET_BYTES + " bytes (HS256 needs a 256-bit key)");
        }
        List<Path> keyFiles = env.optional("CCU_TOKEN_PUBLIC_KEYS")
                .map(files -> Arrays.stream(files.split(",")).map(String::trim).filter(f -> !f.isEmpty()).map(Path::of).toList())
                .orElse(List.of());
        return new TokenSettings(secret, keyFiles,
                env.duration("CCU_TOKEN_CLOCK_SKEW_S", Duration.ofSeconds(60), ChronoUnit.SECONDS, Duration.ofHours(1)));
    }

    public static TokenSettings none() {
        return new TokenSettings(Optional.empty(), List.of(), Duration.ofSeconds(60));
    }

    /** True when tokens can be verified at all. */
    public boolean hasKeys() {
        return secret.isPresent() || !publicKeyFiles.isEmpty();
    }

    /** Never print the secret. */
    @Override
    public String toString() {
        return "TokenSettings[secret=" + (secret.isPresent() ? "<set>" : "<unset>") + ", publicKeyFiles=" + publicKeyFiles
                + ", clockSkew=" + clockSkew + "]";
    }
}
