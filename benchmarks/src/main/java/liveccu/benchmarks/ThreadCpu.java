package liveccu.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a process's CPU goes, by component: every thread's user + system time from
 * {@code /proc/<pid>/task/<tid>/stat}, named by the JVM's own thread dump ({@code jcmd Thread.print}
 * maps each native thread id to its full Java name; GC and JIT threads keep their kernel names).
 *
 * <pre>
 *   ThreadCpu snapshot PID FILE                   what each thread has used so far
 *   ThreadCpu report BEFORE AFTER REQUESTS        per component: CPU µs per request, share
 * </pre>
 *
 * Outside the measured process on purpose: nothing in the system under test is changed to be
 * measured. Resolution is one clock tick (10 ms) per thread, far below a 30 s measurement.
 */
public final class ThreadCpu {

    private static final Pattern DUMP_THREAD = Pattern.compile("^\"(.*)\" .*nid=(0x[0-9a-f]+|\\d+)", Pattern.MULTILINE);

    /** Components, first match wins; the names say which service a thread works for. */
    private static final List<Map.Entry<Pattern, String>> COMPONENTS = List.of(
            Map.entry(Pattern.compile("^kafka-producer-network-thread \\| ccu-collector"), "collector: Kafka producer"),
            Map.entry(Pattern.compile("^vert\\.x-eventloop"), "collector + API: Vert.x event loops"),
            Map.entry(Pattern.compile("^vert\\.x-worker"), "collector + API: Vert.x workers (log batches, queries)"),
            Map.entry(Pattern.compile("StreamThread-\\d+$"), "aggregator: stream threads"),
            Map.entry(Pattern.compile("^kafka-producer-network-thread .*StreamThread"), "aggregator: producers"),
            Map.entry(Pattern.compile("StreamThread|^ccu-aggregator|kafka-streams"), "aggregator: other"),
            Map.entry(Pattern.compile("^ccu-api"), "API: results readers"),
            Map.entry(Pattern.compile("^data-plane-kafka-request-handler"), "broker: request handlers"),
            Map.entry(Pattern.compile("^data-plane-kafka-network-thread|^data-plane-kafka-socket"), "broker: network"),
            Map.entry(Pattern.compile("^GC Thread|^G1 |^VM Periodic|^Common-Cleaner"), "JVM: garbage collection"),
            Map.entry(Pattern.compile("^C[12] CompilerThre"), "JVM: JIT compiler"),
            Map.entry(Pattern.compile("kafka|raft|quorum|broker|controller|Replica|ExpirationReaper|LogDirFailure|"
                    + "transaction|group-coordinator|share-coordinator|metadata|log-cleaner|executor-"), "broker: other"));

    private ThreadCpu() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "snapshot" -> snapshot(Long.parseLong(args[1]), Path.of(args[2]));
            case "report" -> report(load(Path.of(args[1])), load(Path.of(args[2])), Long.parseLong(args[3]));
            default -> throw new IllegalArgumentException("usage: ThreadCpu snapshot PID FILE | report BEFORE AFTER REQUESTS");
        }
    }

    /** Writes "tid=ticks component" lines: one per thread alive now, plus the whole process. */
    private static void snapshot(long pid, Path file) throws IOException, InterruptedException {
        Map<Long, String> javaNames = javaThreadNames(pid);
        Properties out = new Properties();
        out.setProperty("process", Long.toString(ticks(Path.of("/proc", Long.toString(pid), "stat"))));
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                long tid = Long.parseLong(task.getFileName().toString());
                try {
                    String name = javaNames.getOrDefault(tid, Files.readString(task.resolve("comm")).strip());
                    out.setProperty(tid + "", ticks(task.resolve("stat")) + " " + component(name));
                } catch (NoSuchFileException e) {
                    // the thread ended while we looked
                }
            }
        }
        try (var writer = Files.newBufferedWriter(file)) {
            out.store(writer, "thread CPU of " + pid);
        }
    }

    private static Map<Long, String> javaThreadNames(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        String text = new String(dump.getInputStream().readAllBytes());
        dump.waitFor();
        Map<Long, String> names = new HashMap<>();
        Matcher matcher = DUMP_THREAD.matcher(text);
        while (matcher.find()) {
            String nid = matcher.group(2);
            names.put(nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid), matcher.group(1));
        }
        return names;
    }

    /** utime + stime: fields 14 and 15, counted after the command name (which may hold spaces). */
    private static long ticks(Path stat) throws IOException {
        String text = Files.readString(stat);
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static String component(String threadName) {
        // an unknown thread is named by its name without numbers, so that a busy one says what it is
        return COMPONENTS.stream().filter(c -> c.getKey().matcher(threadName).find()).map(Map.Entry::getValue)
                .findFirst().orElse("other: " + threadName.replaceAll("[-_:]?\\d+", "").strip());
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }

    /** Markdown rows "| component | µs per request | share |", the whole process first. */
    private static void report(Properties before, Properties after, long requests) {
        double microsPerTick = 1_000_000.0 / 100; // CLK_TCK is 100 on Linux x86-64
        long processTicks = Long.parseLong(after.getProperty("process")) - Long.parseLong(before.getProperty("process"));
        Map<String, Long> byComponent = new TreeMap<>();
        for (String tid : after.stringPropertyNames()) {
            if (tid.equals("process")) {
                continue;
            }
            String[] now = after.getProperty(tid).split(" ", 2);
            long earlier = before.containsKey(tid) ? Long.parseLong(before.getProperty(tid).split(" ", 2)[0]) : 0;
            byComponent.merge(now[1], Long.parseLong(now[0]) - earlier, Long::sum);
        }
        long threadTicks = byComponent.values().stream().mapToLong(Long::longValue).sum();
        // Threads that ended during the measurement are in the process's total only.
        byComponent.merge("threads that ended meanwhile", Math.max(0, processTicks - threadTicks), Long::sum);
        Map<String, Long> sorted = new LinkedHashMap<>();
        byComponent.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        System.out.printf("| **whole process** | **%.1f** | 100 %% |%n", processTicks * microsPerTick / requests);
        sorted.forEach((component, ticks) -> System.out.printf("| %s | %.1f | %.0f %% |%n", component,
                ticks * microsPerTick / requests, 100.0 * ticks / Math.max(1, processTicks)));
    }
}
