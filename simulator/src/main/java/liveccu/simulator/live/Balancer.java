package liveccu.simulator.live;

import java.net.URI;
import java.util.List;

/**
 * A tiny load balancer in front of the collectors, with the rules of the deploy files' nginx
 * (deploy/compose/nginx.conf): every beacon of a session goes to the same collector (hash of the
 * session); a collector that failed to answer {@value #MAX_FAILS} times within the fail timeout is
 * skipped for that long; a request that failed (no connection, no answer, or a 503) is passed once to
 * the next collector ({@code proxy_next_upstream error timeout http_503; proxy_next_upstream_tries 2}).
 * Used from one thread (the load's Vert.x context).
 */
final class Balancer {

    static final int MAX_FAILS = 3;
    static final int TRIES = 2;

    private final List<URI> collectors;
    private final long failTimeoutMs;
    private final long[][] failures;   // per collector: the times of its last MAX_FAILS failures
    private final int[] next;
    private final long[] downUntil;

    Balancer(List<URI> collectors, long failTimeoutMs) {
        this.collectors = List.copyOf(collectors);
        this.failTimeoutMs = failTimeoutMs;
        this.failures = new long[collectors.size()][MAX_FAILS];
        this.next = new int[collectors.size()];
        this.downUntil = new long[collectors.size()];
    }

    /**
     * The collector for the {@code attempt}-th try (0 first) of a request of {@code session}: the
     * session's own, or the next ones around the ring while they are marked down.
     */
    int pick(String session, int attempt, long nowMs) {
        int n = collectors.size();
        int home = Math.floorMod(session.hashCode(), n);
        for (int i = 0; i < n; i++) {
            int candidate = (home + attempt + i) % n;
            if (downUntil[candidate] <= nowMs) {
                return candidate;
            }
        }
        // every collector is marked down: nginx then tries them anyway
        return (home + attempt) % n;
    }

    URI collector(int index) {
        return collectors.get(index);
    }

    int size() {
        return collectors.size();
    }

    /** A failed attempt (no connection, no answer): the collector is skipped after {@value #MAX_FAILS} within the fail timeout. */
    void failed(int index, long nowMs) {
        long[] times = failures[index];
        times[next[index]] = nowMs;
        next[index] = (next[index] + 1) % MAX_FAILS;
        long oldest = times[next[index]];
        if (oldest > 0 && nowMs - oldest <= failTimeoutMs) {
            downUntil[index] = nowMs + failTimeoutMs;
        }
    }
}
