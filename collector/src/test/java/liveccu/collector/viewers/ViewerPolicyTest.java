package liveccu.collector.viewers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import liveccu.model.RejectReason;
import liveccu.model.Viewer;
import liveccu.testsupport.Tokens;
import liveccu.tokens.TokenSettings;
import liveccu.tokens.ViewerTokens;
import org.junit.jupiter.api.Test;

class ViewerPolicyTest {

    static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final ViewerTokens TOKENS = new ViewerTokens(new TokenSettings(Optional.of(SECRET), List.of(), Duration.ofSeconds(30)));
    static final ViewerPolicy POLICY = new ViewerPolicy(TOKENS, TokenMode.OPEN, Map.of("paid", TokenMode.REQUIRED));

    static String token(String account, Instant expiry) throws Exception {
        var claims = new JWTClaimsSet.Builder()
                .claim("tracking", Map.of("trackingId", "reseller-7", "customViewerData", "tier=gold"))
                .claim("uid", "viewer-1").expirationTime(Date.from(expiry));
        if (account != null) {
            claims.claim("accid", account);
        }
        return Tokens.hs256(SECRET, claims.build());
    }

    static Viewer identified(ViewerCheck check) {
        return assertInstanceOf(ViewerCheck.Identified.class, check).viewer();
    }

    static RejectReason refused(ViewerCheck check) {
        return assertInstanceOf(ViewerCheck.Refused.class, check).reason();
    }

    @Test
    void openModeCountsBeaconsWithoutTokenAndMarksUnsignedValuesUntrusted() {
        assertNull(identified(POLICY.check("free", null, null, null, NOW)));
        assertEquals(new Viewer("groupX", "user=1", null, false), identified(POLICY.check("free", null, "groupX", "user=1", NOW)));
        assertEquals(RejectReason.BAD_VIEWER_DATA, refused(POLICY.check("free", null, "t".repeat(129), null, NOW)));
    }

    @Test
    void aVerifiedTokenGivesATrustedViewerAndWinsOverUnsignedValues() throws Exception {
        String token = token("paid", NOW.plusSeconds(600));
        assertEquals(new Viewer("reseller-7", "tier=gold", "viewer-1", true), identified(POLICY.check("paid", token, "forged", "x", NOW)));
        assertEquals(new Viewer("reseller-7", "tier=gold", "viewer-1", true), identified(POLICY.check("free", token(null, NOW.plusSeconds(600)), null, null, NOW)));
    }

    @Test
    void requiredModeRefusesMissingAndExpiredTokens() throws Exception {
        assertEquals(RejectReason.TOKEN_MISSING, refused(POLICY.check("paid", null, "groupX", null, NOW)));
        assertEquals(RejectReason.TOKEN_EXPIRED, refused(POLICY.check("paid", token("paid", NOW.minusSeconds(600)), null, null, NOW)));
        assertEquals(401, RejectReason.TOKEN_MISSING.httpStatus());
    }

    @Test
    void openModeIgnoresAStaleTokenButRefusesAForgedOne() throws Exception {
        assertEquals(new Viewer("groupX", null, null, false),
                identified(POLICY.check("free", token(null, NOW.minusSeconds(600)), "groupX", null, NOW)));
        String forged = token(null, NOW.plusSeconds(600));
        forged = forged.substring(0, forged.length() - 4) + (forged.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertEquals(RejectReason.TOKEN_INVALID, refused(POLICY.check("free", forged, null, null, NOW)));
        assertEquals(RejectReason.TOKEN_MALFORMED, refused(POLICY.check("free", "garbage", null, null, NOW)));
    }

    @Test
    void aTokenForAnotherAccountIsRefused() throws Exception {
        assertEquals(RejectReason.TOKEN_WRONG_ACCOUNT, refused(POLICY.check("free", token("paid", NOW.plusSeconds(600)), null, null, NOW)));
        assertEquals(403, RejectReason.TOKEN_WRONG_ACCOUNT.httpStatus());
    }

    @Test
    void withoutKeysTokensAreReadButUntrusted() throws Exception {
        ViewerPolicy noKeys = new ViewerPolicy(new ViewerTokens(TokenSettings.none()), TokenMode.OPEN, Map.of());
        assertEquals(new Viewer("reseller-7", "tier=gold", "viewer-1", false),
                identified(noKeys.check("free", token("paid", NOW.plusSeconds(600)), null, null, NOW)));
    }
}
