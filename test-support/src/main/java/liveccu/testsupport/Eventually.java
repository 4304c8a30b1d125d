package liveccu.testsupport;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls against a deadline instead of sleeping a fixed time. */
public final class Eventually {

    private Eventually() {
    }

    /**
     * Calls {@code probe} every 100 ms until {@code done} accepts what it returned, and returns that.
     *
     * @throws AssertionError after {@code timeout}, naming {@code what} and the last value seen
     */
    public static <T> T await(Duration timeout, String what, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
    }
}
