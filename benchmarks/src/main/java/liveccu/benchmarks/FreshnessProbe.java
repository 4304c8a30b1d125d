package liveccu.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures freshness as a viewer of the dashboard feels it: the time from a beacon's 2xx to its
 * session being counted in the query API. One probe beacon at a time, a new session each, on a job
 * of its own; the API is polled every 20 ms until the count includes it.
 */
final class FreshnessProbe implements Runnable {

    private static final Duration INTERVAL = Duration.ofMillis(250);
    private static final Duration GIVE_UP = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI collector;
    private final URI api;
    private final String apiKey;
    private final String job = hex32();
    private final List<Long> freshnessMs = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private long currentMinute;
    private int sessionsThisMinute;

    FreshnessProbe(URI collector, URI api, String apiKey) {
        this.collector = collector;
        this.api = api;
        this.apiKey = apiKey;
    }

    @Override
    public void run() {
        while (running.get()) {
            long started = System.currentTimeMillis();
            try {
                probeOnce();
            } catch (IOException e) {
                // a refused or failed probe is not a freshness figure; the next one tries again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sleep(Math.max(0, INTERVAL.toMillis() - (System.currentTimeMillis() - started)));
        }
    }

    void stop() {
        running.set(false);
    }

    /** Sorted freshness figures in ms. */
    List<Long> results() {
        List<Long> sorted = new ArrayList<>(freshnessMs);
        Collections.sort(sorted);
        return sorted;
    }

    static String percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return "n/a";
        }
        long value = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        return String.format(Locale.ROOT, "%.2f s", value / 1000.0);
    }

    private void probeOnce() throws IOException, InterruptedException {
        long now = System.currentTimeMillis();
        long minute = now - now % 60_000;
        String path = "/" + hex32() + "/" + job + "/" + hex32() + "/probe/" + now + "/heartbeat";
        if (get(collector.resolve(path), false).statusCode() != 200) {
            return;
        }
        long acceptedAt = System.currentTimeMillis();
        if (minute != currentMinute) {
            currentMinute = minute;
            sessionsThisMinute = 0;
        }
        sessionsThisMinute++;
        URI query = api.resolve("/ccu?jobid=" + job + "&in=" + minute / 1000 + "&out=" + (minute / 1000 + 60));
        while (System.currentTimeMillis() - acceptedAt < GIVE_UP.toMillis()) {
            String body = get(query, true).body();
            if (body.contains("\"ssccu\":" + sessionsThisMinute + ",")) {
                freshnessMs.add(System.currentTimeMillis() - acceptedAt);
                return;
            }
            Thread.sleep(20);
        }
    }

    private HttpResponse<String> get(URI uri, boolean withKey) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (withKey && apiKey != null) {
            request.header("x-api-key", apiKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hex32() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }
}
