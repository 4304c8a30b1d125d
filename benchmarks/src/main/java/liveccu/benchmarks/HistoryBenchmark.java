package liveccu.benchmarks;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import javax.management.JMX;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import liveccu.api.ccu.MinuteCountsView;
import liveccu.kafka.EmbeddedKafkaBroker;
import liveccu.model.Audience;
import liveccu.model.CountingRules;
import liveccu.model.MinuteCount;
import liveccu.model.TopicProvisioner;
import liveccu.model.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API with a long per-minute history in its disk store: {@code records} results
 * ({@code audiences} jobs × consecutive minutes up to now) on a real broker (in this JVM), read by
 * the real API ({@code ApiMain}, in a JVM of its own with a fixed {@code -Xmx}); then query latency
 * over HTTP (/ccu over an hour, a day, a week; /jobs), the API's heap after GC and resident memory,
 * its disk, and the time to ready on a restart. Baseline, in this JVM: the in-memory view the API
 * had before (a skip list per audience), filled with as many records as a heap holds comfortably;
 * the same range queries as direct calls against it and against the disk store.
 */
public final class HistoryBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryBenchmark.class);
    private static final long MINUTE = CountingRules.MINUTE_MS;
    /** The account every benchmark job belongs to: results are keyed by account and job. */
    private static final String ACCOUNT = "bench";

    public static void main(String[] args) throws Exception {
        long records = Long.getLong("liveccu.benchmark.records", 10_000_000);
        int audiences = Integer.getInteger("liveccu.benchmark.audiences", 1_000);
        String heap = System.getProperty("liveccu.benchmark.heap", "256m");
        long baselineRecords = Long.getLong("liveccu.benchmark.baselineRecords", 1_000_000);
        int queries = Integer.getInteger("liveccu.benchmark.queries", 1_000);
        long minutes = records / audiences;
        long now = CountingRules.minuteStart(System.currentTimeMillis());
        long first = now - (minutes - 1) * MINUTE;
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < audiences; i++) {
            jobs.add(String.format("%032x", 0x5eed_0000L + i));
        }
        Path data = Files.createTempDirectory("liveccu-history");
        Map<String, String> rows = new LinkedHashMap<>();
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(data.resolve("kafka"), 0).start()) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                new TopicProvisioner(admin, new TopicProvisioner.Settings(6, (short) 1, Duration.ofHours(6), Duration.ofDays(400), Duration.ofHours(48)))
                        .ensureAll(Duration.ofSeconds(30));
            }
            long sendStart = System.nanoTime();
            produce(bootstrap, jobs, first, minutes);
            LOG.info("{} records on the topic in {} s", records, seconds(System.nanoTime() - sendStart));

            Path stateDir = data.resolve("api");
            int port = freePort();
            long start = System.nanoTime();
            Process api = startApi(bootstrap, stateDir, port, heap, data.resolve("api.log"));
            awaitReady(api, port, Duration.ofMinutes(20));
            String firstLoad = seconds(System.nanoTime() - start);
            LOG.info("first start: ready after {} s", firstLoad);

            SplittableRandom random = new SplittableRandom(14);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<String, LongSupplier> httpQueries = new LinkedHashMap<>();
            for (var range : List.of(Map.entry("an hour", Duration.ofHours(1)), Map.entry("a day", Duration.ofDays(1)),
                    Map.entry("a week", Duration.ofDays(7)))) {
                httpQueries.put("/ccu, " + range.getKey(), () -> {
                    long out = first + random.nextLong(minutes) * MINUTE + MINUTE;
                    long in = Math.max(0, out - range.getValue().toMillis());
                    return get(http, port, "/ccu?jobid=" + jobs.get(random.nextInt(audiences)) + "&in=" + in / 1000 + "&out=" + out / 1000);
                });
            }
            httpQueries.put("/jobs (" + audiences + " jobs)", () -> get(http, port, "/jobs"));
            for (var query : httpQueries.entrySet()) {
                rows.put("HTTP " + query.getKey(), latencies(query.getValue(), queries));
            }
            long heapAfterGc;
            long rss = rss(api.pid());
            try (JMXConnector jmx = attach(api.pid())) {
                MemoryMXBean memory = JMX.newMXBeanProxy(jmx.getMBeanServerConnection(),
                        new ObjectName(ManagementFactory.MEMORY_MXBEAN_NAME), MemoryMXBean.class);
                memory.gc();
                memory.gc();
                heapAfterGc = memory.getHeapMemoryUsage().getUsed();
            }
            long disk = directoryBytes(stateDir);
            stop(api);

            start = System.nanoTime();
            api = startApi(bootstrap, stateDir, port, heap, data.resolve("api-restarted.log"));
            awaitReady(api, port, Duration.ofMinutes(5));
            String restart = seconds(System.nanoTime() - start);
            String restartInApi = logSeconds(data.resolve("api-restarted.log"), "caught up with " + Topics.MINUTE_COUNTS.name());
            rows.put("HTTP /ccu, a day, right after the restart (cold cache)",
                    latencies(httpQueries.get("/ccu, a day"), Math.min(queries, 200)));
            stop(api);

            // Direct calls: the disk store (this run's, reopened here) against the in-memory view of before.
            String baseline = baseline(jobs, first, minutes, baselineRecords, queries, stateDir, rows);

            String out = "Records: " + String.format(Locale.ROOT, "%,d", records) + " (" + audiences + " jobs × "
                    + String.format(Locale.ROOT, "%,d", minutes) + " minutes ≈ " + (minutes / 1440) + " days), API heap -Xmx"
                    + heap + ".\n\n"
                    + "| figure | value |\n|---|---|\n"
                    + "| first start on an empty disk: ready after (reads the whole topic) | " + firstLoad + " s |\n"
                    + "| restart on the same disk: ready after (JVM start included) | " + restart + " s |\n"
                    + "| … of which from the API's first log line to its store caught up with the topic | " + restartInApi + " s |\n"
                    + "| API heap used after GC (" + String.format(Locale.ROOT, "%,d", records) + " records in store) | "
                    + mib(heapAfterGc) + " |\n"
                    + "| API resident memory (heap, RocksDB cache and buffers, JVM) | " + mib(rss) + " |\n"
                    + "| store on disk | " + mib(disk) + " (" + (disk / Math.max(1, records)) + " bytes per record) |\n"
                    + baseline + "\n\n"
                    + "| query | p50 | p99 |\n|---|---|---|\n"
                    + rows.entrySet().stream().map(e -> "| " + e.getKey() + " | " + e.getValue() + " |")
                    .reduce((a, b) -> a + "\n" + b).orElse("");
            System.out.println(out);
            String file = System.getProperty("liveccu.benchmark.out");
            if (file != null) {
                Files.writeString(Path.of(file), out);
            }
        } finally {
            String logs = System.getProperty("liveccu.benchmark.logs");
            for (String log : List.of("api.log", "api-restarted.log")) {
                if (logs != null && Files.exists(data.resolve(log))) {
                    Files.copy(data.resolve(log), Path.of(logs).resolve("history-" + log), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The records, minute after minute, every job in each minute: as the aggregator writes them. */
    private static void produce(String bootstrap, List<String> jobs, long first, long minutes) throws Exception {
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                // One record per key: order does not matter, and an idempotent producer's retries on a
                // loaded machine ended in OUT_OF_ORDER_SEQUENCE_NUMBER loops.
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.ACKS_CONFIG, "1"),
                new StringSerializer(), Topics.MINUTE_COUNTS.valueSerde().serializer())) {
            for (long m = 0; m < minutes; m++) {
                long minute = first + m * MINUTE;
                for (int j = 0; j < jobs.size(); j++) {
                    MinuteCount count = new MinuteCount(Audience.job(ACCOUNT, jobs.get(j)).key(), minute, 100 + j, 10 + (m % 7), minute + 59_000);
                    producer.send(new ProducerRecord<>(Topics.MINUTE_COUNTS.name(), count.key(), count), (meta, e) -> {
                        if (e != null) {
                            failed.set(e);
                        }
                    });
                }
                if (failed.get() != null) {
                    throw failed.get();
                }
            }
        }
    }

    /** Heap per record of the in-memory view of before, and direct-call latency of both. */
    private static String baseline(List<String> jobs, long first, long minutes, long baselineRecords, int queries,
                                   Path stateDir, Map<String, String> rows) {
        int baselineJobs = (int) Math.max(1, baselineRecords / minutes);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        Map<String, ConcurrentNavigableMap<Long, MinuteCount>> inMemory = new ConcurrentHashMap<>();
        for (long m = 0; m < minutes; m++) {
            long minute = first + m * MINUTE;
            for (int j = 0; j < baselineJobs; j++) {
                inMemory.computeIfAbsent(Audience.job(ACCOUNT, jobs.get(j)).key(), k -> new ConcurrentSkipListMap<>())
                        .put(minute, new MinuteCount(Audience.job(ACCOUNT, jobs.get(j)).key(), minute, 100 + j, 10 + (m % 7), minute + 59_000));
            }
        }
        memory.gc();
        memory.gc();
        long perRecord = (memory.getHeapMemoryUsage().getUsed() - before) / ((long) baselineJobs * minutes);
        SplittableRandom random = new SplittableRandom(15);
        try (MinuteCountsView disk = new MinuteCountsView("127.0.0.1:9", stateDir.resolve("minute-counts"), Duration.ofDays(3650),
                Duration.ofHours(24), Clock.systemUTC())) {
            for (var range : List.of(Map.entry("an hour", Duration.ofHours(1)), Map.entry("a day", Duration.ofDays(1)),
                    Map.entry("a week", Duration.ofDays(7)))) {
                LongSupplier[] pick = {() -> first + random.nextLong(minutes) * MINUTE + MINUTE};
                rows.put("direct: in-memory view of before, " + range.getKey(), latencies(() -> {
                    long out = pick[0].getAsLong();
                    String job = jobs.get(random.nextInt(baselineJobs));
                    return inMemoryRange(inMemory.get(Audience.job(ACCOUNT, job).key()), out - range.getValue().toMillis(), out);
                }, queries));
                rows.put("direct: disk store, " + range.getKey(), latencies(() -> {
                    long out = pick[0].getAsLong();
                    String job = jobs.get(random.nextInt(baselineJobs));
                    return disk.range(Audience.job(ACCOUNT, job), out - range.getValue().toMillis(), out).size();
                }, queries));
            }
        }
        return "| in-memory view of before: heap per record (" + String.format(Locale.ROOT, "%,d", (long) baselineJobs * minutes)
                + " records measured) | " + perRecord + " bytes: " + mib(perRecord * jobs.size() * minutes)
                + " for this run's records, " + mib(perRecord * 1000 * 525_600) + " for 1,000 jobs × a year |";
    }

    private static long inMemoryRange(ConcurrentNavigableMap<Long, MinuteCount> minutes, long fromMs, long toMs) {
        long n = 0;
        for (MinuteCount count : minutes.subMap(fromMs, true, toMs, false).descendingMap().values()) {
            if (count.ssccu() > 0 || count.csccu() > 0) {
                n++;
            }
        }
        return n;
    }

    /** "p50 | p99" in ms of {@code n} calls after {@code n / 5} to warm up. */
    private static String latencies(LongSupplier call, int n) {
        long sink = 0;
        for (int i = 0; i < n / 5; i++) {
            sink += call.getAsLong();
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            sink += call.getAsLong();
            nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        LOG.debug("sink {}", sink);
        return String.format(Locale.ROOT, "%.2f ms | %.2f ms", nanos[n / 2] / 1e6, nanos[(int) (n * 0.99)] / 1e6);
    }

    private static long get(HttpClient http, int port, String pathAndQuery) {
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200 || reply.body().length() < 3) {
                throw new IllegalStateException(pathAndQuery + " answered " + reply.statusCode() + ": " + reply.body());
            }
            return reply.body().length();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Process startApi(String bootstrap, Path stateDir, int port, String heap, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms" + heap, "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), "liveccu.api.ApiMain")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        builder.environment().put("CCU_API_STATE_DIR", stateDir.toString());
        builder.environment().put("CCU_API_PORT", Integer.toString(port));
        builder.environment().put("CCU_API_HISTORY_DAYS", "366");
        builder.environment().remove("CCU_API_KEY");
        return builder.start();
    }

    private static void awaitReady(Process api, int port, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!api.isAlive()) {
                throw new IllegalStateException("the API exited with " + api.exitValue());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the API did not become ready within " + timeout);
    }

    private static void stop(Process api) throws InterruptedException {
        api.destroy();  // SIGTERM: the API's own orderly shutdown
        if (!api.waitFor(60, TimeUnit.SECONDS)) {
            api.destroyForcibly().waitFor();
        }
    }

    private static JMXConnector attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
        } finally {
            vm.detach();
        }
    }

    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return 0;
    }

    private static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Seconds from the log's first timestamped line to the first line containing {@code what}. */
    private static String logSeconds(Path log, String what) throws IOException {
        java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss,SSS");
        java.time.LocalDateTime first = null;
        for (String line : Files.readAllLines(log)) {
            if (line.length() < 23 || !Character.isDigit(line.charAt(0))) {
                continue;
            }
            java.time.LocalDateTime at = java.time.LocalDateTime.parse(line.substring(0, 23), format);
            if (first == null) {
                first = at;
            }
            if (line.contains(what)) {
                return seconds(Duration.between(first, at).toNanos());
            }
        }
        return "?";
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.0f MiB", bytes / 1048576.0);
    }
}
