package liveccu.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks viewer tokens (JWT): signature with the registered keys (nimbus-jose-jwt does the JOSE
 * work), then the claims we use, then the dates.
 *
 * <p>A player sends the same token with every heartbeat, so the outcome of parsing and verifying a
 * token is cached by its text; only the dates are checked on every use, since time moves on. The
 * cache is bounded by the characters it holds, and caches refusals too, so a flood of one forged
 * token costs one signature check.
 *
 * <p>Messages never contain the token or any part of it: they are sent back and logged.
 */
public final class ViewerTokens {

    public static final int MAX_TOKEN_CHARS = 4096;
    static final int MAX_TRACKING_ID_CHARS = 128;
    static final int MAX_VIEWER_DATA_CHARS = 1024;
    static final int MAX_ID_CLAIM_CHARS = 256;
    private static final long CACHE_CHARS = 16L * 1024 * 1024;

    private final RegisteredKeys keys;
    private final Duration clockSkew;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final Cache<String, TokenCheck> checked = Caffeine.newBuilder()
            .maximumWeight(CACHE_CHARS)
            .weigher((String token, TokenCheck check) -> token.length())
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    public ViewerTokens(TokenSettings settings) {
        this.keys = RegisteredKeys.load(settings);
        this.clockSkew = settings.clockSkew();
        if (keys.isEmpty()) {
            this.processor = null;
        } else {
            this.processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(keys.algorithms(), new ImmutableJWKSet<>(keys.keys())));
            processor.setJWSTypeVerifier((type, context) -> { });  // any "typ": the signature is what counts
            processor.setJWTClaimsSetVerifier((claims, context) -> { });  // dates per use, below: outcomes are cached
        }
    }

    /** True when keys are registered, so tokens can be verified rather than only read. */
    public boolean canVerify() {
        return processor != null;
    }

    /** Verifies the token's signature with the registered keys, then its claims and dates at {@code now}. */
    public TokenCheck verify(String token, Instant now) {
        if (!canVerify()) {
            throw new IllegalStateException("no keys registered: set CCU_TOKEN_SECRET or CCU_TOKEN_PUBLIC_KEYS");
        }
        return checkDates(checkedOnce(token, true), now);
    }

    /**
     * Reads the token's claims without checking its signature, for open mode when no keys are
     * registered: anyone could have written them, so they must be reported as untrusted.
     */
    public TokenCheck readUnverified(String token, Instant now) {
        return checkDates(checkedOnce(token, false), now);
    }

    private TokenCheck checkedOnce(String token, boolean verifySignature) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return refused(TokenProblem.TOO_LARGE, "token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        return checked.get((verifySignature ? "v:" : "u:") + token, key -> parse(token, verifySignature));
    }

    private TokenCheck parse(String token, boolean verifySignature) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            return refused(TokenProblem.MALFORMED, "malformed token: expected a JWT, three base64url parts of JSON");
        }
        if (jwt instanceof PlainJWT) {
            return refused(TokenProblem.UNSIGNED, "unsigned token (alg none) refused");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return refused(TokenProblem.MALFORMED, "encrypted tokens are not supported: sign it (JWS) instead");
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            return refused(TokenProblem.MALFORMED, "malformed token: its payload is not a JSON object");
        }
        if (verifySignature) {
            JWSAlgorithm algorithm = signed.getHeader().getAlgorithm();
            if (!keys.algorithms().contains(algorithm)) {
                return refused(TokenProblem.ALGORITHM_NOT_ACCEPTED, "tokens signed with " + algorithm
                        + " are not accepted here (accepted: " + new TreeSet<>(keys.algorithms().stream().map(JWSAlgorithm::getName).toList()) + ")");
            }
            try {
                claims = processor.process(signed, null);
            } catch (BadJOSEException | JOSEException e) {
                return refused(TokenProblem.BAD_SIGNATURE, "token signature does not verify with any registered key"
                        + (signed.getHeader().getKeyID() != null ? " (kid " + printable(signed.getHeader().getKeyID()) + ")" : ""));
            }
        }
        return claims(claims);
    }

    private static TokenCheck claims(JWTClaimsSet claims) {
        try {
            Date expiry = claims.getExpirationTime();
            if (expiry == null) {
                return refused(TokenProblem.MISSING_EXPIRY, "token has no exp claim: viewer tokens must expire");
            }
            Map<String, Object> tracking = claims.getJSONObjectClaim("tracking");
            String trackingId = tracking == null ? null : text(tracking.get("trackingId"), "tracking.trackingId", MAX_TRACKING_ID_CHARS);
            String viewerData = tracking == null ? null : text(tracking.get("customViewerData"), "tracking.customViewerData", MAX_VIEWER_DATA_CHARS);
            Long limit = claims.getLongClaim("climit");
            if (limit != null && (limit < 0 || limit > Integer.MAX_VALUE)) {
                throw new BadClaim("climit must be a whole number from 0");
            }
            return new TokenCheck.Verified(new ViewerClaims(trackingId, viewerData,
                    text(claims.getClaim("accid"), "accid", MAX_ID_CLAIM_CHARS),
                    text(claims.getClaim("uid"), "uid", MAX_ID_CLAIM_CHARS),
                    text(claims.getClaim("sid"), "sid", MAX_ID_CLAIM_CHARS),
                    limit == null ? null : limit.intValue(),
                    expiry.toInstant(), instant(claims.getNotBeforeTime()), instant(claims.getIssueTime())));
        } catch (ParseException e) {
            return refused(TokenProblem.BAD_CLAIMS, "token claims have the wrong type (exp, nbf, iat numeric; tracking an object; climit a number)");
        } catch (BadClaim e) {
            return refused(TokenProblem.BAD_CLAIMS, e.getMessage());
        }
    }

    /** A string claim (numbers accepted as their text), at most {@code max} characters. */
    private static String text(Object value, String name, int max) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String) && !(value instanceof Number)) {
            throw new BadClaim(name + " must be a string");
        }
        String text = value.toString();
        if (text.length() > max) {
            throw new BadClaim(name + " longer than " + max + " characters");
        }
        return text;
    }

    private TokenCheck checkDates(TokenCheck check, Instant now) {
        if (!(check instanceof TokenCheck.Verified verified)) {
            return check;
        }
        ViewerClaims claims = verified.claims();
        if (now.isAfter(claims.expiresAt().plus(clockSkew))) {
            return refused(TokenProblem.EXPIRED, "token expired at " + claims.expiresAt());
        }
        if (claims.notBefore() != null && now.isBefore(claims.notBefore().minus(clockSkew))) {
            return refused(TokenProblem.NOT_YET_VALID, "token not valid before " + claims.notBefore());
        }
        if (claims.issuedAt() != null && now.isBefore(claims.issuedAt().minus(clockSkew))) {
            return refused(TokenProblem.NOT_YET_VALID, "token issued in the future, at " + claims.issuedAt());
        }
        return check;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    /** A key id is attacker-controlled text: keep it short and printable before echoing it. */
    private static String printable(String kid) {
        String safe = kid.replaceAll("[^A-Za-z0-9._-]", "?");
        return safe.length() > 64 ? safe.substring(0, 64) + "…" : safe;
    }

    private static TokenCheck refused(TokenProblem problem, String message) {
        return new TokenCheck.Refused(problem, message);
    }

    private static final class BadClaim extends RuntimeException {
        BadClaim(String message) {
            super(message, null, false, false);
        }
    }
}
