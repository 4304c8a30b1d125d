package liveccu.model;

/**
 * The CCU of one audience (a job, an account, a tracking id…) in one UTC minute: what the
 * aggregator publishes and the API serves.
 *
 * @param audience      the {@link Audience#key() audience key}; a job's is its bare id
 * @param minuteStartMs start of the UTC minute, epoch milliseconds
 * @param ssccu         distinct sessions with a server-side beacon in the minute
 * @param csccu         distinct sessions with a client-side beacon in the minute
 * @param lastRxAtMs    latest collector receive time among the minute's beacons
 */
public record MinuteCount(String audience, long minuteStartMs, long ssccu, long csccu, long lastRxAtMs) {

    /** Key on the compacted results topic: one record per audience and minute, newest wins. */
    public String key() {
        return key(audience, minuteStartMs);
    }

    public static String key(String audience, long minuteStartMs) {
        return audience + "/" + minuteStartMs;
    }

    /** The audience of a results-topic key (audience keys may contain '/', the minute never does). */
    public static String audienceOfKey(String key) {
        return key.substring(0, key.lastIndexOf('/'));
    }

    /** The minute of a results-topic key. */
    public static long minuteOfKey(String key) {
        return Long.parseLong(key.substring(key.lastIndexOf('/') + 1));
    }
}
