package liveccu.api.periods;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongUnaryOperator;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The records of a compacted results topic whose periods (minutes, hours, days) fall within the last
 * {@code history}, in memory by account: what the playback and CDN views keep. Records of older
 * periods are not kept, and leave at most ten minutes after they age out.
 *
 * @param <V> a record with an account and the start of its period
 */
public final class AccountPeriods<V> {

    private static final long EVICT_EVERY_MS = 10 * 60_000;

    private final Duration history;
    private final Clock clock;
    private final Function<V, String> account;
    private final ToLongFunction<V> periodStart;
    private final LongUnaryOperator periodOf;
    private final Map<String, Map<String, V>> byAccount = new ConcurrentHashMap<>();
    private long nextEvictionMs;

    /**
     * @param periodStart the start of a record's period, epoch ms
     * @param periodOf    the start of the period an instant falls in (the oldest period kept is that of now − history)
     */
    public AccountPeriods(Duration history, Clock clock, Function<V, String> account, ToLongFunction<V> periodStart,
                   LongUnaryOperator periodOf) {
        this.history = history;
        this.clock = clock;
        this.account = account;
        this.periodStart = periodStart;
        this.periodOf = periodOf;
    }

    /** One record of the topic (a tombstone as null). */
    public void apply(String key, V record) {
        if (record == null) {
            byAccount.values().forEach(records -> records.remove(key));
        } else if (periodStart.applyAsLong(record) >= oldestKept(clock.millis())) {
            byAccount.computeIfAbsent(account.apply(record), any -> new ConcurrentHashMap<>()).put(key, record);
        }
    }

    /** The account's records of periods starting in {@code fromMs <= period < toMs}, in no particular order. */
    public Stream<V> of(String accountId, long fromMs, long toMs) {
        return byAccount.getOrDefault(accountId, Map.of()).values().stream()
                .filter(record -> periodStart.applyAsLong(record) >= fromMs && periodStart.applyAsLong(record) < toMs);
    }

    /** After each poll of the topic: drops the periods that aged out, every ten minutes at most. */
    public void evictOld() {
        long now = clock.millis();
        if (now < nextEvictionMs) {
            return;
        }
        nextEvictionMs = now + EVICT_EVERY_MS;
        long oldest = oldestKept(now);
        byAccount.values().forEach(records -> records.values().removeIf(record -> periodStart.applyAsLong(record) < oldest));
    }

    private long oldestKept(long nowMs) {
        return periodOf.applyAsLong(nowMs - history.toMillis());
    }
}
