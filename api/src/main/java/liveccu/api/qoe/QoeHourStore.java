package liveccu.api.qoe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import liveccu.api.store.LocalStore;
import liveccu.model.KeyParts;
import liveccu.model.QoeCount;
import liveccu.model.Topics;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The QoE hours (ccu.qoe-hours, every dimension) on local disk (RocksDB), with the position on the topic they
 * correspond to, as the CCU minutes are kept ({@code liveccu.api.ccu.MinuteCountStore}): both are a {@link LocalStore}
 * (same settings, positions, pending batch, 503 once closed), this class their key layout, queries and eviction. Memory is
 * RocksDB's bounded cache and write buffers, off the heap: nothing here grows with the number of hour records.
 *
 * <p>Keys (big-endian, so that byte order is the order a range query walks; hours are never negative):
 * <ul>
 *   <li>{@code 'H' len(account):u16 account hour:i64 dimensions} → the record as on the topic (its JSON serde),
 *       where account and dimensions are those parts of the record's topic key ({@link QoeCount#key()}:
 *       {@code account|3600000|hour|dimensions}, the account URL-encoded): an update of a key replaces its
 *       record, a tombstone of it deletes it, and an account's hours of a range are one seek and a walk.</li>
 *   <li>{@code 'O' partition:i32} → next offset to read; {@code 'I'} → the topic's id (kept by {@link LocalStore}).</li>
 * </ul>
 *
 * <p>Writes come from one thread (the reader) into a pending batch that {@link #checkpoint} writes together with
 * the positions, atomically; queries from any thread see only checkpointed state.
 */
final class QoeHourStore implements AutoCloseable {

    private static final byte HOURS = 'H';

    private final Serializer<QoeCount> serializer = Topics.QOE_HOURS.valueSerde().serializer();
    private final Deserializer<QoeCount> deserializer = Topics.QOE_HOURS.valueSerde().deserializer();
    private final LocalStore<WriteBatch> local;

    /** Opens (or creates) the store in {@code dir}; {@code cacheBytes} of block cache, off the heap. */
    QoeHourStore(Path dir, long cacheBytes) {
        local = LocalStore.open(dir, cacheBytes);
    }

    // ---- reading (any thread) ----

    /** The account's hours with {@code fromMs <= hour < toMs}, oldest first. */
    List<QoeCount> range(String accountId, long fromMs, long toMs) {
        List<QoeCount> result = new ArrayList<>();
        forEach(accountId, fromMs, toMs, result::add);
        return result;
    }

    /** Hands each of the account's hours with {@code fromMs <= hour < toMs} to {@code action}, oldest first, holding none. */
    void forEach(String accountId, long fromMs, long toMs, Consumer<QoeCount> action) {
        local.reading(() -> {
            if (fromMs >= toMs) {
                return null;
            }
            byte[] prefix = accountPrefix(KeyParts.encode(accountId));
            byte[] upper = concat(prefix, longBytes(Math.max(toMs, 0)));
            try (RocksIterator it = local.newIterator()) {
                for (it.seek(concat(prefix, longBytes(Math.max(fromMs, 0))));
                     it.isValid() && Arrays.compareUnsigned(it.key(), upper) < 0; it.next()) {
                    action.accept(deserializer.deserialize(Topics.QOE_HOURS.name(), it.value()));
                }
            }
            return null;
        });
    }

    // ---- writing (one thread) ----

    /** Next offset per partition, as checkpointed; emptied first when the store was built from another topic. */
    Map<Integer, Long> positions(String topicId) {
        return local.positions(topicId);
    }

    /**
     * A record of the topic under its key (pending until the next checkpoint); a tombstone ({@code count} null)
     * deletes the key's record. Keys that are not an hour's ({@code account|3600000|hour|…}) are ignored.
     */
    void apply(String key, QoeCount count) {
        byte[] storeKey = storeKey(key);
        if (storeKey == null) {
            return;
        }
        try {
            if (count == null) {
                local.pending().delete(storeKey);
            } else {
                local.pending().put(storeKey, serializer.serialize(Topics.QOE_HOURS.name(), count));
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write to the API's store", e);
        }
    }

    /** Writes what was applied since the last checkpoint together with the positions, atomically. */
    void checkpoint(Map<Integer, Long> next) {
        local.checkpoint(next);
    }

    /**
     * Deletes the hours before {@code oldestMs}: one range delete per account that has any. Walks the accounts
     * by seeking past each one's keys, so a walk is one seek per account, not one step per hour.
     */
    void evictBefore(long oldestMs) {
        long oldest = Math.max(oldestMs, 0);
        try (WriteBatch batch = new WriteBatch(); RocksIterator it = local.newIterator()) {
            for (it.seek(new byte[] {HOURS}); it.isValid() && it.key()[0] == HOURS; ) {
                byte[] key = it.key();
                byte[] prefix = Arrays.copyOf(key, 3 + (ByteBuffer.wrap(key, 1, 2).getShort() & 0xffff));
                if (ByteBuffer.wrap(key, prefix.length, 8).getLong() < oldest) {
                    batch.deleteRange(concat(prefix, longBytes(0)), concat(prefix, longBytes(oldest)));
                }
                it.seek(successor(prefix));
            }
            if (batch.count() > 0) {
                local.write(batch);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write to the API's store", e);
        }
    }

    /** Waits for queries in flight; later ones are answered 503. Pending writes are dropped (re-read from the topic). */
    @Override
    public void close() {
        local.close();
    }

    // ---- encoding ----

    /** {@code 'H' len(account) account hour dimensions} from a topic key, or null when it is not an hour's. */
    static byte[] storeKey(String topicKey) {
        if (topicKey == null) {
            return null;
        }
        String[] parts = topicKey.split("\\|", 4);
        if (parts.length < 4 || !parts[1].equals(Long.toString(QoeCount.HOUR_MS))) {
            return null;
        }
        long hour;
        try {
            hour = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return null;
        }
        if (hour < 0) {
            return null;
        }
        return concat(concat(accountPrefix(parts[0]), longBytes(hour)), parts[3].getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] accountPrefix(String encodedAccount) {
        byte[] id = encodedAccount.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(3 + id.length).put(HOURS).putShort((short) id.length).put(id).array();
    }

    /** The smallest key after every key that starts with {@code prefix}. */
    private static byte[] successor(byte[] prefix) {
        byte[] next = prefix.clone();
        for (int i = next.length - 1; i >= 0; i--) {
            if (next[i] != (byte) 0xff) {
                next[i]++;
                return Arrays.copyOf(next, i + 1);
            }
        }
        return new byte[] {(byte) 0xff, (byte) 0xff};
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
