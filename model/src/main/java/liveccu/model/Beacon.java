package liveccu.model;

/**
 * One accepted heartbeat, as the collector publishes it.
 *
 * @param guid         random id of this beacon firing (normalised 32 lower-case hex)
 * @param jobId        the live job (stream), normalised 32 lower-case hex
 * @param sessionId    the viewer session, normalised 32 lower-case hex
 * @param accountId    the account the job belongs to
 * @param side         server side (SSAI) or client side (player)
 * @param beaconTimeMs the beacon's own time (event time), epoch milliseconds
 * @param receivedAtMs when the collector received it, epoch milliseconds
 * @param viewer       who is watching, when the beacon carried a viewer token or tracking values; else null
 */
public record Beacon(
        String guid,
        String jobId,
        String sessionId,
        String accountId,
        Side side,
        long beaconTimeMs,
        long receivedAtMs,
        Viewer viewer) {

    /** A beacon that says nothing about its viewer. */
    public Beacon(String guid, String jobId, String sessionId, String accountId, Side side, long beaconTimeMs,
                  long receivedAtMs) {
        this(guid, jobId, sessionId, accountId, side, beaconTimeMs, receivedAtMs, null);
    }

    public Beacon withViewer(Viewer viewer) {
        return new Beacon(guid, jobId, sessionId, accountId, side, beaconTimeMs, receivedAtMs, viewer);
    }

    /**
     * The Kafka key. Keying by session spreads one hugely popular job over every partition,
     * while all beacons of one session still meet on one partition, where they are de-duplicated.
     */
    public String partitionKey() {
        return sessionId;
    }
}
