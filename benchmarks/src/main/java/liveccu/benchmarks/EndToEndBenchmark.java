package liveccu.benchmarks;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import liveccu.allinone.LocalSystem;
import liveccu.ops.config.Env;
import liveccu.simulator.Simulation;
import liveccu.simulator.send.BeaconSender;
import liveccu.simulator.traffic.TrafficPlan;
import liveccu.simulator.truth.CountsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole one-machine system (embedded broker, aggregator, collector, API) under the simulator's
 * realistic traffic at stepped fixed rates. For each rate: the rate actually accepted, whether every
 * minute is exact against the ground truth, and freshness (2xx → counted in the API), p50 and p99.
 *
 * <p>Usage: EndToEndBenchmark SECONDS_PER_STEP RATE [RATE…]; prints a Markdown table.
 */
public final class EndToEndBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(EndToEndBenchmark.class);
    private static final String API_KEY = "benchmark";

    private EndToEndBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Duration step = Duration.ofSeconds(Integer.parseInt(args[0]));
        Path data = Files.createTempDirectory("liveccu-e2e");
        // CCU_* settings from the environment pass through (e.g. CCU_STREAM_THREADS=1 to measure scaling)
        Map<String, String> variables = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("CCU_")) {
                variables.put(name, value);
            }
        });
        variables.putAll(Map.of("CCU_DATA_DIR", data.toString(), "CCU_KAFKA_PORT", "0", "CCU_COLLECTOR_PORT", "0",
                "CCU_API_PORT", "0", "CCU_AGGREGATOR_PORT", "0", "CCU_API_KEY", API_KEY));
        Env env = new Env(variables);
        List<String> rows = new ArrayList<>();
        try (LocalSystem system = LocalSystem.start(env)) {
            URI collector = URI.create("http://127.0.0.1:" + system.collectorPort());
            URI api = URI.create("http://127.0.0.1:" + system.apiPort());
            // Unreported warm-up at the first rate: a cold JVM holding every service is still compiling
            // hot code for the first minute (JIT threads took a fifth of the CPU 45-75 s in), and topic
            // metadata and RocksDB caches are cold
            runStep(Integer.parseInt(args[1]), Duration.ofSeconds(Long.getLong("liveccu.benchmark.warmupSeconds", 60)),
                    collector, api, 0);
            for (int i = 1; i < args.length; i++) {
                rows.add(runStep(Integer.parseInt(args[i]), step, collector, api, i));
            }
        }
        String table = "| offered beacons/s | accepted beacons/s | 503s | minutes exact | freshness p50 | freshness p99 |\n"
                + "|---:|---:|---:|---|---:|---:|\n" + String.join("\n", rows);
        LOG.info("end-to-end results:\n{}", table);
        Files.writeString(Path.of(System.getProperty("liveccu.benchmark.out", "target/end-to-end.md")), table + "\n");
    }

    private static String runStep(int rate, Duration step, URI collector, URI api, long seed) throws Exception {
        // ~100 beacons per viewer: enough viewers that the plan outlasts the step; the window stays inside the grace
        int viewers = Math.max(50, rate * (int) step.toSeconds() / 60);
        TrafficPlan plan = new TrafficPlan(seed, 5, viewers / 14, 10, Duration.ofMinutes(10), Duration.ofSeconds(4),
                Duration.ofSeconds(30), 0.25, 0.05, 0.05, Duration.ofSeconds(5), 3, 5);
        var sender = new BeaconSender.Settings(List.of(collector), "bench", null, 256, 2048, rate, step);
        Simulation simulation = new Simulation(plan, sender, new CountsReader(api, API_KEY), Duration.ofMinutes(30));
        FreshnessProbe probe = new FreshnessProbe(collector, api, API_KEY);
        Thread probing = new Thread(probe, "freshness-probe");
        probing.start();
        BeaconSender.Report report = simulation.send().get();
        probe.stop();
        probing.join();
        var comparison = simulation.verify(new CountsReader(api, API_KEY), Duration.ofSeconds(120));
        List<Long> freshness = probe.results();
        LOG.info("rate {}: accepted {}/s, exact {}, freshness samples {}", rate, (long) report.acceptedPerSecond(),
                comparison.exact(), freshness.size());
        return String.format(Locale.ROOT, "| %,d | %,.0f | %,d | %s (%d/%d) | %s | %s |", rate, report.acceptedPerSecond(),
                report.unavailable(), comparison.exact() ? "yes" : "**no**", comparison.minutesExact(),
                comparison.minutesChecked(), FreshnessProbe.percentile(freshness, 0.5),
                FreshnessProbe.percentile(freshness, 0.99));
    }
}
