package liveccu.simulator.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the clients saw, second by second: requests started, answered 2xx, answered 5xx (after the
 * balancer's retry), the collectors' own 503s and connection failures, the slowest answer. Faults are
 * marked on it, so that every figure can be read per phase (before, during, after a fault).
 */
public final class Timeline {

    /** One second of traffic; {@code second} is epoch seconds. */
    public record Second(long second, long started, long ok, long clientErrors, long collector503, long connectionFailures,
                         long slowestMs) {
        Second plus(Second other) {
            return new Second(second, started + other.started, ok + other.ok, clientErrors + other.clientErrors,
                    collector503 + other.collector503, connectionFailures + other.connectionFailures,
                    Math.max(slowestMs, other.slowestMs));
        }
    }

    /** A moment worth naming: a fault, a restart, a recovery. */
    public record Mark(long atMs, String what) {
    }

    private final TreeMap<Long, Second> seconds = new TreeMap<>();
    private final List<Mark> marks = new ArrayList<>();

    synchronized void add(long atMs, long started, long ok, long clientErrors, long collector503, long connectionFailures,
                          long latencyMs) {
        long second = atMs / 1000;
        seconds.merge(second, new Second(second, started, ok, clientErrors, collector503, connectionFailures, latencyMs),
                Second::plus);
    }

    /** Names a moment, e.g. "kill broker:2". */
    public synchronized void mark(String what) {
        marks.add(new Mark(System.currentTimeMillis(), what));
    }

    public synchronized List<Mark> marks() {
        return List.copyOf(marks);
    }

    public synchronized List<Second> seconds() {
        return List.copyOf(seconds.values());
    }

    /** The seconds from {@code fromMs} (inclusive) to {@code toMs} (exclusive) added up. */
    public synchronized Totals between(long fromMs, long toMs) {
        Map<Long, Second> range = seconds.subMap(fromMs / 1000, true, (toMs - 1) / 1000, true);
        long started = 0;
        long ok = 0;
        long clientErrors = 0;
        long collector503 = 0;
        long connectionFailures = 0;
        long slowest = 0;
        long firstError = -1;
        long lastError = -1;
        for (Second s : range.values()) {
            started += s.started;
            ok += s.ok;
            clientErrors += s.clientErrors;
            collector503 += s.collector503;
            connectionFailures += s.connectionFailures;
            slowest = Math.max(slowest, s.slowestMs);
            if (s.clientErrors > 0) {
                if (firstError < 0) {
                    firstError = s.second;
                }
                lastError = s.second;
            }
        }
        return new Totals(started, ok, clientErrors, collector503, connectionFailures, slowest,
                firstError < 0 ? 0 : lastError - firstError + 1);
    }

    /**
     * @param errorWindowSeconds seconds from the first to the last with a client-visible 5xx (0: none)
     */
    public record Totals(long started, long ok, long clientErrors, long collector503, long connectionFailures, long slowestMs,
                         long errorWindowSeconds) {
    }
}
