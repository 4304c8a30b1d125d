package liveccu.collector.ccu;

import liveccu.model.Side;

/**
 * The beacon URL's path, {@code /{guid}/{jobid}/{sessionid}/{accountid}/{time}/heartbeat|csheartbeat},
 * split without the router: beacons are nearly every request, and matching them against each route's
 * pattern, then decoding each parameter, costs more than the rest of their handling on the event loop.
 * Only that exact shape with plain segments is recognised here; anything else (a percent-encoded or
 * empty segment, another length, a trailing slash) goes to the router, which answers it as before.
 *
 * @param guid      the first segment, as sent (the parser validates every segment)
 * @param side      from the last segment
 */
public record BeaconPath(String guid, String jobId, String sessionId, String accountId, String time, Side side) {

    private static final int SEGMENTS = 6;

    /** The path's segments, or null when it is not plainly a beacon path. */
    public static BeaconPath match(String path) {
        if (path == null || path.length() < 2 || path.charAt(0) != '/' || path.indexOf('%') >= 0) {
            return null;
        }
        String[] segments = new String[SEGMENTS];
        int start = 1;
        for (int i = 0; i < SEGMENTS; i++) {
            int end = path.indexOf('/', start);
            if (i < SEGMENTS - 1 ? end < 0 : end >= 0) {
                return null;
            }
            segments[i] = path.substring(start, i < SEGMENTS - 1 ? end : path.length());
            if (segments[i].isEmpty()) {
                return null;
            }
            start = end + 1;
        }
        Side side = segments[5].equals(Side.SS.pathSuffix()) ? Side.SS : segments[5].equals(Side.CS.pathSuffix()) ? Side.CS : null;
        return side == null ? null : new BeaconPath(segments[0], segments[1], segments[2], segments[3], segments[4], side);
    }
}
