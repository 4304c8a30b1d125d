package liveccu.tokens;

import static liveccu.testsupport.Tokens.base64Url;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import liveccu.testsupport.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewerTokensTest {

    /** The published THEOlive test vector: secret used as its UTF-8 text, exp 2025-06-25. */
    static final String VECTOR_SECRET = "d2e166fdda89824a6c493d8a2af7a0754199eff9e38c579cba8783767a44039c";
    static final String VECTOR_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0cmFja2luZyI6eyJ0cmFja2luZ0lkIjoiZ3JvdXBBYmMiLCJjdXN0b21WaWV3ZXJEYXRhIjoidXNlcj11c2VyMTIzO2FwcFZlcnNpb249eC55LngifSwiaWF0IjoxNzUwODEzMjcxLCJleHAiOjE3NTA4MTM4NzF9.pgvw10HvMVd-Uw-7DLAlxe4g84jwWGEP3kIbjQEFof0";
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    static KeyPair rsa1;
    static KeyPair rsa2;
    static KeyPair ec;
    @TempDir
    static Path keysDir;
    static ViewerTokens publicKeysOnly;

    @BeforeAll
    static void keys() throws Exception {
        rsa1 = Tokens.rsaKeys();
        rsa2 = Tokens.rsaKeys();
        ec = Tokens.ecKeys();
        // two RSA keys in a JWK set (rotation by kid), one EC key as PEM (kid = file name)
        Path jwks = keysDir.resolve("keys.json");
        Files.writeString(jwks, new JWKSet(List.of(
                new RSAKey.Builder((RSAPublicKey) rsa1.getPublic()).keyID("2026-01").build(),
                new RSAKey.Builder((RSAPublicKey) rsa2.getPublic()).keyID("2026-02").build())).toString());
        Path pem = keysDir.resolve("player-ec.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ec.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        publicKeysOnly = new ViewerTokens(new TokenSettings(Optional.empty(), List.of(jwks, pem), Duration.ofSeconds(60)));
    }

    static ViewerTokens withSecret(String secret) {
        return new ViewerTokens(new TokenSettings(Optional.of(secret), List.of(), Duration.ofSeconds(60)));
    }

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .claim("tracking", Map.of("trackingId", "groupAbc", "customViewerData", "user=user123"))
                .claim("accid", "acc1").claim("uid", "viewer-1").claim("sid", "Firefox MAC - 1112346677").claim("climit", 2)
                .issueTime(Date.from(NOW.minusSeconds(10))).expirationTime(Date.from(NOW.plusSeconds(600)));
    }

    static TokenProblem problem(TokenCheck check) {
        return assertInstanceOf(TokenCheck.Refused.class, check).problem();
    }

    @Test
    void publishedTestVectorVerifiesButIsExpiredToday() {
        ViewerTokens tokens = withSecret(VECTOR_SECRET);
        var atIssue = assertInstanceOf(TokenCheck.Verified.class, tokens.verify(VECTOR_TOKEN, Instant.ofEpochSecond(1750813271 + 60)));
        assertEquals("groupAbc", atIssue.claims().trackingId());
        assertEquals("user=user123;appVersion=x.y.x", atIssue.claims().customViewerData());
        assertEquals(TokenProblem.EXPIRED, problem(tokens.verify(VECTOR_TOKEN, NOW)));
        assertEquals(TokenProblem.BAD_SIGNATURE, problem(withSecret(VECTOR_SECRET.replace('d', 'e')).verify(VECTOR_TOKEN,
                Instant.ofEpochSecond(1750813271 + 60))));
    }

    @Test
    void rotatedRsaKeysAreSelectedByKid() throws Exception {
        var first = publicKeysOnly.verify(Tokens.rs256(rsa1.getPrivate(), "2026-01", claims().build()), NOW);
        var second = publicKeysOnly.verify(Tokens.rs256(rsa2.getPrivate(), "2026-02", claims().build()), NOW);
        ViewerClaims viewer = assertInstanceOf(TokenCheck.Verified.class, first).claims();
        assertEquals(new ViewerClaims("groupAbc", "user=user123", "acc1", "viewer-1", "Firefox MAC - 1112346677", 2,
                viewer.expiresAt(), null, viewer.issuedAt()), viewer);
        assertInstanceOf(TokenCheck.Verified.class, second);
        // signed by key 1 but claiming to be key 2, or an unknown key: refused
        assertEquals(TokenProblem.BAD_SIGNATURE, problem(publicKeysOnly.verify(
                Tokens.rs256(rsa1.getPrivate(), "2026-02", claims().build()), NOW)));
        assertEquals(TokenProblem.BAD_SIGNATURE, problem(publicKeysOnly.verify(
                Tokens.rs256(rsa1.getPrivate(), "retired", claims().build()), NOW)));
    }

    @Test
    void ecKeyFromPemVerifiesEs256() throws Exception {
        String token = Tokens.es256(ec.getPrivate(), "player-ec", claims().build());
        assertInstanceOf(TokenCheck.Verified.class, publicKeysOnly.verify(token, NOW));
    }

    @Test
    void algNoneIsRefused() {
        String none = Tokens.algNone("{\"exp\":" + NOW.plusSeconds(600).getEpochSecond() + "}");
        assertEquals(TokenProblem.UNSIGNED, problem(publicKeysOnly.verify(none, NOW)));
        assertEquals(TokenProblem.UNSIGNED, problem(withSecret(VECTOR_SECRET).verify(none, NOW)));
        assertEquals(TokenProblem.UNSIGNED, problem(publicKeysOnly.readUnverified(none, NOW)));
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        // algorithm confusion: the attacker knows the public key and uses its bytes as an HMAC secret
        byte[] publicKeyBytes = rsa1.getPublic().getEncoded();
        String forged = Tokens.hs256(publicKeyBytes, "2026-01", claims().build());
        assertEquals(TokenProblem.ALGORITHM_NOT_ACCEPTED, problem(publicKeysOnly.verify(forged, NOW)));
        ViewerTokens both = new ViewerTokens(new TokenSettings(Optional.of(VECTOR_SECRET), List.of(keysDir.resolve("keys.json")), Duration.ofSeconds(60)));
        assertEquals(TokenProblem.BAD_SIGNATURE, problem(both.verify(forged, NOW)));
    }

    @Test
    void tamperedPayloadIsRefused() throws Exception {
        String token = Tokens.hs256(VECTOR_SECRET, claims().build());
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + base64Url("{\"tracking\":{\"trackingId\":\"free-tier\"},\"exp\":" + NOW.plusSeconds(600).getEpochSecond() + "}") + "." + parts[2];
        assertEquals(TokenProblem.BAD_SIGNATURE, problem(withSecret(VECTOR_SECRET).verify(tampered, NOW)));
    }

    @Test
    void malformedAndOversizeTokensAreRefusedWithA4xx() throws Exception {
        ViewerTokens tokens = withSecret(VECTOR_SECRET);
        for (String bad : List.of("not-a-jwt", "a.b.c", "%%%.%%%.%%%", base64Url("{\"alg\":\"HS256\"") + "." + base64Url("{}") + ".sig",
                base64Url("{\"alg\":\"HS256\"}") + "." + base64Url("[1,2") + ".c2ln", "")) {
            TokenProblem problem = problem(tokens.verify(bad, NOW));
            assertEquals(400, problem.httpStatus(), bad + " gave " + problem);
        }
        assertEquals(TokenProblem.TOO_LARGE, problem(tokens.verify("a".repeat(ViewerTokens.MAX_TOKEN_CHARS + 1), NOW)));
        String longTracking = Tokens.hs256(VECTOR_SECRET, claims()
                .claim("tracking", Map.of("trackingId", "t".repeat(129))).build());
        assertEquals(TokenProblem.BAD_CLAIMS, problem(tokens.verify(longTracking, NOW)));
        String longData = Tokens.hs256(VECTOR_SECRET, claims()
                .claim("tracking", Map.of("trackingId", "t", "customViewerData", "d".repeat(1025))).build());
        assertEquals(TokenProblem.BAD_CLAIMS, problem(tokens.verify(longData, NOW)));
        String maxima = Tokens.hs256(VECTOR_SECRET, claims()
                .claim("tracking", Map.of("trackingId", "t".repeat(128), "customViewerData", "d".repeat(1024))).build());
        assertInstanceOf(TokenCheck.Verified.class, tokens.verify(maxima, NOW));
        String wrongType = Tokens.hs256(VECTOR_SECRET, claims().claim("tracking", "groupAbc").build());
        assertEquals(TokenProblem.BAD_CLAIMS, problem(tokens.verify(wrongType, NOW)));
    }

    @Test
    void datesAreCheckedWithAClockSkewAllowance() throws Exception {
        ViewerTokens tokens = withSecret(VECTOR_SECRET);
        String noExpiry = Tokens.hs256(VECTOR_SECRET, new JWTClaimsSet.Builder().claim("uid", "v").build());
        assertEquals(TokenProblem.MISSING_EXPIRY, problem(tokens.verify(noExpiry, NOW)));
        String expiring = Tokens.hs256(VECTOR_SECRET, claims().expirationTime(Date.from(NOW)).build());
        assertInstanceOf(TokenCheck.Verified.class, tokens.verify(expiring, NOW.plusSeconds(59)));  // cached, re-dated
        assertEquals(TokenProblem.EXPIRED, problem(tokens.verify(expiring, NOW.plusSeconds(61))));
        String notYet = Tokens.hs256(VECTOR_SECRET, claims().notBeforeTime(Date.from(NOW.plusSeconds(300))).build());
        assertEquals(TokenProblem.NOT_YET_VALID, problem(tokens.verify(notYet, NOW)));
        assertInstanceOf(TokenCheck.Verified.class, tokens.verify(notYet, NOW.plusSeconds(250)));
        String issuedLater = Tokens.hs256(VECTOR_SECRET, claims().issueTime(Date.from(NOW.plusSeconds(120))).build());
        assertEquals(TokenProblem.NOT_YET_VALID, problem(tokens.verify(issuedLater, NOW)));
        assertEquals(true, TokenProblem.EXPIRED.isDates() && TokenProblem.NOT_YET_VALID.isDates() && !TokenProblem.BAD_SIGNATURE.isDates());
    }

    @Test
    void unverifiedReadingTakesClaimsAsGivenButStillChecksShapeAndDates() throws Exception {
        ViewerTokens noKeys = new ViewerTokens(TokenSettings.none());
        assertFalse(noKeys.canVerify());
        assertThrows(IllegalStateException.class, () -> noKeys.verify(VECTOR_TOKEN, NOW));
        var read = assertInstanceOf(TokenCheck.Verified.class, noKeys.readUnverified(VECTOR_TOKEN, Instant.ofEpochSecond(1750813271)));
        assertEquals("groupAbc", read.claims().trackingId());
        assertEquals(TokenProblem.EXPIRED, problem(noKeys.readUnverified(VECTOR_TOKEN, NOW)));
        assertEquals(TokenProblem.MALFORMED, problem(noKeys.readUnverified("x.y.z", NOW)));
    }

    @Test
    void keysThatCannotBeReadFailAtStartWithTheFileName(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("broken.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        var error = assertThrows(IllegalArgumentException.class, () -> new ViewerTokens(
                new TokenSettings(Optional.empty(), List.of(garbage), Duration.ZERO)));
        assertEquals(true, error.getMessage().contains("broken.pem"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ViewerTokens(
                new TokenSettings(Optional.empty(), List.of(dir.resolve("missing.json")), Duration.ZERO)));
    }
}
