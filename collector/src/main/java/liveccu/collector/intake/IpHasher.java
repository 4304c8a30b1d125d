package liveccu.collector.intake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hashes of client IPs, so that devices (IP + user agent) can be told apart without an IP ever
 * being stored or logged. HMAC-SHA256 with a salt that rotates every UTC day: the day's key is
 * HMAC-SHA256(secret, "liveccu-ip-salt/" + date), and an IP's hash is the first 128 bits of
 * HMAC-SHA256(day key, address bytes), as 32 hex digits. Within a day the same IP gives the same hash
 * on every collector sharing the secret; across days hashes cannot be linked, and without the
 * secret no hash can be reversed by trying all 2^32 IPv4 addresses.
 *
 * <p>IPv6 addresses are hashed by their /64 prefix (one household or device network, as IAB's podcast
 * measurement counts them); an IPv4-mapped IPv6 address is its IPv4 address.
 */
public final class IpHasher {

    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    /** A Mac is not thread-safe: each thread keeps its own, keyed for one day. */
    private record DayMac(long epochDay, Mac mac) {
    }

    private final byte[] secret;
    private final ThreadLocal<DayMac> macs = new ThreadLocal<>();

    /** @param secret the configured secret's bytes; every collector of a deployment must share it */
    public IpHasher(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the IP hash secret must have at least 16 bytes");
        }
        this.secret = secret.clone();
    }

    /** A hasher with a random secret: hashes differ across processes and restarts. */
    public static IpHasher random() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new IpHasher(secret);
    }

    /**
     * @param ip   an IP literal (v4 or v6); anything else (a missing address) is hashed as text
     * @param atMs when it was seen: picks the day's salt
     */
    public String hash(String ip, long atMs) {
        byte[] address = ip == null ? null : TrustedProxies.address(ip);
        byte[] input = address == null ? String.valueOf(ip).getBytes(StandardCharsets.UTF_8)
                : address.length == 16 ? Arrays.copyOf(address, 8) : address;
        return HEX.formatHex(Arrays.copyOf(dayMac(Math.floorDiv(atMs, 86_400_000L)).doFinal(input), 16));
    }

    /** This thread's Mac for the day, keyed once: getting and keying one cost more than hashing an address. */
    private Mac dayMac(long epochDay) {
        DayMac kept = macs.get();
        if (kept == null || kept.epochDay() != epochDay) {
            kept = new DayMac(epochDay, newMac(dayKey(epochDay)));
            macs.set(kept);
        }
        return kept.mac();  // doFinal leaves it ready for the next address
    }

    private SecretKeySpec dayKey(long epochDay) {
        String date = LocalDate.ofEpochDay(epochDay).toString();
        byte[] derived = newMac(new SecretKeySpec(secret, ALGORITHM))
                .doFinal(("liveccu-ip-salt/" + date).getBytes(StandardCharsets.US_ASCII));
        return new SecretKeySpec(derived, ALGORITHM);
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
