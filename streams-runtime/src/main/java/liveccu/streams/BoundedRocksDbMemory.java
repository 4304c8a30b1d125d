package liveccu.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One memory budget for all of this instance's RocksDB stores, whatever the number of partitions
 * and window segments it hosts. By default every store instance gets its own 50 MiB block cache and
 * up to 48 MiB of mem-tables, so native memory grows with partitions (docs/benchmarks.md, state
 * cost); here the block cache is shared and the mem-tables are charged to it, as the Kafka Streams
 * memory-management guide shows.
 *
 * <p>Each store's mem-table is small ({@link #writeBufferBytes}): since Kafka 4.3 (KIP-1035) Streams no
 * longer flushes RocksDB at commit, so a store that stops being written (the beacons' stores after a
 * burst, a window's older segment) keeps its mem-table until it is full. Once such idle mem-tables fill
 * the shared budget, RocksDB makes every write to an active store flush that store's own, nearly empty
 * mem-table (RocksDB issue 12157): a CDN log import after a burst of beacons wrote hundreds of tiny files
 * a minute and cost 16× the CPU per line (docs/benchmarks.md, section 5).
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** The Streams property carrying the budget in bytes (set from CCU_ROCKSDB_MEMORY_MB). */
    public static final String MEMORY_BYTES = "liveccu.rocksdb.memory.bytes";
    /** Share of the budget mem-tables may use; the rest is block cache for reads. */
    private static final double MEMTABLE_SHARE = 0.5;
    /**
     * Full mem-tables the mem-table budget holds. An AllInOne with 6 partitions hosts ~90 store instances
     * (stores × partitions × window segments), most of them idle at any time and far from full.
     */
    private static final int MEMTABLES_IN_BUDGET = 64;
    private static final long MIN_WRITE_BUFFER_BYTES = 256 * 1024;
    /** Kafka Streams' own default: a larger budget gives no larger mem-tables. */
    private static final long MAX_WRITE_BUFFER_BYTES = 16 * 1024 * 1024;
    /** Share of the cache kept for indexes and filters, so lookups never lose them to data blocks. */
    private static final double HIGH_PRIORITY_SHARE = 0.1;

    private static Cache cache;
    private static WriteBufferManager writeBuffers;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long budget = Long.parseLong(String.valueOf(configs.get(MEMORY_BYTES)));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        synchronized (BoundedRocksDbMemory.class) {
            if (cache == null) {
                cache = new LRUCache(budget, -1, false, HIGH_PRIORITY_SHARE);
                writeBuffers = new WriteBufferManager((long) (budget * MEMTABLE_SHARE), cache);
            }
            table.setBlockCache(cache);
            options.setWriteBufferManager(writeBuffers);
        }
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferSize(writeBufferBytes(budget));
    }

    /** One store's mem-table: small enough that the budget holds {@link #MEMTABLES_IN_BUDGET} of them. */
    static long writeBufferBytes(long budget) {
        long share = (long) (budget * MEMTABLE_SHARE) / MEMTABLES_IN_BUDGET;
        return Math.max(MIN_WRITE_BUFFER_BYTES, Math.min(MAX_WRITE_BUFFER_BYTES, share));
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store of the process: kept.
    }
}
