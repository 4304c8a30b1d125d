package liveccu.collector.viewers;

/** Whether an account's beacons must carry a valid viewer token. */
public enum TokenMode {
    /** Beacons without a token are counted; unsigned tracking values are kept but marked untrusted. */
    OPEN,
    /** Beacons without a valid token are refused (401) and go to the rejected topic. */
    REQUIRED
}
