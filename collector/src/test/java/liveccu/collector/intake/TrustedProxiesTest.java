package liveccu.collector.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrustedProxiesTest {

    private static final TrustedProxies PROXIES = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7 ,fd00::/8,", new ArrayList<>());

    @ParameterizedTest(name = "from {0}, X-Forwarded-For: {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            // not from a trusted proxy: the header is anyone's to write, and ignored
            "203.0.113.9 | 198.51.100.1 | 203.0.113.9",
            "11.0.0.1 | 198.51.100.1 | 11.0.0.1",
            "192.168.1.8 | 198.51.100.1 | 192.168.1.8",
            // from a trusted proxy: the rightmost hop it (or a trusted proxy before it) added
            "10.2.3.4 | 198.51.100.1 | 198.51.100.1",
            "192.168.1.7 | 198.51.100.1 | 198.51.100.1",
            "::ffff:10.2.3.4 | 198.51.100.1 | 198.51.100.1",
            "fd12::1 | 2001:db8::5 | 2001:db8::5",
            // a client's invented hops to the left are never believed
            "10.2.3.4 | 1.1.1.1, 2.2.2.2, 198.51.100.1 | 198.51.100.1",
            "10.2.3.4 | 1.1.1.1,198.51.100.1 | 198.51.100.1",
            // a chain of trusted proxies is walked through
            "10.2.3.4 | 1.1.1.1, 198.51.100.1, 192.168.1.7, 10.9.9.9 | 198.51.100.1",
            "10.2.3.4 | 10.0.0.1, 10.0.0.2 | 10.0.0.1",
            // garbage stops the walk at the last address known
            "10.2.3.4 | not-an-ip | 10.2.3.4",
            "10.2.3.4 | 198.51.100.1:1234 | 10.2.3.4",
            "10.2.3.4 | example.com, 10.0.0.9 | 10.0.0.9",
            "10.2.3.4 | '' | 10.2.3.4",
            "10.2.3.4 | null | 10.2.3.4",
    })
    void theClientIsTheRightmostHopThatIsNotATrustedProxy(String remote, String forwardedFor, String client) {
        assertEquals(client, PROXIES.client(remote, forwardedFor));
    }

    @Test
    void withoutTrustedProxiesTheConnectionIsTheClient() {
        assertEquals("10.2.3.4", TrustedProxies.NONE.client("10.2.3.4", "198.51.100.1"));
    }

    @Test
    void everyEntryThatIsNeitherAnAddressNorARangeIsReported() {
        List<String> errors = new ArrayList<>();
        TrustedProxies.parse("10.0.0.0/8, proxy.example, 10.0.0.0/33, 1.2.3.4/x, ::1/128, 300.1.1.1", errors);
        assertEquals(4, errors.size(), errors.toString());
        assertEquals("'proxy.example' is not an IP address or CIDR range (e.g. 10.0.0.0/8, 192.168.1.7, fd00::/8)", errors.get(0));
    }

    @ParameterizedTest(name = "peer {0}, X-Forwarded-For {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "203.0.113.7 | null                              | 203.0.113.7",
            "203.0.113.7 | 198.51.100.1                      | 203.0.113.7",
            "10.0.0.5    | 198.51.100.1                      | 198.51.100.1",
            "10.0.0.5    | 198.51.100.1, 10.0.0.9            | 198.51.100.1",
            "10.0.0.5    | 6.6.6.6, 198.51.100.1, 10.0.0.9   | 198.51.100.1",
            "10.0.0.5    | 10.0.0.8, 10.0.0.9                | 10.0.0.8",
            "10.0.0.5    | evil.example.com                  | 10.0.0.5",
            "127.0.0.1   | 2001:db8::1                       | 2001:db8::1",
            "::1         | 198.51.100.1                      | 198.51.100.1",
    })
    void believesXForwardedForOnlyFromTrustedProxies(String peer, String forwarded, String client) {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 127.0.0.1,::1", new ArrayList<>());
        assertEquals(client, proxies.client(peer, forwarded));
        assertEquals(peer, TrustedProxies.NONE.client(peer, forwarded), "nobody trusted: the connection's address");
    }

    @Test
    void refusesTrustedProxiesThatAreNoAddresses() {
        List<String> errors = new ArrayList<>();
        TrustedProxies.parse("proxy.example.com, 10.0.0.0/33", errors);
        assertEquals(2, errors.size(), errors.toString());
    }
}
