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
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** The Streams property carrying the budget in bytes (set from CCU_ROCKSDB_MEMORY_MB). */
    public static final String MEMORY_BYTES = "liveccu.rocksdb.memory.bytes";
    /** Share of the budget mem-tables may use; the rest is block cache for reads. */
    private static final double MEMTABLE_SHARE = 0.25;
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
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store of the process: kept.
    }
}
