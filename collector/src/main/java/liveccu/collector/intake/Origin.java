package liveccu.collector.intake;

/**
 * What the collector knows of a request apart from its body: whose it is, who sent it, and when.
 *
 * @param accountId    the account named by the path (already checked)
 * @param userAgent    the User-Agent header, cut to {@link #MAX_USER_AGENT} characters; null if absent
 * @param ipHash       the keyed hash of the client IP ({@link IpHasher}); the IP itself goes no further
 * @param receivedAtMs when the collector received the request
 */
public record Origin(String accountId, String userAgent, String ipHash, long receivedAtMs) {

    public static final int MAX_USER_AGENT = 512;

    public static String userAgent(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        return header.length() > MAX_USER_AGENT ? header.substring(0, MAX_USER_AGENT) : header;
    }
}
