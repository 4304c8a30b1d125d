package liveccu.api.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import liveccu.ops.http.HttpFailure;
import org.rocksdb.AbstractWriteBatch;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

/**
 * A topic materialised on this instance's disk (RocksDB), with the positions on the topic it corresponds to:
 * what the API's stores ({@code liveccu.api.ccu.MinuteCountStore}, {@code liveccu.api.qoe.QoeHourStore}) share.
 * It holds the database and its lifecycle; each store keeps its own key layout, queries and eviction.
 *
 * <ul>
 *   <li>Settings: {@code cacheBytes} of LRU block cache, LZ4, 2 × 16 MiB write buffers, all off the heap.</li>
 *   <li>Keys of its own: {@code 'O' partition:i32} → next offset to read; {@code 'I'} → the topic's id. A store's
 *       keys start with another byte.</li>
 *   <li>Writes come from one thread (the reader) into {@link #pending()}, which {@link #checkpoint} writes together
 *       with the positions, atomically; queries from any thread, inside {@link #reading}, see only checkpointed
 *       state, and are answered 503 once the store is closed.</li>
 * </ul>
 *
 * @param <B> the pending batch: a plain {@link WriteBatch}, or a {@link WriteBatchWithIndex} for a store that reads
 *            its own pending writes ({@link #openIndexed})
 */
public final class LocalStore<B extends AbstractWriteBatch> implements AutoCloseable {

    private static final byte OFFSETS = 'O';
    private static final byte TOPIC_ID = 'I';

    static {
        RocksDB.loadLibrary();
    }

    private final Options options;
    private final LRUCache cache;
    private final RocksDB db;
    private final WriteOptions writeOptions = new WriteOptions();
    private final ReadOptions readOptions = new ReadOptions();
    private final B pending;
    private final Map<Integer, Long> stored = new HashMap<>();
    private final ReadWriteLock open = new ReentrantReadWriteLock();
    private boolean closed;

    /** Opens (or creates) the store in {@code dir}, its pending writes in a plain batch. */
    public static LocalStore<WriteBatch> open(Path dir, long cacheBytes) {
        return new LocalStore<>(dir, cacheBytes, new WriteBatch());
    }

    /**
     * Opens (or creates) the store in {@code dir}, its pending writes in a batch that can be read together with the
     * database ({@link WriteBatchWithIndex#getFromBatchAndDB}, {@link WriteBatchWithIndex#newIteratorWithBase}), a
     * key written again replacing its earlier write.
     */
    public static LocalStore<WriteBatchWithIndex> openIndexed(Path dir, long cacheBytes) {
        return new LocalStore<>(dir, cacheBytes, new WriteBatchWithIndex(true));
    }

    private LocalStore(Path dir, long cacheBytes, B pending) {
        this.pending = pending;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the API's state directory " + dir, e);
        }
        cache = new LRUCache(cacheBytes);
        options = new Options()
                .setCreateIfMissing(true)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setWriteBufferSize(16L << 20)
                .setMaxWriteBufferNumber(2)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
        try {
            db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot open the API's store in " + dir
                    + " (is another API instance using it? give each its own CCU_API_STATE_DIR)", e);
        }
    }

    /** The database, for the store's own reads; its writes go to {@link #pending()} or {@link #write}. */
    public RocksDB db() {
        return db;
    }

    /** The read options every read uses. */
    public ReadOptions readOptions() {
        return readOptions;
    }

    /** An iterator over checkpointed state; the caller closes it. */
    public RocksIterator newIterator() {
        return db.newIterator(readOptions);
    }

    /** The writes waiting for the next {@link #checkpoint} (the reader's thread only). */
    public B pending() {
        return pending;
    }

    /** Writes a batch at once, outside the pending one (eviction). */
    public void write(WriteBatch batch) throws RocksDBException {
        db.write(writeOptions, batch);
    }

    /** Runs a query while the store is open (closing waits for it); once closed, answers 503. */
    public <T> T reading(Supplier<T> query) {
        open.readLock().lock();
        try {
            if (closed) {
                throw new HttpFailure(503, "shutting down");
            }
            return query.get();
        } finally {
            open.readLock().unlock();
        }
    }

    /** Next offset per partition, as checkpointed; emptied first when the store was built from another topic. */
    public Map<Integer, Long> positions(String topicId) {
        try {
            byte[] id = topicId.getBytes(StandardCharsets.UTF_8);
            byte[] storedId = db.get(new byte[] {TOPIC_ID});
            if (storedId != null && !Arrays.equals(storedId, id)) {
                // Another topic of that name (deleted and created again, or another cluster): start afresh.
                try (WriteBatch wipe = new WriteBatch()) {
                    wipe.deleteRange(new byte[] {0}, new byte[] {(byte) 0xff});
                    wipe.put(new byte[] {TOPIC_ID}, id);
                    db.write(writeOptions, wipe);
                }
            } else if (storedId == null) {
                db.put(writeOptions, new byte[] {TOPIC_ID}, id);
            }
            stored.clear();
            try (RocksIterator it = db.newIterator(readOptions)) {
                for (it.seek(new byte[] {OFFSETS}); it.isValid() && it.key()[0] == OFFSETS; it.next()) {
                    stored.put(ByteBuffer.wrap(it.key(), 1, 4).getInt(), ByteBuffer.wrap(it.value()).getLong());
                }
            }
            return Map.copyOf(stored);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the store's positions", e);
        }
    }

    /** Writes what is pending together with the positions that changed, atomically. */
    public void checkpoint(Map<Integer, Long> next) {
        try {
            for (var position : next.entrySet()) {
                if (!position.getValue().equals(stored.get(position.getKey()))) {
                    pending.put(offsetKey(position.getKey()), ByteBuffer.allocate(8).putLong(position.getValue()).array());
                }
            }
            if (pending.count() > 0) {
                if (pending instanceof WriteBatchWithIndex indexed) {
                    db.write(writeOptions, indexed);
                } else {
                    db.write(writeOptions, (WriteBatch) pending);
                }
                pending.clear();
                stored.putAll(next);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write to the API's store", e);
        }
    }

    /** Bytes on disk (SST files), for the metrics; -1 when RocksDB cannot tell. */
    public long diskBytes() {
        return reading(() -> {
            try {
                return db.getLongProperty("rocksdb.total-sst-files-size");
            } catch (RocksDBException e) {
                return -1L;
            }
        });
    }

    /** Waits for queries in flight; later ones are answered 503. Pending writes are dropped (re-read from the topic). */
    @Override
    public void close() {
        open.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            pending.close();
            readOptions.close();
            writeOptions.close();
            db.close();
            options.close();
            cache.close();
        } finally {
            open.writeLock().unlock();
        }
    }

    private static byte[] offsetKey(int partition) {
        return ByteBuffer.allocate(5).put(OFFSETS).putInt(partition).array();
    }
}
