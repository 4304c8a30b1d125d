package liveccu.api.ccu;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import liveccu.api.store.LocalStore;
import liveccu.model.Audience;
import liveccu.model.MinuteCount;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The per-minute counts on local disk (RocksDB), with the two indexes the queries need, and the
 * position on the results topic they correspond to. Memory is RocksDB's bounded cache and write
 * buffers, off the heap: nothing here grows with the length of the history.
 *
 * <p>Keys (all big-endian, so that byte order is the order queries walk; minutes are never negative):
 * <ul>
 *   <li>{@code 'M' len(audience):u16 audience minute:i64} → counts: the minutes of one audience
 *       together, oldest first; a range query is one seek and a walk.</li>
 *   <li>{@code 'L' audience} → its latest minute and that minute's counts: one entry per audience,
 *       walked by eviction and to rebuild the recent index at start.</li>
 *   <li>{@code 'A' job account} → nothing: the accounts whose beacons named a job (normally one), for
 *       queries that name only the job; removed with the account's last minute of it.</li>
 *   <li>{@code 'O' partition:i32} → next offset to read; {@code 'I'} → the topic's id (kept by {@link LocalStore}).</li>
 * </ul>
 * Counts are three longs (ssccu, csccu, last receive time); audience and minute are in the key.
 *
 * <p>The recent lists ({@code /jobs}, {@code /accounts}, {@code /tracking}) are served from an index
 * in memory of the audiences whose latest minute is within {@code recentWindow}: its size is the
 * number of audiences active in that window, whatever the length of the history. (A time-ordered
 * index on disk was measured first: rewritten on every update of a current minute, its tombstones
 * made a walk of a hundred entries cost ~50 ms.)
 *
 * <p>Writes come from one thread (the reader) into a pending batch that {@link #checkpoint} writes
 * together with the positions, atomically; queries from any thread see only checkpointed state. Those,
 * the settings and closing are the {@link LocalStore}'s (as the QoE hours' store has them); this class
 * is the key layout, the queries, the recent index and eviction.
 */
final class MinuteCountStore implements AutoCloseable {

    private static final byte MINUTES = 'M';
    private static final byte LATEST = 'L';
    private static final byte JOB_ACCOUNTS = 'A';
    private static final byte[] NOTHING = new byte[0];

    private final LocalStore<WriteBatchWithIndex> local;
    /** {@link #local}'s pending batch, read together with the database (an audience's latest minute). */
    private final WriteBatchWithIndex pending;
    private final long recentWindowMs;
    private final LongSupplier clock;
    /** Latest minute of each audience active within the window, by kind; changed only at checkpoints. */
    private final Map<Audience.Kind, Map<String, MinuteCount>> recent = new EnumMap<>(Audience.Kind.class);
    /** Changes to {@link #recent} waiting for the next checkpoint (a null: the audience leaves it). */
    private final Map<String, MinuteCount> pendingRecent = new HashMap<>();

    /**
     * Opens (or creates) the store in {@code dir}; {@code cacheBytes} of block cache, off the heap; the
     * recent index holds audiences whose latest minute is within {@code recentWindowMs} of {@code clock}.
     */
    MinuteCountStore(Path dir, long cacheBytes, long recentWindowMs, LongSupplier clock) {
        this.recentWindowMs = recentWindowMs;
        this.clock = clock;
        for (Audience.Kind kind : Audience.Kind.values()) {
            recent.put(kind, new ConcurrentHashMap<>());
        }
        local = LocalStore.openIndexed(dir, cacheBytes);
        pending = local.pending();
        long since = clock.getAsLong() - recentWindowMs;
        try (RocksIterator it = local.newIterator()) {
            for (it.seek(new byte[] {LATEST}); it.isValid() && it.key()[0] == LATEST; it.next()) {
                String audience = new String(it.key(), 1, it.key().length - 1, StandardCharsets.UTF_8);
                MinuteCount latest = decode(audience, ByteBuffer.wrap(it.value()).getLong(), Arrays.copyOfRange(it.value(), 8, 32));
                if (latest.minuteStartMs() >= since) {
                    recent.get(Audience.fromKey(audience).kind()).put(audience, latest);
                }
            }
        }
    }

    // ---- reading (any thread) ----

    /** Minutes of an audience with {@code fromMs <= minute < toMs} and a count above zero, newest first. */
    List<MinuteCount> range(Audience audience, long fromMs, long toMs) {
        return local.reading(() -> {
            List<MinuteCount> result = new ArrayList<>();
            if (fromMs >= toMs) {
                return result;
            }
            String key = audience.key();
            byte[] lower = minuteKey(key, fromMs);
            try (RocksIterator it = local.newIterator()) {
                // the last key below toMs, then back to fromMs
                it.seekForPrev(minuteKey(key, toMs - 1));
                for (; it.isValid() && Arrays.compareUnsigned(it.key(), lower) >= 0; it.prev()) {
                    MinuteCount count = decode(key, minuteOf(it.key()), it.value());
                    if (count.ssccu() > 0 || count.csccu() > 0) {
                        result.add(count);
                    }
                }
            }
            return result;
        });
    }

    /** Whether any minute of the audience is stored (checkpointed). */
    boolean holds(Audience audience) {
        return local.reading(() -> {
            try {
                return local.db().get(local.readOptions(), latestKey(audience.key())) != null;
            } catch (RocksDBException e) {
                throw new IllegalStateException("cannot read the API's store", e);
            }
        });
    }

    /**
     * The latest minute of every audience of one kind whose latest minute is at or after {@code sinceMs},
     * most recent first (then by audience); for tracking-in-job, those of {@code jobId}.
     */
    List<MinuteCount> latest(Audience.Kind kind, String jobId, long sinceMs) {
        return local.reading(() -> recent.get(kind).values().stream()
                .filter(count -> count.minuteStartMs() >= sinceMs)
                .filter(count -> jobId == null || jobId.equals(Audience.fromKey(count.audience()).jobId()))
                .sorted(Comparator.comparingLong(MinuteCount::minuteStartMs).reversed().thenComparing(MinuteCount::audience))
                .toList());
    }

    /** The accounts whose beacons named this job, within the history kept (normally one). */
    List<String> accountsOfJob(String jobId) {
        return local.reading(() -> {
            List<String> accounts = new ArrayList<>();
            byte[] prefix = concat(new byte[] {JOB_ACCOUNTS}, jobId.getBytes(StandardCharsets.UTF_8));
            try (RocksIterator it = local.newIterator()) {
                for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                    accounts.add(new String(it.key(), prefix.length, it.key().length - prefix.length, StandardCharsets.UTF_8));
                }
            }
            return accounts;
        });
    }

    // ---- writing (one thread) ----

    /** Next offset per partition, as checkpointed; emptied first when the store was built from another topic. */
    Map<Integer, Long> positions(String topicId) {
        return local.positions(topicId);
    }

    /** One minute's counts (pending until the next checkpoint). */
    void put(MinuteCount count) {
        try {
            String audience = count.audience();
            Audience parsed = Audience.fromKey(audience);  // checks the audience before anything is written
            byte[] value = encode(count);
            if (parsed.kind() == Audience.Kind.JOB && !parsed.unscoped()) {
                pending.put(jobAccountKey(parsed), NOTHING);
            }
            pending.put(minuteKey(audience, count.minuteStartMs()), value);
            Long latest = latestMinute(audience);
            if (latest == null || count.minuteStartMs() >= latest) {
                setLatest(audience, count.minuteStartMs(), value);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write to the API's store", e);
        }
    }

    /** A tombstone: the minute is gone; if it was the audience's latest, the one before takes its place. */
    void delete(String audience, long minuteMs) {
        try {
            pending.delete(minuteKey(audience, minuteMs));
            Long latest = latestMinute(audience);
            if (latest == null || latest != minuteMs) {
                return;
            }
            byte[] prefix = minutePrefix(audience);
            try (RocksIterator base = local.newIterator(); RocksIterator it = pending.newIteratorWithBase(base)) {
                it.seekForPrev(minuteKey(audience, minuteMs));
                if (it.isValid() && startsWith(it.key(), prefix) && it.key().length == prefix.length + 8) {
                    setLatest(audience, minuteOf(it.key()), it.value());
                } else {
                    pending.delete(latestKey(audience));
                    forgetJobAccount(pending, audience);
                    pendingRecent.put(audience, null);
                }
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write to the API's store", e);
        }
    }

    private void setLatest(String audience, long minuteMs, byte[] value) throws RocksDBException {
        pending.put(latestKey(audience), concat(longBytes(minuteMs), value));
        pendingRecent.put(audience, minuteMs >= clock.getAsLong() - recentWindowMs ? decode(audience, minuteMs, value) : null);
    }

    /** Writes what was applied since the last checkpoint together with the positions, atomically. */
    void checkpoint(Map<Integer, Long> next) {
        local.checkpoint(next);
        pendingRecent.forEach((audience, latest) -> {
            Map<String, MinuteCount> ofKind = recent.get(Audience.fromKey(audience).kind());
            if (latest == null) {
                ofKind.remove(audience);
            } else {
                ofKind.put(audience, latest);
            }
        });
        pendingRecent.clear();
    }

    /**
     * Deletes the minutes before {@code oldestMs}, and audiences with nothing since from the
     * indexes. Walks the audiences (the latest index), not the minutes: one seek per audience.
     */
    void evictBefore(long oldestMs) {
        try (WriteBatch batch = new WriteBatch(); RocksIterator audiences = local.newIterator();
             RocksIterator minutes = local.newIterator()) {
            for (audiences.seek(new byte[] {LATEST}); audiences.isValid() && audiences.key()[0] == LATEST; audiences.next()) {
                String audience = new String(audiences.key(), 1, audiences.key().length - 1, StandardCharsets.UTF_8);
                long latest = ByteBuffer.wrap(audiences.value()).getLong();
                if (latest < oldestMs) {
                    batch.deleteRange(minuteKey(audience, 0), minuteKey(audience, Long.MAX_VALUE));
                    batch.delete(minuteKey(audience, Long.MAX_VALUE));
                    batch.delete(audiences.key());
                    forgetJobAccount(batch, audience);
                    continue;
                }
                minutes.seek(minutePrefix(audience));
                if (minutes.isValid() && startsWith(minutes.key(), minutePrefix(audience)) && minuteOf(minutes.key()) < oldestMs) {
                    batch.deleteRange(minuteKey(audience, 0), minuteKey(audience, oldestMs));
                }
            }
            if (batch.count() > 0) {
                local.write(batch);
            }
            long since = Math.max(oldestMs, clock.getAsLong() - recentWindowMs);
            recent.values().forEach(ofKind -> ofKind.values().removeIf(count -> count.minuteStartMs() < since));
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write to the API's store", e);
        }
    }

    /** Bytes on disk (SST files), for the metrics. */
    long diskBytes() {
        return local.diskBytes();
    }

    /** Waits for queries in flight; later ones are answered 503. Pending writes are dropped (re-read from the topic). */
    @Override
    public void close() {
        local.close();
    }

    private Long latestMinute(String audience) throws RocksDBException {
        byte[] latest = pending.getFromBatchAndDB(local.db(), local.readOptions(), latestKey(audience));
        return latest == null ? null : ByteBuffer.wrap(latest).getLong();
    }

    // ---- encoding ----

    private static byte[] minutePrefix(String audience) {
        byte[] id = audience.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(3 + id.length).put(MINUTES).putShort((short) id.length).put(id).array();
    }

    static byte[] minuteKey(String audience, long minuteMs) {
        return concat(minutePrefix(audience), longBytes(minuteMs));
    }

    private static long minuteOf(byte[] minuteKey) {
        return ByteBuffer.wrap(minuteKey, minuteKey.length - 8, 8).getLong();
    }

    private static byte[] latestKey(String audience) {
        return concat(new byte[] {LATEST}, audience.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] jobAccountKey(Audience job) {
        return concat(new byte[] {JOB_ACCOUNTS}, (job.jobId() + job.accountId()).getBytes(StandardCharsets.UTF_8));
    }

    private static void forgetJobAccount(org.rocksdb.AbstractWriteBatch batch, String audience) throws RocksDBException {
        Audience parsed = Audience.fromKey(audience);
        if (parsed.kind() == Audience.Kind.JOB && !parsed.unscoped()) {
            batch.delete(jobAccountKey(parsed));
        }
    }

    private static byte[] encode(MinuteCount count) {
        return ByteBuffer.allocate(24).putLong(count.ssccu()).putLong(count.csccu()).putLong(count.lastRxAtMs()).array();
    }

    private static MinuteCount decode(String audience, long minuteMs, byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        return new MinuteCount(audience, minuteMs, buffer.getLong(), buffer.getLong(), buffer.getLong());
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
