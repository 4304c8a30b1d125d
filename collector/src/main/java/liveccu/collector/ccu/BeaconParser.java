package liveccu.collector.ccu;

import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.Ids;
import liveccu.model.RejectReason;
import liveccu.model.Side;

/**
 * The one definition of a valid beacon. Pure: URL parts and the receive time in, a {@link Beacon}
 * or a reasoned rejection out; no HTTP or Kafka here.
 *
 * <p>Beacon time comes as Unix seconds, possibly with a decimal fraction (older SSAI beacons), or as
 * Unix milliseconds (Brightcove's {@code {{server.timestamputc}}}); they are told apart by
 * magnitude: below 10^11 it is seconds (10^11 s is the year 5138, 10^11 ms is 1973).
 */
public final class BeaconParser {

    /** 2000-01-01T00:00:00Z: anything earlier is not a live beacon, whatever its unit. */
    static final long EARLIEST_MS = 946_684_800_000L;
    private static final long SECONDS_BELOW = 100_000_000_000L;

    private final CountingRules rules;

    public BeaconParser(CountingRules rules) {
        this.rules = rules;
    }

    public ParseResult parse(Side side, String guid, String jobId, String sessionId, String accountId,
                             String time, long receivedAtMs) {
        String normalGuid = Ids.normaliseHex32(guid);
        if (normalGuid == null) {
            return reject(RejectReason.BAD_GUID, "guid must be 32 hex digits or a dashed UUID");
        }
        String normalJob = Ids.normaliseHex32(jobId);
        if (normalJob == null) {
            return reject(RejectReason.BAD_JOB_ID, "jobid must be 32 hex digits or a dashed UUID");
        }
        String normalSession = Ids.normaliseHex32(sessionId);
        if (normalSession == null) {
            return reject(RejectReason.BAD_SESSION_ID, "sessionid must be 32 hex digits or a dashed UUID");
        }
        if (!Ids.isAccountId(accountId)) {
            return reject(RejectReason.BAD_ACCOUNT_ID, "accountid must be 1-64 of A-Z a-z 0-9 . _ -");
        }
        long beaconTimeMs = epochMillis(time);
        if (beaconTimeMs < 0) {
            return reject(RejectReason.BAD_TIME,
                    "time must be Unix seconds (optionally with a fraction) or Unix milliseconds");
        }
        if (beaconTimeMs < EARLIEST_MS) {
            return reject(RejectReason.TIME_OUT_OF_RANGE, "time " + time + " is before the year 2000");
        }
        if (rules.isTooFarInFuture(beaconTimeMs, receivedAtMs)) {
            return reject(RejectReason.IN_FUTURE, "time is " + (beaconTimeMs - receivedAtMs) / 1000
                    + " s ahead of the collector's clock (at most " + rules.maxFutureSkew().toSeconds() + " s allowed)");
        }
        return new ParseResult.Accepted(new Beacon(normalGuid, normalJob, normalSession, accountId, side,
                beaconTimeMs, receivedAtMs));
    }

    /**
     * Unix seconds with an optional fraction, or Unix milliseconds, as epoch milliseconds;
     * -1 when the text is not a number of that form. Hand-written because it runs once per beacon.
     */
    static long epochMillis(String text) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        int dot = text.indexOf('.');
        int intEnd = dot < 0 ? text.length() : dot;
        if (intEnd == 0 || intEnd > 16) {
            return -1;
        }
        long whole = 0;
        for (int i = 0; i < intEnd; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            whole = whole * 10 + (c - '0');
        }
        long fractionMs = 0;
        if (dot >= 0) {
            int fractionDigits = text.length() - dot - 1;
            if (fractionDigits < 1 || fractionDigits > 9) {
                return -1;
            }
            for (int i = dot + 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                // keep milliseconds: the first three fraction digits, truncated
                if (i - dot <= 3) {
                    fractionMs = fractionMs * 10 + (c - '0');
                }
            }
            for (int i = Math.min(fractionDigits, 3); i < 3; i++) {
                fractionMs *= 10;
            }
        }
        return whole < SECONDS_BELOW ? whole * 1000 + fractionMs : whole;
    }

    private static ParseResult.Rejected reject(RejectReason reason, String message) {
        return new ParseResult.Rejected(reason, message);
    }
}
