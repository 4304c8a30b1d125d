package liveccu.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * Viewer tokens (JWTs) minted as a token issuer would: HS256 with a shared secret, RS256 and ES256
 * with a private key, and the forgeries tests need (alg none, a public key used as an HMAC secret).
 * The claims are the test's own; the header is {@code {"alg", "typ": "JWT"[, "kid"]}}.
 */
public final class Tokens {

    private Tokens() {
    }

    /** HS256 with the secret's UTF-8 bytes as the key, as {@code CCU_TOKEN_SECRET} is used. */
    public static String hs256(String secret, JWTClaimsSet claims) {
        return hs256(secret.getBytes(StandardCharsets.UTF_8), null, claims);
    }

    /** HS256 with any key bytes (at least 32), e.g. a public key's, to forge an algorithm confusion. */
    public static String hs256(byte[] key, String kid, JWTClaimsSet claims) {
        try {
            return sign(JWSAlgorithm.HS256, kid, new MACSigner(key), claims);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("HS256 needs a key of at least 32 bytes", e);
        }
    }

    public static String rs256(PrivateKey key, String kid, JWTClaimsSet claims) {
        return sign(JWSAlgorithm.RS256, kid, new RSASSASigner(key), claims);
    }

    public static String es256(PrivateKey key, String kid, JWTClaimsSet claims) {
        try {
            return sign(JWSAlgorithm.ES256, kid, new ECDSASigner((ECPrivateKey) key), claims);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("ES256 needs a P-256 key", e);
        }
    }

    /** @param kid the key id in the header; null for none */
    public static String sign(JWSAlgorithm algorithm, String kid, JWSSigner signer, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a test token with " + algorithm, e);
        }
        return jwt.serialize();
    }

    /**
     * The claims of a stream-concurrency token (the sessions service's): {@code accid}, {@code uid},
     * {@code exp}, and {@code sid} (the streaming location) and {@code climit} (the limit) unless null.
     */
    public static JWTClaimsSet streamClaims(String account, String user, String correlator, Integer limit, Instant expiry) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().claim("accid", account).claim("uid", user)
                .expirationTime(Date.from(expiry));
        if (correlator != null) {
            claims.claim("sid", correlator);
        }
        if (limit != null) {
            claims.claim("climit", limit);
        }
        return claims.build();
    }

    /** An unsigned token ({@code "alg": "none"}, empty signature) carrying {@code payloadJson}. */
    public static String algNone(String payloadJson) {
        return base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + base64Url(payloadJson) + ".";
    }

    /** Base64url without padding, as every part of a JWS is encoded. */
    public static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A 2048-bit RSA key pair (RS256). */
    public static KeyPair rsaKeys() {
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            return rsa.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A P-256 EC key pair (ES256). */
    public static KeyPair ecKeys() {
        try {
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"));
            return ec.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
