package liveccu.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompactionStyle;
import org.rocksdb.FlushJobInfo;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Many RocksDB stores sharing {@link BoundedRocksDbMemory}'s budget, opened with the options Kafka Streams
 * gives its stores (16 MiB mem-tables, universal compaction, no write-ahead log) before our setter runs.
 */
class BoundedRocksDbMemoryTest {

    private static final long BUDGET = 64L * 1024 * 1024;
    private static final int IDLE_STORES = 40;
    private static final byte[] VALUE = new byte[100];

    static {
        RocksDB.loadLibrary(); // Kafka Streams does this before it opens a store
    }

    @TempDir
    Path dir;
    private final List<RocksDB> stores = new ArrayList<>();
    private final List<Options> options = new ArrayList<>();
    private final WriteOptions noWal = new WriteOptions().setDisableWAL(true);

    @AfterEach
    void close() {
        stores.forEach(RocksDB::close);
        options.forEach(Options::close);
        noWal.close();
    }

    @Test
    void aStoreWrittenAfterOthersWentIdleFlushesOnlyFullMemTables() throws Exception {
        // 40 stores written 1.3 MB each, then never again (as the beacons' stores after a burst): with
        // 16 MiB mem-tables they keep it all, more than the budget's mem-table share.
        for (int i = 0; i < IDLE_STORES; i++) {
            RocksDB idle = open("idle-" + i, new AtomicInteger());
            write(idle, 0, 10_000);
            waitForFlushes(idle);
        }
        AtomicInteger flushes = new AtomicInteger();
        RocksDB active = open("active", flushes);

        // A stream thread's writes are spread in time: each flush one starts is over before the next write.
        for (int i = 0; i < 1_000; i++) {
            write(active, i, 1);
            waitForFlushes(active);
        }

        // 1,000 small records fit in one mem-table; a budget filled by idle mem-tables flushed at every write.
        assertTrue(flushes.get() <= 1, flushes.get() + " flushes for 1,000 writes");
    }

    @Test
    void theDefaultBudgetGivesEachStoreATwoMegabyteMemTable() {
        assertEquals(2L * 1024 * 1024, BoundedRocksDbMemory.writeBufferBytes(256L * 1024 * 1024));
        assertEquals(16L * 1024 * 1024, BoundedRocksDbMemory.writeBufferBytes(64L * 1024 * 1024 * 1024));
        assertEquals(256L * 1024, BoundedRocksDbMemory.writeBufferBytes(16L * 1024 * 1024));
    }

    private RocksDB open(String name, AtomicInteger flushes) throws RocksDBException {
        BlockBasedTableConfig table = new BlockBasedTableConfig();
        Options store = new Options()
                .setCreateIfMissing(true)
                .setTableFormatConfig(table)
                .setCompactionStyle(CompactionStyle.UNIVERSAL)
                .setWriteBufferSize(16L * 1024 * 1024)
                .setMaxWriteBufferNumber(3)
                .setListeners(List.of(new AbstractEventListener() {
                    @Override
                    public void onFlushCompleted(RocksDB db, FlushJobInfo flushJobInfo) {
                        flushes.incrementAndGet();
                    }
                }));
        new BoundedRocksDbMemory().setConfig(name, store, Map.of(BoundedRocksDbMemory.MEMORY_BYTES, BUDGET));
        options.add(store);
        RocksDB db = RocksDB.open(store, dir.resolve(name).toString());
        stores.add(db);
        return db;
    }

    private void write(RocksDB db, int from, int records) throws RocksDBException {
        for (int i = from; i < from + records; i++) {
            db.put(noWal, ("key-" + i).getBytes(StandardCharsets.UTF_8), VALUE);
        }
    }

    private static void waitForFlushes(RocksDB db) throws RocksDBException, InterruptedException {
        while (db.getLongProperty("rocksdb.mem-table-flush-pending") > 0
                || db.getLongProperty("rocksdb.num-running-flushes") > 0) {
            Thread.sleep(10);
        }
    }
}
