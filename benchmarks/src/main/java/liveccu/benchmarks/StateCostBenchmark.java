package liveccu.benchmarks;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import liveccu.aggregator.ccu.CcuTopology;
import liveccu.kafka.EmbeddedKafkaBroker;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.MinuteCount;
import liveccu.model.Side;
import liveccu.model.Topics;
import liveccu.model.Viewer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the aggregator's state costs per concurrently active session: bytes on disk (the Streams
 * state directory; the broker's log of the aggregator's changelog, repartition and output topics)
 * and memory (RocksDB, JVM heap, resident memory), for N distinct sessions of one job.
 *
 * <p>Per size: a fresh real broker (in this JVM) and the real aggregator, {@code AggregatorMain}
 * with its default settings, in a JVM of its own — so its heap and resident memory are the
 * aggregator's alone, and its {@code -Xmx} can be constrained. The beacons go straight to the
 * beacons topic with a plain producer and the model's serde (the collector is not what is measured
 * here). By default each session sends two beacons in the minute, one {@code heartbeat} and one
 * {@code csheartbeat}, without viewer data: a viewer whose player reports, the least traffic that
 * creates all of a session's per-minute state. Then the benchmark waits until the aggregator's
 * published count for the job and minute is exactly N on both sides and every beacon is processed,
 * lets a few commits settle, and measures.
 *
 * <p>Usage: {@code StateCostBenchmark [SIZE…]}, default {@code 10000 100000 1000000}. SIZE is
 * {@code N[xM][r][t]}: N sessions; {@code xM} — the same sessions in each of the last M minutes
 * (M ≤ 30, the grace period), to show how state accumulates over a session's life; {@code r} —
 * realistic traffic: 15 server-side heartbeats (4 s segments) and 2 player beacons (every 30 s) per
 * session and minute instead of one of each; {@code t} — every session carries a tracking id (one of
 * 100), which adds the tracking audiences. System properties: {@code liveccu.benchmark.out} — the
 * Markdown file; {@code liveccu.benchmark.logs} — where the aggregator's logs are kept;
 * {@code liveccu.benchmark.heap} — the aggregator's heap, as {@code -Xms}, {@code -Xmx} and
 * {@code -XX:+AlwaysPreTouch} so that resident memory beyond the heap is native memory (default: the
 * JVM's default heap);
 * {@code liveccu.benchmark.heapFloor} — comma separated {@code -Xmx} values instead: every size runs
 * with each, largest first, stopping at the first failure, and a heap table is written instead of the
 * state tables; {@code liveccu.benchmark.aggregatorJvmOptions}
 * — more options for the aggregator's JVM (with {@code -XX:NativeMemoryTracking=summary} its summary
 * is kept with the logs). CCU_* variables in the environment reach the aggregator.
 */
public final class StateCostBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(StateCostBenchmark.class);
    private static final String JOB = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e";
    private static final String ACCOUNT = "123456789";
    private static final Duration COUNT_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern SIZE = Pattern.compile("([\\d_]+)(?:x(\\d+))?(r?)(t?)");

    private StateCostBenchmark() {
    }

    /** N sessions, each active in the last M minutes, with plain or realistic traffic, with or without tracking ids. */
    record Size(long sessions, int minutes, boolean realistic, boolean tracking) {
        static Size parse(String text) {
            Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("size is N[xM][r][t], e.g. 100000, 10000x30, 100000r: " + text);
            }
            int minutes = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
            if (minutes < 1 || minutes > 30) {
                throw new IllegalArgumentException("minutes must be 1..30 (the grace period): " + text);
            }
            return new Size(Long.parseLong(m.group(1).replace("_", "")), minutes, !m.group(3).isEmpty(), !m.group(4).isEmpty());
        }

        int serverBeaconsPerMinute() {
            return realistic ? 15 : 1;
        }

        int clientBeaconsPerMinute() {
            return realistic ? 2 : 1;
        }

        String label() {
            StringBuilder label = new StringBuilder(String.format(Locale.ROOT, "%,d", sessions));
            if (minutes > 1) {
                label.append(" × ").append(minutes).append(" min");
            }
            if (realistic) {
                label.append(", 15+2 beacons/min");
            }
            if (tracking) {
                label.append(", tracking ids");
            }
            return label.toString();
        }

        String fileTag() {
            return sessions + "x" + minutes + (realistic ? "r" : "") + (tracking ? "t" : "");
        }
    }

    /** What was measured in one run; bytes, and ms. Maps are per store (disk, keys) or per topic. */
    record Result(Size size, String heap, String failure, long beacons, long sendMs, long exactMs, long processedMs,
                  long stateLive, long stateClosed, Map<String, Long> storeBytesClosed, Map<String, Long> topicBytes,
                  Map<String, Long> rocks, long heapBaseline, long heapAfter, long heapCommittedBaseline,
                  long heapCommittedAfter, long rssBaseline, long rssAfter, long gcMsDuringLoad, String changelogRetention) {

        static Result failed(Size size, String heap, String failure, long beacons, long sendMs, long exactMs,
                             long heapBaseline, long gcMs) {
            return new Result(size, heap, failure, beacons, sendMs, exactMs, exactMs, 0, 0, Map.of(), Map.of(), Map.of(),
                    heapBaseline, 0, 0, 0, 0, 0, gcMs, "");
        }

        long changelogs(String appId) {
            return sum(topicBytes, name -> name.startsWith(appId + "-") && name.endsWith("-changelog"));
        }

        long repartition(String appId) {
            return sum(topicBytes, name -> name.startsWith(appId + "-") && name.endsWith("-repartition"));
        }

        /** The aggregator's own output: every ccu.* topic but its input and the rejected and dead-letter topics. */
        long outputs() {
            return sum(topicBytes, StateCostBenchmark::isOutputTopic);
        }

        long rocks(String metric) {
            return rocks.getOrDefault(metric, 0L);
        }

        long rocksMemory() {
            return rocks("size-all-mem-tables") + rocks("block-cache-usage") + rocks("estimate-table-readers-mem");
        }

        /** Resident memory outside the Java heap (RSS minus committed heap): RocksDB, metaspace, code, stacks. */
        long offHeapGrowth() {
            return (rssAfter - heapCommittedAfter) - (rssBaseline - heapCommittedBaseline);
        }
    }

    public static void main(String[] args) throws Exception {
        List<Size> sizes = new ArrayList<>();
        for (String arg : args.length == 0 ? new String[] {"10000", "100000", "1000000"} : args) {
            sizes.add(Size.parse(arg));
        }
        String floor = System.getProperty("liveccu.benchmark.heapFloor", "").trim();
        boolean heapFloor = !floor.isEmpty();
        List<String> heaps = heapFloor ? List.of(floor.split("\\s*,\\s*"))
                : List.of(System.getProperty("liveccu.benchmark.heap", "").trim());
        String out = System.getProperty("liveccu.benchmark.out", "target/state-cost.md");
        List<Result> results = new ArrayList<>();
        for (Size size : sizes) {
            for (String heap : heaps) {
                Result result = runOnce(size, heap);
                results.add(result);
                LOG.info("{}", result);
                if (result.failure() != null && heapFloor) {
                    break; // smaller heaps would only fail again
                }
            }
        }
        String markdown = heapFloor ? heapTable(results) : stateTables(results);
        LOG.info("state cost results:\n{}", markdown);
        Files.writeString(Path.of(out), markdown + "\n");
    }

    private static String appId() {
        return System.getenv().getOrDefault("CCU_AGGREGATOR_APP_ID", "liveccu-aggregator");
    }

    private static Result runOnce(Size size, String heap) throws Exception {
        Path data = Files.createTempDirectory("liveccu-state-cost");
        Path stateDir = data.resolve("streams");
        Path log = data.resolve("aggregator.log");
        LOG.info("size {} with aggregator heap {}: data in {}", size.label(), heap.isEmpty() ? "(JVM default)" : heap, data);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(data.resolve("kafka"), 0).start();
        Process aggregator = null;
        try {
            int port = freePort();
            aggregator = startAggregator(broker.bootstrapServers(), stateDir, port, heap, log);
            awaitReady(aggregator, port);
            JMXConnector jmx = attach(aggregator.pid());
            try {
                MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
                MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(mbeans,
                        ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
                Thread.sleep(2000); // Streams settles after its first rebalance
                long heapBaseline = heapAfterGc(memory);
                long heapCommittedBaseline = memory.getHeapMemoryUsage().getCommitted();
                long rssBaseline = rss(aggregator.pid());
                long gcBefore = gcMillis(mbeans);

                long started = System.currentTimeMillis();
                long beacons = send(broker.bootstrapServers(), size, started);
                long sendMs = System.currentTimeMillis() - started;
                String failure = awaitExactCount(broker.bootstrapServers(), size, started, aggregator, log);
                long exactMs = System.currentTimeMillis() - started;
                if (failure == null) {
                    // Duplicates (realistic traffic) may still be queued once the count is exact: they cost state too
                    failure = awaitAllConsumed(broker.bootstrapServers(), aggregator, log);
                }
                long processedMs = System.currentTimeMillis() - started;
                long gcDuringLoad = gcMillis(mbeans) - gcBefore;
                if (failure != null) {
                    return Result.failed(size, heap, failure, beacons, sendMs, exactMs, heapBaseline, gcDuringLoad);
                }
                // Everything is consumed and committed; let a few more commits and the stores' flushes pass
                Thread.sleep(3000);

                Map<String, Long> rocks = rocksDbMetrics(mbeans);
                long heapAfter = heapAfterGc(memory);
                long heapCommittedAfter = memory.getHeapMemoryUsage().getCommitted();
                long rssAfter = rss(aggregator.pid());
                long stateLive = directoryBytes(stateDir);
                Map<String, Long> topics = topicLogBytes(data.resolve("kafka").resolve("kafka-logs"));
                String retention = changelogRetention(broker.bootstrapServers(),
                        appId() + "-" + CcuTopology.SESSION_AUDIENCES_STORE + "-changelog");
                LOG.info("topic log bytes: {}", topics);
                LOG.info("state directory bytes per store (live): {}", bytesPerStore(stateDir));
                LOG.info("RocksDB metrics: {}", rocks);
                if (System.getProperty("liveccu.benchmark.aggregatorJvmOptions", "").contains("NativeMemoryTracking")) {
                    nativeMemorySummary(aggregator.pid(), size, heap);
                }

                closeQuietly(jmx);
                stopAggregator(aggregator); // a clean close flushes RocksDB's mem-tables to disk
                long stateClosed = directoryBytes(stateDir);
                Map<String, Long> perStore = bytesPerStore(stateDir);
                LOG.info("state directory bytes per store (after close): {}", perStore);
                return new Result(size, heap, null, beacons, sendMs, exactMs, processedMs, stateLive, stateClosed, perStore, topics,
                        rocks, heapBaseline, heapAfter, heapCommittedBaseline, heapCommittedAfter, rssBaseline, rssAfter,
                        gcDuringLoad, retention);
            } finally {
                closeQuietly(jmx);
            }
        } finally {
            if (aggregator != null && aggregator.isAlive()) {
                stopAggregator(aggregator);
            }
            broker.stop();
            keepLog(log, size, heap);
            deleteRecursively(data);
        }
    }

    // --- the aggregator in its own JVM -------------------------------------------------------------

    private static Process startAggregator(String bootstrap, Path stateDir, int port, String heap, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (!heap.isEmpty()) {
            // The whole heap resident from the start: resident memory beyond it is then native memory (RocksDB, …)
            command.addAll(List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch"));
        }
        command.add("-XX:+ExitOnOutOfMemoryError");
        String options = System.getProperty("liveccu.benchmark.aggregatorJvmOptions", "").trim();
        if (!options.isEmpty()) {
            command.addAll(List.of(options.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "liveccu.aggregator.AggregatorMain"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        builder.environment().put("CCU_STATE_DIR", stateDir.toString());
        builder.environment().put("CCU_AGGREGATOR_PORT", Integer.toString(port));
        return builder.start();
    }

    private static void awaitReady(Process aggregator, int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            if (!aggregator.isAlive()) {
                throw new IllegalStateException("the aggregator exited with " + aggregator.exitValue() + " at start-up");
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the aggregator did not become ready");
    }

    private static void stopAggregator(Process aggregator) throws InterruptedException {
        aggregator.destroy(); // SIGTERM: the service's own orderly shutdown (Streams commits and closes)
        if (!aggregator.waitFor(60, TimeUnit.SECONDS)) {
            aggregator.destroyForcibly().waitFor();
        }
    }

    /** Keeps the aggregator's own log where liveccu.benchmark.logs says (the run's directory is deleted). */
    private static void keepLog(Path log, Size size, String heap) throws IOException {
        String logs = System.getProperty("liveccu.benchmark.logs");
        if (logs != null && Files.exists(log)) {
            Files.copy(log, Path.of(logs).resolve("aggregator-" + size.fileTag() + (heap.isEmpty() ? "" : "-" + heap) + ".log"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** With -XX:NativeMemoryTracking: what the JVM itself holds outside the heap (RocksDB's malloc is not in it). */
    private static void nativeMemorySummary(long pid, Size size, String heap) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String logs = System.getProperty("liveccu.benchmark.logs", System.getProperty("java.io.tmpdir"));
        Path out = Path.of(logs).resolve("nmt-" + size.fileTag() + (heap.isEmpty() ? "" : "-" + heap) + ".txt");
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start().waitFor(60, TimeUnit.SECONDS);
        Files.writeString(out, "\n" + String.join("\n", Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))),
                StandardOpenOption.APPEND);
    }

    private static JMXConnector attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
        } finally {
            vm.detach();
        }
    }

    private static void closeQuietly(JMXConnector jmx) {
        try {
            jmx.close();
        } catch (IOException e) {
            // already closed, or the aggregator is gone
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long gcMillis(MBeanServerConnection mbeans) throws IOException {
        try {
            long total = 0;
            for (ObjectName name : mbeans.queryNames(objectName(ManagementFactory.GARBAGE_COLLECTOR_MXBEAN_DOMAIN_TYPE + ",*"), null)) {
                total += Math.max(0, ManagementFactory.newPlatformMXBeanProxy(mbeans, name.toString(),
                        GarbageCollectorMXBean.class).getCollectionTime());
            }
            return total;
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return 0; // the aggregator died (e.g. out of memory): its GC time is gone with it
        }
    }

    /**
     * RocksDB's own accounting (Streams' property-based RocksDB metrics, recorded at the default INFO
     * level): totals per metric, plus "store/metric" per store.
     */
    private static Map<String, Long> rocksDbMetrics(MBeanServerConnection mbeans) throws Exception {
        String[] wanted = {"size-all-mem-tables", "block-cache-usage", "estimate-table-readers-mem", "estimate-num-keys"};
        Map<String, Long> sums = new TreeMap<>();
        for (ObjectName name : mbeans.queryNames(objectName("kafka.streams:type=stream-state-metrics,*"), null)) {
            String store = name.getKeyProperty("rocksdb-window-state-id");
            if (store == null) {
                store = name.getKeyProperty("rocksdb-state-id");
            }
            if (store == null) {
                continue;
            }
            for (Attribute attribute : mbeans.getAttributes(name, wanted).asList()) {
                if (attribute.getValue() instanceof Number number && !Double.isNaN(number.doubleValue())) {
                    sums.merge(attribute.getName(), number.longValue(), Long::sum);
                    sums.merge(store + "/" + attribute.getName(), number.longValue(), Long::sum);
                }
            }
        }
        return sums;
    }

    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return 0;
    }

    // --- load and the exact count ------------------------------------------------------------------

    /** Every session's beacons, oldest minute first, session after session in each pass; returns how many. */
    private static long send(String bootstrap, Size size, long now) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"); // as the collector
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        AtomicReference<Exception> failed = new AtomicReference<>();
        long sent = 0;
        int passes = Math.max(size.serverBeaconsPerMinute(), size.clientBeaconsPerMinute());
        try (KafkaProducer<String, Beacon> producer = new KafkaProducer<>(props, new StringSerializer(),
                Topics.BEACONS.valueSerde().serializer())) {
            for (int minutesAgo = size.minutes() - 1; minutesAgo >= 0; minutesAgo--) {
                long minuteStart = CountingRules.minuteStart(now - minutesAgo * CountingRules.MINUTE_MS);
                for (int pass = 0; pass < passes; pass++) {
                    // plain: both beacons at the current time; realistic: heartbeats every 4 s, the player every 30 s
                    long ssTime = size.realistic() ? minuteStart + pass * 4_000L : now - minutesAgo * CountingRules.MINUTE_MS;
                    long csTime = size.realistic() ? minuteStart + pass * 30_000L : ssTime;
                    SplittableRandom sessions = new SplittableRandom(42); // the same sessions in every pass and minute
                    for (long i = 0; i < size.sessions(); i++) {
                        String session = hex32(sessions.nextLong(), sessions.nextLong());
                        Viewer viewer = size.tracking() ? new Viewer("plan-" + (i % 100), null, null, false) : null;
                        if (pass < size.serverBeaconsPerMinute()) {
                            sendOne(producer, beacon(session, Side.SS, ssTime, viewer), failed);
                            sent++;
                        }
                        if (pass < size.clientBeaconsPerMinute()) {
                            sendOne(producer, beacon(session, Side.CS, csTime, viewer), failed);
                            sent++;
                        }
                    }
                }
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("a beacon was not accepted by Kafka", failed.get());
        }
        return sent;
    }

    private static Beacon beacon(String session, Side side, long beaconTime, Viewer viewer) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new Beacon(hex32(random.nextLong(), random.nextLong()), JOB, session, ACCOUNT, side, beaconTime,
                System.currentTimeMillis(), viewer);
    }

    private static void sendOne(KafkaProducer<String, Beacon> producer, Beacon beacon, AtomicReference<Exception> failed) {
        producer.send(new ProducerRecord<>(Topics.BEACONS.name(), beacon.partitionKey(), beacon), (metadata, e) -> {
            if (e != null) {
                failed.compareAndSet(null, e);
            }
        });
    }

    /** Null once the job's count of every minute is exactly N on both sides; the reason otherwise. */
    private static String awaitExactCount(String bootstrap, Size size, long now, Process aggregator, Path log)
            throws IOException {
        Set<String> wanted = new TreeSet<>();
        for (int minutesAgo = 0; minutesAgo < size.minutes(); minutesAgo++) {
            wanted.add(MinuteCount.key(JOB, CountingRules.minuteStart(now - minutesAgo * CountingRules.MINUTE_MS)));
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, MinuteCount> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                Topics.MINUTE_COUNTS.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MINUTE_COUNTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<String, MinuteCount> latest = new HashMap<>();
            long deadline = System.currentTimeMillis() + COUNT_TIMEOUT.toMillis();
            while (System.currentTimeMillis() < deadline) {
                if (!aggregator.isAlive()) {
                    return Files.readString(log).contains("OutOfMemoryError") ? "OutOfMemoryError"
                            : "the aggregator exited with " + aggregator.exitValue();
                }
                for (ConsumerRecord<String, MinuteCount> record : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.contains(record.key())) {
                        latest.put(record.key(), record.value());
                    }
                }
                for (MinuteCount count : latest.values()) {
                    if (count.ssccu() > size.sessions() || count.csccu() > size.sessions()) {
                        return "counted more than " + size.sessions() + ": " + count;
                    }
                }
                if (wanted.stream().allMatch(key -> latest.containsKey(key)
                        && latest.get(key).ssccu() == size.sessions() && latest.get(key).csccu() == size.sessions())) {
                    return null;
                }
            }
            return "no exact count within " + COUNT_TIMEOUT.toMinutes() + " min: " + latest.values();
        }
    }

    /** Null once the aggregator has committed every beacon (its group's offsets at the topic's end); the reason otherwise. */
    private static String awaitAllConsumed(String bootstrap, Process aggregator, Path log) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long deadline = System.currentTimeMillis() + COUNT_TIMEOUT.toMillis();
            while (System.currentTimeMillis() < deadline) {
                if (!aggregator.isAlive()) {
                    return Files.readString(log).contains("OutOfMemoryError") ? "OutOfMemoryError"
                            : "the aggregator exited with " + aggregator.exitValue();
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId())
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                admin.describeTopics(List.of(Topics.BEACONS.name())).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(Topics.BEACONS.name()).partitions()
                        .forEach(p -> latest.put(new TopicPartition(Topics.BEACONS.name(), p.partition()), OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                if (latest.keySet().stream().allMatch(tp -> ends.get(tp).offset() == 0
                        || (committed.get(tp) != null && committed.get(tp).offset() >= ends.get(tp).offset()))) {
                    return null;
                }
                Thread.sleep(500);
            }
            return "beacons still unprocessed after " + COUNT_TIMEOUT.toMinutes() + " min";
        }
    }

    // --- bytes on disk -----------------------------------------------------------------------------

    private static long directoryBytes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(StateCostBenchmark::sizeOf).sum();
        }
    }

    /** Bytes per store: the directories named after a store anywhere below the state directory. */
    private static Map<String, Long> bytesPerStore(Path stateDir) throws IOException {
        Map<String, Long> perStore = new TreeMap<>();
        if (!Files.exists(stateDir)) {
            return perStore;
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                for (Path part : stateDir.relativize(file)) {
                    if (part.toString().startsWith("ccu-")) {
                        perStore.merge(part.toString(), sizeOf(file), Long::sum);
                        return;
                    }
                }
                perStore.merge("(other)", sizeOf(file), Long::sum);
            });
        }
        return perStore;
    }

    /**
     * The broker's log segment bytes (the {@code .log} files: the records) per topic. Index files are
     * left out: the active segment's are preallocated sparse files whose apparent size means nothing.
     */
    private static Map<String, Long> topicLogBytes(Path logDir) throws IOException {
        Map<String, Long> perTopic = new TreeMap<>();
        try (Stream<Path> partitions = Files.list(logDir)) {
            for (Path partition : partitions.filter(Files::isDirectory).toList()) {
                String name = partition.getFileName().toString();
                if (!name.matches(".+-\\d+")) {
                    continue;
                }
                String topic = name.substring(0, name.lastIndexOf('-'));
                try (Stream<Path> files = Files.list(partition)) {
                    long bytes = files.filter(f -> f.toString().endsWith(".log")).mapToLong(StateCostBenchmark::sizeOf).sum();
                    perTopic.merge(topic, bytes, Long::sum);
                }
            }
        }
        return perTopic;
    }

    private static boolean isOutputTopic(String topic) {
        return topic.startsWith("ccu.") && !topic.equals(Topics.BEACONS.name()) && !topic.equals(Topics.REJECTED.name())
                && !topic.equals(Topics.DEAD_LETTERS);
    }

    private static String changelogRetention(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(Set.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            long retentionMs = Long.parseLong(config.get(TopicConfig.RETENTION_MS_CONFIG).value());
            return String.format(Locale.ROOT, "%s: cleanup.policy=%s, retention.ms=%d (%.1f h)", topic,
                    config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(), retentionMs, retentionMs / 3_600_000.0);
        }
    }

    private static long sum(Map<String, Long> perTopic, Predicate<String> which) {
        return perTopic.entrySet().stream().filter(e -> which.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // a RocksDB file removed by a compaction while walking
        }
    }

    // --- output ------------------------------------------------------------------------------------

    private static String stateTables(List<Result> results) {
        String appId = appId();
        StringBuilder md = new StringBuilder();
        md.append("Per concurrent session (total in brackets):\n\n")
                .append("| concurrent sessions | Streams state on disk (live) | … after a clean close | changelog topics "
                        + "| repartition topic | output topics | RocksDB memory | heap growth after GC "
                        + "| resident memory outside the heap, growth |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            if (r.failure() != null) {
                md.append("| ").append(r.size().label()).append(" | **failed: ").append(r.failure())
                        .append("** | | | | | | | |\n");
                continue;
            }
            long n = r.size().sessions();
            md.append("| ").append(r.size().label())
                    .append(" | ").append(perSession(r.stateLive(), n))
                    .append(" | ").append(perSession(r.stateClosed(), n))
                    .append(" | ").append(perSession(r.changelogs(appId), n))
                    .append(" | ").append(perSession(r.repartition(appId), n))
                    .append(" | ").append(perSession(r.outputs(), n))
                    .append(" | ").append(perSession(r.rocksMemory(), n))
                    .append(" | ").append(perSession(r.heapAfter() - r.heapBaseline(), n))
                    .append(" | ").append(perSession(r.offHeapGrowth(), n))
                    .append(" |\n");
        }
        md.append("\nThe runs:\n\n")
                .append("| concurrent sessions | beacons sent | sent in | exact count after | all processed after | beacons topic "
                        + "| RocksDB memory: mem-tables / block cache / indexes+filters "
                        + "| heap used after GC | heap committed | RSS | GC during load |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            if (r.failure() != null) {
                continue;
            }
            md.append(String.format(Locale.ROOT,
                    "| %s | %,d | %.1f s | %.1f s | %.1f s | %s | %s / %s / %s | %s → %s | %s → %s | %s → %s | %.1f s |%n",
                    r.size().label(), r.beacons(), r.sendMs() / 1000.0, r.exactMs() / 1000.0, r.processedMs() / 1000.0,
                    bytes(r.topicBytes()
                            .getOrDefault(Topics.BEACONS.name(), 0L)), bytes(r.rocks("size-all-mem-tables")),
                    bytes(r.rocks("block-cache-usage")), bytes(r.rocks("estimate-table-readers-mem")),
                    bytes(r.heapBaseline()), bytes(r.heapAfter()), bytes(r.heapCommittedBaseline()),
                    bytes(r.heapCommittedAfter()), bytes(r.rssBaseline()), bytes(r.rssAfter()), r.gcMsDuringLoad() / 1000.0));
        }
        results.stream().filter(r -> r.failure() == null && r.size().minutes() == 1)
                .max(Comparator.comparingLong((Result r) -> r.size().sessions())
                        .thenComparing(r -> r.size().realistic() || r.size().tracking() ? 0 : 1))
                .ifPresent(r -> md.append("\n").append(breakdown(r, appId)));
        results.stream().map(Result::changelogRetention).filter(s -> !s.isEmpty()).findFirst()
                .ifPresent(retention -> md.append("\nAs Streams created it: `").append(retention).append("`.\n"));
        return md.toString().stripTrailing();
    }

    /** Per store and per topic, for one run: where the bytes are. */
    private static String breakdown(Result r, String appId) {
        long n = r.size().sessions();
        StringBuilder md = new StringBuilder();
        md.append("Where it is, for ").append(r.size().label()).append(" sessions (").append(String.format(Locale.ROOT,
                        "%,d", r.beacons())).append(" beacons); per session, total in brackets:\n\n")
                .append("| store | keys (RocksDB's estimate) | on disk after close | its changelog | RocksDB memory |\n")
                .append("|---|---:|---:|---:|---:|\n");
        Set<String> stores = new TreeSet<>(r.storeBytesClosed().keySet());
        stores.remove("(other)");
        r.topicBytes().keySet().stream().filter(t -> t.startsWith(appId + "-") && t.endsWith("-changelog"))
                .map(t -> t.substring(appId.length() + 1, t.length() - "-changelog".length())).forEach(stores::add);
        for (String store : stores) {
            String keys = r.rocks().containsKey(store + "/estimate-num-keys")
                    ? String.format(Locale.ROOT, "%,d", r.rocks(store + "/estimate-num-keys")) : "in memory";
            long memory = r.rocks(store + "/size-all-mem-tables") + r.rocks(store + "/block-cache-usage")
                    + r.rocks(store + "/estimate-table-readers-mem");
            md.append("| `").append(store).append("` | ").append(keys)
                    .append(" | ").append(perSession(r.storeBytesClosed().getOrDefault(store, 0L), n))
                    .append(" | ").append(perSession(r.topicBytes().getOrDefault(appId + "-" + store + "-changelog", 0L), n))
                    .append(" | ").append(r.rocks().containsKey(store + "/estimate-num-keys") ? perSession(memory, n) : "–")
                    .append(" |\n");
        }
        r.topicBytes().entrySet().stream().filter(e -> isOutputTopic(e.getKey()) || e.getKey().endsWith("-repartition"))
                .forEach(e -> md.append("| topic `").append(e.getKey()).append("` | | | ")
                        .append(perSession(e.getValue(), n)).append(" | |\n"));
        return md.toString();
    }

    private static String heapTable(List<Result> results) {
        StringBuilder md = new StringBuilder();
        md.append("| concurrent sessions | aggregator -Xmx | result | all processed after | GC during load "
                        + "| heap used after GC (before → after) | RSS after |\n")
                .append("|---|---:|---|---:|---:|---:|---:|\n");
        for (Result r : results) {
            if (r.failure() != null) {
                md.append(String.format(Locale.ROOT, "| %s | %s | **%s** (after %.1f s) | – | – | %s → – | – |%n",
                        r.size().label(), r.heap().isEmpty() ? "default" : r.heap(), r.failure(), r.exactMs() / 1000.0,
                        bytes(r.heapBaseline())));
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | exact | %.1f s | %.1f s (%.0f %%) | %s → %s | %s |%n",
                    r.size().label(), r.heap().isEmpty() ? "default" : r.heap(), r.processedMs() / 1000.0,
                    r.gcMsDuringLoad() / 1000.0, 100.0 * r.gcMsDuringLoad() / Math.max(1, r.processedMs()),
                    bytes(r.heapBaseline()), bytes(r.heapAfter()), bytes(r.rssAfter())));
        }
        return md.toString().stripTrailing();
    }

    private static String perSession(long total, long sessions) {
        return String.format(Locale.ROOT, "%,.0f B (%s)", (double) total / sessions, bytes(total));
    }

    private static String bytes(long bytes) {
        double abs = Math.abs(bytes);
        if (abs >= 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
        }
        if (abs >= 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024.0);
    }

    // --- small things ------------------------------------------------------------------------------

    private static String hex32(long high, long low) {
        return String.format("%016x%016x", high, low);
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
