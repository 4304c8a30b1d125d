package liveccu.collector.intake;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which peers may say who the client is. A request from a trusted proxy (a load balancer, a CDN)
 * names the client in {@code X-Forwarded-For}: the chain is read from the right, past every trusted
 * proxy, and the first address that is not one is the client. From anyone else the header is ignored
 * (a client could write anything there) and the connection's address is the client.
 *
 * <p>Only IP literals are ever parsed: nothing here resolves a name.
 */
public final class TrustedProxies {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private record Cidr(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Cidr> trusted;

    private TrustedProxies(List<Cidr> trusted) {
        this.trusted = trusted;
    }

    /**
     * @param spec comma-separated addresses or CIDR ranges, e.g. {@code 10.0.0.0/8,127.0.0.1,fd00::/8}
     * @throws IllegalArgumentException naming the entry that is neither
     */
    public static TrustedProxies parse(String spec) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String entry : spec.split(",")) {
            String text = entry.trim();
            if (text.isEmpty()) {
                continue;
            }
            int slash = text.indexOf('/');
            byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
            }
            int bits = address.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException("'" + text + "' has a bad prefix length");
                }
            }
            cidrs.add(new Cidr(address, bits));
        }
        return new TrustedProxies(List.copyOf(cidrs));
    }

    public boolean isEmpty() {
        return trusted.isEmpty();
    }

    /**
     * The client's address.
     *
     * @param peer          the connection's remote address
     * @param forwardedFor  the {@code X-Forwarded-For} header(s), comma-joined; null if absent
     */
    public String clientIp(String peer, String forwardedFor) {
        if (forwardedFor == null || !isTrusted(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (literal(hop) == null) {
                // garbage in the chain: trust nothing before it
                return client;
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean isTrusted(String ip) {
        byte[] address = literal(ip);
        if (address == null) {
            return false;
        }
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The address bytes of an IPv4 or IPv6 literal (IPv4-mapped IPv6 as IPv4), else null. Never a DNS lookup. */
    static byte[] literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v4 = IPV4.matcher(bare).matches();
        if (!v4 && !IPV6.matcher(bare).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(bare).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
