package liveccu.api.qoe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import liveccu.model.QoeCount;
import liveccu.model.QoeDimensions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the heap, disk and time of 400,000 QoE hour records in the store (docs/qoe.md, "Memory").
 * {@code ./mvnw -B -o -q test -pl api -am -Dtest=QoeHourStoreMeasure -Dsurefire.failIfNoSpecifiedTests=false -Dqoe.measure=true}
 */
@EnabledIfSystemProperty(named = "qoe.measure", matches = "true")
class QoeHourStoreMeasure {

    private static final long HOUR = QoeCount.HOUR_MS;
    private static final int HOURS = 35 * 24;
    private static final int PER_HOUR = 476;   // 840 hours × 476 combinations ≈ 400,000 records
    private static final String[] BROWSERS = {"Chrome", "Firefox", "Safari", "Edge"};
    private static final String[] COUNTRIES = {"DE", "FR", "US", "GB", "ES", "IT", "NL"};
    private static final String[] ERRORS = {null, null, null, "manifestLoadError", "networkError"};

    @TempDir
    Path dir;

    @Test
    void fourHundredThousandHours() throws IOException {
        long t0 = 1_795_000_000_000L / HOUR * HOUR;
        long heapBefore = heapAfterGc();
        long loadStart = System.nanoTime();
        int written = 0;
        try (QoeHourStore store = new QoeHourStore(dir, QoeView.CACHE_BYTES)) {
            for (int h = 0; h < HOURS; h++) {
                for (int c = 0; c < PER_HOUR; c++) {
                    QoeCount count = record("large-account", t0 + h * HOUR, c);
                    store.apply(count.key(), count);
                    written++;
                }
                store.checkpoint(Map.of(0, (long) written));   // as the reader does after each poll
            }
            long loadMs = (System.nanoTime() - loadStart) / 1_000_000;
            long heapAfter = heapAfterGc();
            long queryStart = System.nanoTime();
            int day = store.range("large-account", t0 + 10 * 24 * HOUR, t0 + 11 * 24 * HOUR).size();
            long dayMs = (System.nanoTime() - queryStart) / 1_000_000;
            queryStart = System.nanoTime();
            int month = store.range("large-account", t0, t0 + 30 * 24 * HOUR).size();
            long monthMs = (System.nanoTime() - queryStart) / 1_000_000;
            queryStart = System.nanoTime();
            long[] views = new long[1];
            store.forEach("large-account", t0, t0 + 30 * 24 * HOUR, count -> views[0] += count.views());   // as /qoe sums
            long walkMs = (System.nanoTime() - queryStart) / 1_000_000;
            assertEquals(24 * PER_HOUR, day);
            System.out.printf("QOE-MEASURE records=%d load=%d ms heapBefore=%d MB heapAfter=%d MB (after GC, store open)"
                            + " disk=%d MB (files in the store's dir) dayList=%d records %d ms monthList=%d records %d ms monthWalk=%d ms%n",
                    written, loadMs, heapBefore >> 20, heapAfter >> 20, dirBytes() >> 20, day, dayMs, month, monthMs, walkMs);
        }
    }

    private static QoeCount record(String account, long hourMs, int c) {
        QoeDimensions dimensions = new QoeDimensions("content-" + (c % 3), "live", "web", c % 2 == 0 ? "Desktop" : "Phone",
                c % 2 == 0 ? "Windows" : "Android", BROWSERS[c % BROWSERS.length], COUNTRIES[c % COUNTRIES.length],
                3000L + c, "Network operator number " + c, ERRORS[c % ERRORS.length]);
        Map<Integer, Long> buckets = new TreeMap<>();
        for (int b = 0; b < 8; b++) {
            buckets.put(300 + b * 7 + c % 5, 1L + b);
        }
        return new QoeCount(account, HOUR, hourMs, dimensions, 40 + c, 38, 5, 1_800_000L + c, 20_000, 6, 5_400_000_000L,
                1_800_000, 2, 1, 1, 36, 43_000, buckets, 35, 28_000_000, 30_000_000, 33, 29_000_000, 34, 31_000_000);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private long dirBytes() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
