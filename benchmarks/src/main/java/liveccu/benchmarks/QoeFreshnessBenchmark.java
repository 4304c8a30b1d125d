package liveccu.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liveccu.allinone.LocalSystem;
import liveccu.ops.config.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How fresh the QoE minute is under load (issue 24: "served within 5 s of the reports"): the whole one-machine
 * system with its default settings (commit interval 250 ms), a live event's players sending CMCD reports at
 * stepped rates — one content, every view reporting every 30 s as hls.js does (starting, playing, then a
 * time-interval report), one report per request — and a probe that starts one view at a time (its starting
 * report, timed now) and polls {@code GET /qoe} per minute every 20 ms until the view is counted. For each
 * rate: the reports accepted per second, 503s, and freshness from the probe's 204 to its minute in the API.
 *
 * <p>Usage: QoeFreshnessBenchmark SECONDS_PER_STEP RATE [RATE…]; prints a Markdown table (and writes it to
 * {@code liveccu.benchmark.out}).
 */
public final class QoeFreshnessBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(QoeFreshnessBenchmark.class);
    private static final String API_KEY = "benchmark";
    private static final String ACCOUNT = "qoe-bench";
    private static final String AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/120.0.0.0 Safari/537.36";
    private static final Duration REPORT_EVERY = Duration.ofSeconds(30);
    private static final Duration PROBE_EVERY = Duration.ofMillis(250);
    private static final Pattern VIEWS = Pattern.compile("\"views\":(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI collector;
    private final URI api;
    private final String job = UUID.randomUUID().toString().replace("-", "");

    private QoeFreshnessBenchmark(URI collector, URI api) {
        this.collector = collector;
        this.api = api;
    }

    public static void main(String[] args) throws Exception {
        Duration step = Duration.ofSeconds(Integer.parseInt(args[0]));
        Path data = Files.createTempDirectory("liveccu-qoe");
        Map<String, String> variables = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("CCU_")) {
                variables.put(name, value);
            }
        });
        variables.putAll(Map.of("CCU_DATA_DIR", data.toString(), "CCU_KAFKA_PORT", "0", "CCU_COLLECTOR_PORT", "0",
                "CCU_API_PORT", "0", "CCU_AGGREGATOR_PORT", "0", "CCU_API_KEY", API_KEY));
        List<String> rows = new ArrayList<>();
        try (LocalSystem system = LocalSystem.start(new Env(variables))) {
            QoeFreshnessBenchmark benchmark = new QoeFreshnessBenchmark(URI.create("http://127.0.0.1:" + system.collectorPort()),
                    URI.create("http://127.0.0.1:" + system.apiPort()));
            // unreported warm-up at the first rate: the JIT, topic metadata and RocksDB caches are cold
            benchmark.runStep(Integer.parseInt(args[1]), Duration.ofSeconds(Long.getLong("liveccu.benchmark.warmupSeconds", 30)));
            for (int i = 1; i < args.length; i++) {
                rows.add(benchmark.runStep(Integer.parseInt(args[i]), step));
            }
        }
        String table = "| offered reports/s | views reporting | accepted reports/s | 503s | probes | freshness p50 | freshness p99 | max |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|\n" + String.join("\n", rows);
        LOG.info("QoE freshness results:\n{}", table);
        Files.writeString(Path.of(System.getProperty("liveccu.benchmark.out", "target/qoe-freshness.md")), table + "\n");
    }

    private String runStep(int rate, Duration step) throws Exception {
        String content = "live-" + UUID.randomUUID();
        int views = (int) Math.max(1, rate * REPORT_EVERY.toSeconds());
        AtomicLong accepted = new AtomicLong();
        AtomicLong unavailable = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Long> freshness = Collections.synchronizedList(new ArrayList<>());
        Thread probe = new Thread(() -> probe(running, freshness), "qoe-freshness-probe");
        probe.start();
        Semaphore inFlight = new Semaphore(512);
        long[] sent = new long[views];
        long start = System.nanoTime();
        long due = 0;
        long next = 0;
        while (System.nanoTime() - start < step.toNanos()) {
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            long owed = elapsedMs * rate / 1000;
            for (; due < owed; due++) {
                int view = (int) (next++ % views);
                String sid = content + "-" + view;
                long n = sent[view]++;
                String line = "e=" + (n < 2 ? "ps" : "t") + ",sid=\"" + sid + "\",cid=\"" + content + "\",ts="
                        + System.currentTimeMillis() + ",sta=" + (n == 0 ? "s" : "p") + ",sn=" + n + ",br=(3000),sf=h,st=l,v=2";
                inFlight.acquire();
                http.sendAsync(post(line), HttpResponse.BodyHandlers.discarding()).whenComplete((reply, error) -> {
                    inFlight.release();
                    if (error == null && reply.statusCode() == 204) {
                        accepted.incrementAndGet();
                    } else if (error == null && reply.statusCode() == 503) {
                        unavailable.incrementAndGet();
                    }
                });
            }
            Thread.sleep(5);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        inFlight.acquire(512);
        inFlight.release(512);
        running.set(false);
        probe.join();
        List<Long> sorted = new ArrayList<>(freshness);
        Collections.sort(sorted);
        LOG.info("rate {}: accepted {}/s, 503s {}, freshness samples {}", rate, accepted.get() / seconds, unavailable.get(),
                sorted.size());
        return String.format(Locale.ROOT, "| %,d | %,d | %,.0f | %,d | %d | %s | %s | %s |", rate, views, accepted.get() / seconds,
                unavailable.get(), sorted.size(), FreshnessProbe.percentile(sorted, 0.5), FreshnessProbe.percentile(sorted, 0.99),
                FreshnessProbe.percentile(sorted, 1.0));
    }

    /** One view at a time on a content of its own: its starting report, then /qoe's minutes until they count it. */
    private void probe(AtomicBoolean running, List<Long> freshness) {
        String content = "probe-" + UUID.randomUUID();
        int started = 0;
        while (running.get()) {
            long began = System.currentTimeMillis();
            try {
                String line = "e=ps,sid=\"" + content + "-" + started + "\",cid=\"" + content + "\",ts=" + began
                        + ",sta=s,sn=0,sf=h,st=l,v=2";
                if (http.send(post(line), HttpResponse.BodyHandlers.discarding()).statusCode() == 204) {
                    started++;
                    long acknowledged = System.nanoTime();
                    long nowS = System.currentTimeMillis() / 1000;
                    URI query = api.resolve("/qoe?accountid=" + ACCOUNT + "&from=" + (nowS - 600) + "&to=" + (nowS + 120)
                            + "&contentid=" + content + "&interval=minute");
                    while (views(query) < started && System.nanoTime() - acknowledged < Duration.ofSeconds(30).toNanos()) {
                        Thread.sleep(20);
                    }
                    freshness.add((System.nanoTime() - acknowledged) / 1_000_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // a refused or failed probe is not a freshness figure; the next one tries again
            }
            long wait = PROBE_EVERY.toMillis() - (System.currentTimeMillis() - began);
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private long views(URI query) throws Exception {
        String body = http.send(HttpRequest.newBuilder(query).header("x-api-key", API_KEY).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long views = 0;
        Matcher matcher = VIEWS.matcher(body);
        while (matcher.find()) {
            views += Long.parseLong(matcher.group(1));
        }
        return views;
    }

    private HttpRequest post(String line) {
        return HttpRequest.newBuilder(collector.resolve("/cmcd/" + ACCOUNT + "/" + job)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/cmcd").header("user-agent", AGENT)
                .POST(HttpRequest.BodyPublishers.ofString(line)).build();
    }
}
