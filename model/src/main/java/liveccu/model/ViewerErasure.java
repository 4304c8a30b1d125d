package liveccu.model;

/**
 * An operator's request to erase one viewer session's data, on the erasures topic, keyed by the
 * session id exactly as beacons are (see {@link #partitionKey()}), so that it reaches the partition,
 * and the aggregator task, that holds the session. It names the session only: the user id an operator
 * erased by is personal data and is never written here.
 *
 * @param sessionId     the session to erase, normalised 32 lower-case hex
 * @param requestedAtMs when the API accepted the request, epoch milliseconds
 */
public record ViewerErasure(String sessionId, long requestedAtMs) {

    /** The Kafka key: the session id, as {@link Beacon#partitionKey()}. */
    public String partitionKey() {
        return sessionId;
    }
}
