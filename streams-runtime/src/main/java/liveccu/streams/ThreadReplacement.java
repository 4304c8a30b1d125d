package liveccu.streams;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do with a stream thread that failed: replace it, unless stream threads keep failing — more
 * than {@link #MAX_FAILURES} within {@link #WINDOW} — then shut the client down. A replaced thread
 * restores its tasks' state from Kafka and goes on; but some failures only a new process heals (issue
 * 25: a RocksDB store left open in this process by a thread that died, so that every new thread fails
 * with {@code lock hold by current process} while restoring it, every few seconds, forever, and its
 * partitions count nothing). Shut down, the client goes to ERROR, which makes liveness fail
 * ({@link StreamsHealth#failedReason}): the orchestrator restarts the instance and the state comes back
 * from the changelogs, exactly under exactly-once.
 */
final class ThreadReplacement implements StreamsUncaughtExceptionHandler {

    /**
     * Failures replaced within {@link #WINDOW}; the next one shuts the client down. Several threads may
     * fail at one moment from one cause (a broker lost), and a replaced thread may fail once more while
     * the cause lasts; a thread that fails again and again, seconds apart, goes past this within a minute.
     */
    static final int MAX_FAILURES = 3;
    /** How far back failures count: long past a restore or a rebalance, short enough that rare failures far apart never add up. */
    static final Duration WINDOW = Duration.ofMinutes(10);
    private static final int MAX_REASON = 300;
    /** Logged as before, under StreamsHealth, which sets this handler. */
    private static final Logger LOG = LoggerFactory.getLogger(StreamsHealth.class);

    private final String name;
    private final LongSupplier clock;
    /** When the failures within the window happened (clock millis), oldest first. */
    private final Deque<Long> failures = new ArrayDeque<>();

    ThreadReplacement(String name, LongSupplier clock) {
        this.name = name;
        this.clock = clock;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable failure) {
        int recent;
        synchronized (failures) {
            long now = clock.getAsLong();
            failures.addLast(now);
            while (now - failures.peekFirst() >= WINDOW.toMillis()) {
                failures.removeFirst();
            }
            recent = failures.size();
        }
        if (recent > MAX_FAILURES) {
            LOG.error("stream threads of {} failed {} times in {} minutes (last: {}); shutting the client down so that a restart"
                    + " reopens its state (liveness now fails)", name, recent, WINDOW.toMinutes(), summary(failure), failure);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.error("a stream thread of {} failed ({} of at most {} replaced in {} minutes); replacing it (state is restored"
                + " from Kafka)", name, recent, MAX_FAILURES, WINDOW.toMinutes(), failure);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** The failure and its root cause in a line, e.g. {@code ProcessorStateException: … ← RocksDBException: lock hold by current process …}. */
    static String summary(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = line(failure) + (root == failure ? "" : " ← " + line(root));
        return text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON) + "…";
    }

    private static String line(Throwable failure) {
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }
}
