package liveccu.tokens;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys tokens may be signed with, and so the algorithms accepted: HS256 only when a shared
 * secret is configured, RS256 / ES256 only for registered public keys. An algorithm without a key is
 * refused outright, which is what stops algorithm confusion (an HS256 token "signed" with a public key).
 */
record RegisteredKeys(JWKSet keys, Set<JWSAlgorithm> algorithms) {

    static RegisteredKeys load(TokenSettings settings) {
        List<JWK> keys = new ArrayList<>();
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        settings.secret().ifPresent(secret -> {
            keys.add(new OctetSequenceKey.Builder(secret.getBytes(StandardCharsets.UTF_8)).build());
            algorithms.add(JWSAlgorithm.HS256);
        });
        for (Path file : settings.publicKeyFiles()) {
            for (JWK key : read(file)) {
                if (key.isPrivate()) {
                    key = key.toPublicJWK(); // only the public half is needed to verify; never keep more
                }
                if (key instanceof RSAKey) {
                    algorithms.add(JWSAlgorithm.RS256);
                } else if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                    algorithms.add(JWSAlgorithm.ES256);
                } else {
                    throw new IllegalArgumentException(file + ": key " + key.getKeyID()
                            + " is neither RSA nor EC P-256 (RS256 and ES256 are accepted)");
                }
                keys.add(key);
            }
        }
        return new RegisteredKeys(new JWKSet(keys), Set.copyOf(algorithms));
    }

    private static List<JWK> read(Path file) {
        try {
            String text = Files.readString(file);
            if (text.contains("-----BEGIN")) {
                return List.of(fromPem(text, kidOf(file)));
            }
            return JWKSet.parse(text).getKeys();
        } catch (IOException | ParseException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read public keys from " + file + ": " + e.getMessage(), e);
        }
    }

    /** A PEM "PUBLIC KEY" (SubjectPublicKeyInfo), as {@code openssl pkey -pubout} writes it. */
    private static JWK fromPem(String pem, String kid) throws GeneralSecurityException {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        var spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
        for (String algorithm : List.of("RSA", "EC")) {
            PublicKey key;
            try {
                key = KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException notThisKind) {
                continue;
            }
            if (key instanceof RSAPublicKey rsa) {
                return new RSAKey.Builder(rsa).keyID(kid).build();
            }
            ECPublicKey ec = (ECPublicKey) key;
            return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).keyID(kid).build();
        }
        throw new GeneralSecurityException("not an RSA or EC public key in PEM (expected -----BEGIN PUBLIC KEY-----)");
    }

    private static String kidOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    boolean isEmpty() {
        return algorithms.isEmpty();
    }
}
