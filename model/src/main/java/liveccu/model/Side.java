package liveccu.model;

/** Which end of the stream fired a beacon. */
public enum Side {
    /** Server side: fired by the SSAI service per viewer session ({@code /heartbeat}). */
    SS("heartbeat"),
    /** Client side: fired by the player, every 30 s ({@code /csheartbeat}). */
    CS("csheartbeat");

    private final String pathSuffix;

    Side(String pathSuffix) {
        this.pathSuffix = pathSuffix;
    }

    /** The last path segment of beacons of this side. */
    public String pathSuffix() {
        return pathSuffix;
    }
}
