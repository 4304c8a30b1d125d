package liveccu.simulator.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A CDN pushing its access log live, as a log push does: every interval one batch of lines (nginx
 * combined format, each line's time the moment the batch is made) to the collectors' log intake, the
 * next collector when one fails, the same batch again after {@code Retry-After} when answered 503 —
 * its lines keep their identities (the batch's SHA-256 and their numbers), so the aggregator counts
 * each once however often it arrives. Batches are sent one after the other, as a vendor's queue.
 * The ground truth: lines of batches answered 2xx, per minute of their time.
 */
public final class LiveCdnLog implements Runnable {

    /**
     * @param source   the log source's name (CCU_LOG_SOURCES, format combined)
     * @param token    its token (CCU_LOG_SOURCE_TOKENS)
     * @param lines    lines per batch
     * @param interval how often a batch is made
     */
    public record Settings(List<URI> collectors, String source, String token, int lines, Duration interval) {
    }

    private static final DateTimeFormatter COMMON_LOG = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final Timeline timeline;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final TreeMap<Long, Long> acceptedPerMinute = new TreeMap<>();
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private volatile boolean ending;
    private long batches;
    private int collector;

    /** @param timeline where its requests' answers go, second by second (a timeline of its own: they are not beacons) */
    public LiveCdnLog(Settings settings, Timeline timeline) {
        this.settings = settings;
        this.timeline = timeline;
    }

    /** Starts pushing on a daemon thread; the future completes with the batches sent once {@link #endNow} was called. */
    public CompletableFuture<Long> start() {
        Thread thread = new Thread(this, "live-cdn-log");
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    /** Makes no new batch; the one under way is still sent until accepted. */
    public void endNow() {
        ending = true;
    }

    /** Lines accepted (2xx), per minute of their time (epoch ms of the minute's start). */
    public synchronized TreeMap<Long, Long> acceptedPerMinute() {
        return new TreeMap<>(acceptedPerMinute);
    }

    @Override
    public void run() {
        try {
            long next = System.currentTimeMillis();
            while (!ending) {
                long now = System.currentTimeMillis();
                send(batch(now), now - now % 60_000);
                next += settings.interval().toMillis();
                Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
            }
            done.complete(batches);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(e);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    private String batch(long timeMs) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder body = new StringBuilder();
        String time = COMMON_LOG.format(Instant.ofEpochMilli(timeMs));
        for (int i = 0; i < settings.lines(); i++) {
            boolean hit = random.nextInt(10) < 8;
            body.append("198.51.100.").append(random.nextInt(1, 255)).append(" - - [").append(time).append("] \"GET /live/")
                    .append(Long.toHexString(random.nextLong())).append("/seg-").append(random.nextInt(100_000))
                    .append(".ts HTTP/1.1\" 200 ").append(random.nextInt(100_000, 2_000_000))
                    .append(" \"-\" \"Mozilla/5.0\" \"").append(hit ? "HIT" : "MISS").append("\" \"-\" 0.0")
                    .append(random.nextInt(10, 99)).append(" cdn.example.com\n");
        }
        return body.toString();
    }

    /** Sends one batch until a collector answers 2xx: the same bytes each time, so the same line identities. */
    private void send(String body, long minute) throws InterruptedException {
        batches++;
        long started = System.currentTimeMillis();
        timeline.add(started, 1, 0, 0, 0, 0, 0);
        while (true) {
            int status = -1;
            long retryAfterMs = 250;
            for (int tries = 0; tries < 2; tries++) {  // the balancer: one retry on the other collector
                URI target = settings.collectors().get(collector);
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(target.resolve("/v1/logs/" + settings.source()))
                                    .timeout(Duration.ofSeconds(30)).header("x-ccu-log-token", settings.token())
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    status = response.statusCode();
                    retryAfterMs = response.headers().firstValue("retry-after").map(s -> Long.parseLong(s) * 1000).orElse(250L);
                    if (status == 503) {
                        timeline.add(System.currentTimeMillis(), 0, 0, 0, 1, 0, 0);
                    }
                } catch (IOException e) {
                    status = -1;
                    timeline.add(System.currentTimeMillis(), 0, 0, 0, 0, 1, 0);
                }
                if (status / 100 == 2 || status / 100 == 4) {
                    break;
                }
                collector = (collector + 1) % settings.collectors().size();
            }
            long now = System.currentTimeMillis();
            if (status / 100 == 2) {
                timeline.add(now, 0, 1, 0, 0, 0, now - started);
                synchronized (this) {
                    acceptedPerMinute.merge(minute, (long) settings.lines(), Long::sum);
                }
                return;
            }
            if (status / 100 == 4) {
                throw new IllegalStateException("the log intake refused a batch: " + status + " (source and token set on the collectors?)");
            }
            timeline.add(now, 0, 0, 1, 0, 0, now - started);
            Thread.sleep(retryAfterMs);
        }
    }

    /** The requests the API counts per minute of {@code accountId} in [fromMs, toMs), by minute start. */
    public static TreeMap<Long, Long> counted(URI api, String apiKey, String accountId, long fromMs, long toMs)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve("/cdn?accountid=" + accountId + "&from=" + fromMs / 1000
                + "&to=" + (toMs + 999) / 1000 + "&interval=minute")).timeout(Duration.ofSeconds(30));
        if (apiKey != null) {
            request.header("x-api-key", apiKey);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /cdn answered " + response.statusCode() + ": " + response.body());
        }
        TreeMap<Long, Long> counts = new TreeMap<>();
        for (JsonNode row : JSON.readTree(response.body())) {
            counts.merge(Instant.parse(row.get("time").asText()).toEpochMilli(), row.get("requests").asLong(), Long::sum);
        }
        return counts;
    }

    /** Minutes where the API's count differs from the lines accepted, as minute → [accepted, counted]. */
    public static Map<Long, long[]> differences(TreeMap<Long, Long> accepted, TreeMap<Long, Long> counted) {
        Map<Long, long[]> differences = new TreeMap<>();
        TreeMap<Long, Long> all = new TreeMap<>(accepted);
        counted.forEach((minute, n) -> all.putIfAbsent(minute, 0L));
        for (long minute : all.keySet()) {
            long want = accepted.getOrDefault(minute, 0L);
            long got = counted.getOrDefault(minute, 0L);
            if (want != got) {
                differences.put(minute, new long[] {want, got});
            }
        }
        return differences;
    }
}
