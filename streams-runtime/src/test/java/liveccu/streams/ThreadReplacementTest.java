package liveccu.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

/** {@link ThreadReplacement} with a clock set by hand: replace a failed thread, unless threads keep failing. */
class ThreadReplacementTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ThreadReplacement replacement = new ThreadReplacement("Kafka Streams", clock::get);
    private final Throwable lockHeld = new ProcessorStateException("Exception caught while trying to restore state from x-changelog-0",
            new IllegalStateException("lock hold by current process"));

    @Test
    void aSingleFailureIsReplaced() {
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, replacement.handle(lockHeld));
    }

    @Test
    void oneFailureMoreThanTheBoundWithinTheWindowShutsTheClientDown() {
        for (int i = 0; i < ThreadReplacement.MAX_FAILURES; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, replacement.handle(lockHeld), "failure " + (i + 1));
            clock.addAndGet(10_000);  // issue 25: a new thread failing every ~10 s
        }
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, replacement.handle(lockHeld));
    }

    @Test
    void failuresSpreadBeyondTheWindowAreReplaced() {
        long apart = ThreadReplacement.WINDOW.toMillis() / ThreadReplacement.MAX_FAILURES + 1;
        for (int i = 0; i < 3 * ThreadReplacement.MAX_FAILURES; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, replacement.handle(lockHeld), "failure " + (i + 1));
            clock.addAndGet(apart);
        }
    }

    @Test
    void aFailureJustOutsideTheWindowNoLongerCounts() {
        for (int i = 0; i < ThreadReplacement.MAX_FAILURES; i++) {
            replacement.handle(lockHeld);
        }
        clock.addAndGet(ThreadReplacement.WINDOW.toMillis());
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, replacement.handle(lockHeld));
        clock.addAndGet(Duration.ofSeconds(1).toMillis());
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, replacement.handle(lockHeld));
    }

    @Test
    void theSummaryNamesTheFailureAndItsRootCause() {
        assertEquals("ProcessorStateException: Exception caught while trying to restore state from x-changelog-0"
                + " ← IllegalStateException: lock hold by current process", ThreadReplacement.summary(lockHeld));
    }
}
