package liveccu.collector.intake;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A list of IP addresses and CIDR ranges ({@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code fd00::/8}),
 * compared as numbers: the trusted proxies, and the addresses that no GeoIP database can place.
 */
public final class IpRanges {

    /** A network: its address bytes and the number of leading bits that must match. */
    private record Range(byte[] address, int prefixBits) {
        boolean contains(byte[] candidate) {
            if (candidate.length != address.length) {
                return false;
            }
            int fullBytes = prefixBits / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (candidate[i] != address[i]) {
                    return false;
                }
            }
            int restBits = prefixBits % 8;
            if (restBits == 0) {
                return true;
            }
            int mask = 0xff << (8 - restBits) & 0xff;
            return (candidate[fullBytes] & mask) == (address[fullBytes] & mask);
        }

        @Override
        public String toString() {
            return NetUtil.bytesToIpAddress(address) + "/" + prefixBits;
        }
    }

    public static final IpRanges NONE = new IpRanges(List.of());

    private final List<Range> ranges;

    private IpRanges(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /**
     * Parses a comma-separated list of addresses and CIDR ranges.
     *
     * @param errors receives one message per entry that is neither
     */
    public static IpRanges parse(String list, List<String> errors) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : list.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            Optional<Range> range = range(trimmed);
            if (range.isEmpty()) {
                errors.add("'" + trimmed + "' is not an IP address or CIDR range (e.g. 10.0.0.0/8, 192.168.1.7, fd00::/8)");
            } else {
                ranges.add(range.get());
            }
        }
        return new IpRanges(ranges);
    }

    private static Optional<Range> range(String entry) {
        int slash = entry.indexOf('/');
        byte[] address = TrustedProxies.address(slash < 0 ? entry : entry.substring(0, slash));
        if (address == null) {
            return Optional.empty();
        }
        int bits = address.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (bits < 0 || bits > address.length * 8) {
                return Optional.empty();
            }
        }
        return Optional.of(new Range(address, bits));
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** @param address 4 bytes (IPv4) or 16 (IPv6), as {@link TrustedProxies#address} gives them */
    public boolean contains(byte[] address) {
        for (Range range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
