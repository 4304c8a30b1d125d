package liveccu.model;

/**
 * The CCU of one job in one UTC minute: what the aggregator publishes and the API serves.
 *
 * @param jobId         the job
 * @param minuteStartMs start of the UTC minute, epoch milliseconds
 * @param ssccu         distinct sessions with a server-side beacon in the minute
 * @param csccu         distinct sessions with a client-side beacon in the minute
 * @param lastRxAtMs    latest collector receive time among the minute's beacons
 */
public record MinuteCount(String jobId, long minuteStartMs, long ssccu, long csccu, long lastRxAtMs) {

    /** Key on the compacted results topic: one record per job and minute, newest wins. */
    public String key() {
        return key(jobId, minuteStartMs);
    }

    public static String key(String jobId, long minuteStartMs) {
        return jobId + "/" + minuteStartMs;
    }
}
