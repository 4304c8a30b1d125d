package liveccu.collector.cdn;

import java.security.MessageDigest;

/**
 * One configured sender of access logs: a CDN property's log push or an operator's file drop.
 *
 * @param name      the name in the push URL ({@code /v1/logs/{name}}) and on every request it sends
 * @param format    what its lines look like
 * @param accountId the account its requests belong to
 * @param zone      its distribution zone (the source's name unless given)
 * @param token     the secret it sends in {@code X-CCU-Log-Token}
 */
public record LogSource(String name, LogFormat format, String accountId, String zone, String token) {

    /** Whether the presented token is this source's, in time independent of where they differ (both are hashed first). */
    public boolean acceptsToken(String presented) {
        return presented != null && MessageDigest.isEqual(Sha256.of(presented), Sha256.of(token));
    }

    /** Never print the token. */
    @Override
    public String toString() {
        return "LogSource[name=" + name + ", format=" + format.wireName() + ", accountId=" + accountId + ", zone=" + zone
                + ", token=<set>]";
    }
}
