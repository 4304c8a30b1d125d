package liveccu.simulator.live;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Freshness as a dashboard viewer feels it, during faults: one probe beacon at a time, each a new
 * session of a job of its own, sent to the collectors (the next one when one fails) until accepted;
 * then the query APIs are read (the next one when one does not answer) until the live minute counts
 * it. A probe's freshness is the time from its 2xx to the API counting it; when an aggregator dies,
 * the probes show how long the live minute stood still. The probes' sessions are chosen so that they
 * go to each beacon partition in turn (Kafka's partitioner: murmur2 of the session id), so a stalled
 * partition is met within one round. Runs on its own thread until stopped.
 */
public final class LiveProbe implements Runnable {

    /** One probe: the beacon partition it went to, accepted at, first counted at (epoch ms), and which API counted it. */
    public record Probe(int partition, long acceptedAtMs, long countedAtMs, URI api) {
        public long freshnessMs() {
            return countedAtMs - acceptedAtMs;
        }
    }

    /** One answer of a query API to the probe's reads: when, which, and its status (-1: no answer). */
    public record ApiAnswer(long atMs, URI api, int status) {
    }

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration PAUSE = Duration.ofMillis(250);
    private static final Pattern SSCCU = Pattern.compile("\"ssccu\"\\s*:\\s*(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<URI> collectors;
    private final List<URI> apis;
    private final String apiKey;
    private final int partitions;
    private final String job = hex32();
    private final List<Probe> probes = new ArrayList<>();
    private final List<ApiAnswer> apiAnswers = new ArrayList<>();
    private volatile boolean running = true;
    private int collector;
    private int api;
    private long minute;
    private int countedThisMinute;
    private int partition;

    /** @param partitions the beacon topic's partitions */
    public LiveProbe(List<URI> collectors, List<URI> apis, String apiKey, int partitions) {
        this.collectors = List.copyOf(collectors);
        this.apis = List.copyOf(apis);
        this.apiKey = apiKey;
        this.partitions = partitions;
    }

    public int partitions() {
        return partitions;
    }

    /** Starts probing on a daemon thread. */
    public LiveProbe start() {
        Thread thread = new Thread(this, "live-probe");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    public void stop() {
        running = false;
    }

    public synchronized List<Probe> probes() {
        return List.copyOf(probes);
    }

    public synchronized List<ApiAnswer> apiAnswers() {
        return List.copyOf(apiAnswers);
    }

    /** The newest probe counted, if any: its counted time says the live minute moves. */
    public synchronized Probe last() {
        return probes.isEmpty() ? null : probes.get(probes.size() - 1);
    }

    @Override
    public void run() {
        while (running) {
            try {
                probeOnce();
                Thread.sleep(PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void probeOnce() throws InterruptedException {
        long now = System.currentTimeMillis();
        long probeMinute = now - now % 60_000;
        partition = (partition + 1) % partitions;
        String path = "/" + hex32() + "/" + job + "/" + sessionFor(partition) + "/probe/" + now + "/heartbeat";
        while (running && !accepted(path)) {
            collector = (collector + 1) % collectors.size();
            Thread.sleep(PAUSE.toMillis());
        }
        long acceptedAt = System.currentTimeMillis();
        if (probeMinute != minute) {
            minute = probeMinute;
            countedThisMinute = 0;
        }
        int expected = countedThisMinute + 1;
        String query = "/ccu?jobid=" + job + "&in=" + minute / 1000 + "&out=" + (minute / 1000 + 60);
        while (running) {
            URI at = apis.get(api);
            int status;
            String body = "";
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(at.resolve(query)).timeout(Duration.ofSeconds(5));
                if (apiKey != null) {
                    request.header("x-api-key", apiKey);
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                body = response.body();
            } catch (IOException e) {
                status = -1;
            }
            long answeredAt = System.currentTimeMillis();
            synchronized (this) {
                apiAnswers.add(new ApiAnswer(answeredAt, at, status));
            }
            if (status != 200) {
                api = (api + 1) % apis.size();  // as a balancer would: the other instance
            } else if (counted(body) >= expected) {
                countedThisMinute = expected;
                synchronized (this) {
                    probes.add(new Probe(partition, acceptedAt, answeredAt, at));
                }
                return;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private boolean accepted(String path) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(collectors.get(collector).resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        }
    }

    /** The minute's server-side count in a /ccu answer; 0 when the minute is not there yet. */
    private static long counted(String body) {
        Matcher matcher = SSCCU.matcher(body);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    /** A new session id that Kafka's default partitioner puts on {@code partition} of the beacon topic (keyed by session). */
    private String sessionFor(int partition) {
        while (true) {
            String session = hex32();
            byte[] key = session.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)) % partitions == partition) {
                return session;
            }
        }
    }

    private static String hex32() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }
}
