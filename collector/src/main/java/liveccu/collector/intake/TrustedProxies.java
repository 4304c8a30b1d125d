package liveccu.collector.intake;

import io.netty.util.NetUtil;
import java.util.Arrays;
import java.util.List;

/**
 * The proxies whose {@code X-Forwarded-For} the collector believes, as IP addresses and CIDR ranges
 * ({@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code fd00::/8}), and who a request's client is.
 *
 * <p>A proxy such as nginx's {@code $proxy_add_x_forwarded_for} <em>appends</em> the address it
 * received the request from to whatever the client sent, so only the hops added by trusted
 * proxies are true. The client is therefore the <em>rightmost</em> hop that is not itself a trusted
 * proxy, never simply the first (leftmost) one: a client could write anything there, and would get a
 * new rate-limit bucket with every invented address.
 *
 * <p>Addresses are compared as numbers (IPv4, IPv6, IPv4-mapped IPv6), never looked up in DNS.
 */
public final class TrustedProxies {

    public static final TrustedProxies NONE = new TrustedProxies(IpRanges.NONE);

    private final IpRanges ranges;

    private TrustedProxies(IpRanges ranges) {
        this.ranges = ranges;
    }

    /**
     * Parses a comma-separated list of addresses and CIDR ranges.
     *
     * @param errors receives one message per entry that is neither
     */
    public static TrustedProxies parse(String list, List<String> errors) {
        return new TrustedProxies(IpRanges.parse(list, errors));
    }

    /** The address as 4 bytes (IPv4, also when IPv4-mapped) or 16 (IPv6); null when not an IP literal. */
    public static byte[] address(String text) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text.trim());
        if (bytes != null && bytes.length == 16 && isIpv4Mapped(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    boolean trusts(String address) {
        byte[] bytes = address(address);
        return bytes != null && ranges.contains(bytes);
    }

    /**
     * Who sent the request: the connection's address, or, when that is a trusted proxy, the
     * rightmost {@code X-Forwarded-For} hop that is not a trusted proxy (the leftmost hop when all
     * are). A hop that is not an IP address ends the walk: the last trusted hop before it is the client.
     *
     * @param remoteAddress the connection's peer address
     * @param forwardedFor  the {@code X-Forwarded-For} header, or null
     */
    public String client(String remoteAddress, String forwardedFor) {
        if (ranges.isEmpty() || forwardedFor == null || !trusts(remoteAddress)) {
            return remoteAddress;
        }
        String client = remoteAddress;
        int end = forwardedFor.length();
        while (end > 0) {
            int comma = forwardedFor.lastIndexOf(',', end - 1);
            String hop = forwardedFor.substring(comma + 1, end).trim();
            if (address(hop) == null) {
                return client;
            }
            client = hop;
            if (!trusts(hop)) {
                return hop;
            }
            end = comma < 0 ? 0 : comma;
        }
        return client;
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
