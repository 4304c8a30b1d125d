package liveccu.collector.intake;

/**
 * What the collector knows of a request apart from its body: whose it is, who sent it, and when.
 *
 * @param accountId    the account named by the path (already checked)
 * @param userAgent    the User-Agent header, cut to {@link #MAX_USER_AGENT} characters; null if absent
 * @param ipHash       the keyed hash of the client IP ({@link IpHasher}); the IP itself goes no further
 * @param receivedAtMs when the collector received the request
 * @param geo          the client IP's country and autonomous system ({@link GeoIp}), looked up before it was hashed
 */
public record Origin(String accountId, String userAgent, String ipHash, long receivedAtMs, GeoIp.Answer geo) {

    public static final int MAX_USER_AGENT = 512;

    public Origin {
        geo = geo == null ? GeoIp.Answer.NONE : geo;
    }

    /** A request whose IP was not looked up (no GeoIP database, or an intake that does not ask). */
    public Origin(String accountId, String userAgent, String ipHash, long receivedAtMs) {
        this(accountId, userAgent, ipHash, receivedAtMs, GeoIp.Answer.NONE);
    }

    public static String userAgent(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        return header.length() > MAX_USER_AGENT ? header.substring(0, MAX_USER_AGENT) : header;
    }
}
