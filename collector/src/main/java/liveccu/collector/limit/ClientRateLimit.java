package liveccu.collector.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import liveccu.collector.intake.TrustedProxies;

/**
 * A token bucket per client (its address, see {@link TrustedProxies#client}): {@code burst} beacons
 * at once, refilled at {@code perSecond}. Shared by every event loop; lock-free and without
 * allocation for a known client under its limit.
 *
 * <p>Each bucket is one number, the generic cell rate algorithm's "theoretical arrival time": the
 * moment the bucket would be full again if no more beacons came. A beacon is let through when,
 * after adding one emission interval ({@code 1 / perSecond}), that moment is at most
 * {@code burst} intervals ahead of now. A bucket untouched for {@code burst / perSecond} is full
 * again, exactly like a new one, so buckets expire after that idle time (or after
 * {@link #RECORD_INTERVAL}, if longer, to keep the record sampling): memory follows the active
 * clients only, and never exceeds {@code maxClients} (a client forgotten early starts with a full
 * bucket: the limit errs on the lenient side, never refuses more).
 */
public final class ClientRateLimit {

    /** The answer for one beacon. */
    public sealed interface Decision permits Allowed, Limited {
    }

    /** Under the limit: go on. */
    public enum Allowed implements Decision { INSTANCE }

    /**
     * Over the limit.
     *
     * @param client            who the limit applies to (an address)
     * @param retryAfterSeconds whole seconds until the client has a token again (at least 1)
     * @param record            whether this one goes to the rejected topic (at most one per client
     *                          per {@link #RECORD_INTERVAL}, so a flood does not flood that topic)
     */
    public record Limited(String client, long retryAfterSeconds, boolean record) implements Decision {
    }

    /** Per client, at most one rate-limited beacon per interval is recorded on the rejected topic. */
    public static final Duration RECORD_INTERVAL = Duration.ofSeconds(10);

    private static final long NEVER = Long.MIN_VALUE;

    private static final class Bucket {
        /** Nanos (of the limiter's clock) when the bucket is full again; NEVER: full. */
        final AtomicLong fullAt = new AtomicLong(NEVER);
        /** When this client's last rate-limited beacon was recorded, or NEVER. */
        final AtomicLong lastRecorded = new AtomicLong(NEVER);
    }

    /** Not a lambda capturing the time: no allocation for a client already known. */
    private static final Function<String, Bucket> NEW_BUCKET = client -> new Bucket();

    private final TrustedProxies proxies;
    private final boolean enabled;
    private final long intervalNanos;
    private final long burstNanos;
    private final LongSupplier nanoTime;
    private final Cache<String, Bucket> buckets;

    /** No limit: every beacon is allowed. */
    public static ClientRateLimit off() {
        return new ClientRateLimit(0, 1, 1, TrustedProxies.NONE, System::nanoTime);
    }

    /**
     * @param perSecond  beacons per second per client; 0 turns the limit off
     * @param burst      beacons a client may send at once (the bucket's size), at least 1
     * @param maxClients clients remembered at most
     * @param proxies    whose {@code X-Forwarded-For} is believed
     * @param nanoTime   the clock ({@link System#nanoTime} but in tests)
     */
    public ClientRateLimit(int perSecond, int burst, long maxClients, TrustedProxies proxies, LongSupplier nanoTime) {
        this.proxies = proxies;
        this.enabled = perSecond > 0;
        this.intervalNanos = enabled ? TimeUnit.SECONDS.toNanos(1) / perSecond : 1;
        this.burstNanos = intervalNanos * Math.max(1, burst);
        this.nanoTime = nanoTime;
        this.buckets = enabled
                ? Caffeine.newBuilder()
                        .maximumSize(maxClients)
                        .expireAfterAccess(Duration.ofNanos(Math.max(burstNanos, RECORD_INTERVAL.toNanos())))
                        .ticker(nanoTime::getAsLong)
                        .build()
                : null;
    }

    /** Runs pending expiry and eviction now (Caffeine does it in passing; tests and metrics may ask). */
    public void cleanUp() {
        if (enabled) {
            buckets.cleanUp();
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** Clients currently remembered (an estimate), for the metric. */
    public long clients() {
        return enabled ? buckets.estimatedSize() : 0;
    }

    /**
     * Takes a token from the client's bucket, if it has one.
     *
     * @param remoteAddress the connection's peer address
     * @param forwardedFor  the {@code X-Forwarded-For} header or null (believed from trusted proxies only)
     */
    public Decision check(String remoteAddress, String forwardedFor) {
        if (!enabled) {
            return Allowed.INSTANCE;
        }
        long now = nanoTime.getAsLong();
        String client = proxies.client(remoteAddress, forwardedFor);
        Bucket bucket = buckets.get(client, NEW_BUCKET);
        while (true) {
            long fullAt = bucket.fullAt.get();
            long next = Math.max(fullAt, now) + intervalNanos;
            long over = next - now - burstNanos;
            if (over > 0) {
                return new Limited(client, Math.max(1, (over + 999_999_999L) / 1_000_000_000L), claimRecord(bucket, now));
            }
            if (bucket.fullAt.compareAndSet(fullAt, next)) {
                return Allowed.INSTANCE;
            }
        }
    }

    private static boolean claimRecord(Bucket bucket, long now) {
        long last = bucket.lastRecorded.get();
        return (last == NEVER || now - last >= RECORD_INTERVAL.toNanos()) && bucket.lastRecorded.compareAndSet(last, now);
    }
}
