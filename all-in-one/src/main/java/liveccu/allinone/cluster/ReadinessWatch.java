package liveccu.allinone.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import liveccu.faults.Target;

/**
 * What each service's readiness said while faults happened: polls {@code /health/ready} of every
 * service every {@value #INTERVAL_MS} ms and keeps each change (status -1: no answer at all).
 */
public final class ReadinessWatch implements Runnable {

    /** From {@code atMs} on, {@code target}'s readiness answered {@code status}. */
    public record Change(long atMs, Target target, int status) {
    }

    private static final long INTERVAL_MS = 250;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final LocalCluster cluster;
    private final List<Target> services;
    private final Map<Target, Integer> last = new HashMap<>();
    private final List<Change> changes = new ArrayList<>();
    private volatile boolean running = true;

    public ReadinessWatch(LocalCluster cluster, List<Target> services) {
        this.cluster = cluster;
        this.services = List.copyOf(services);
    }

    public ReadinessWatch start() {
        Thread thread = new Thread(this, "readiness-watch");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    public void stop() {
        running = false;
    }

    public synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    /** The readiness changes of one service from {@code fromMs} on. */
    public synchronized List<Change> changes(Target target, long fromMs) {
        return changes.stream().filter(c -> c.target().equals(target) && c.atMs() >= fromMs).toList();
    }

    /** How long in [fromMs, toMs) {@code target}'s readiness said anything but 200 (503, or no answer), ms. */
    public synchronized long notReadyMs(Target target, long fromMs, long toMs) {
        long notReady = 0;
        int status = 200;
        long since = fromMs;
        for (Change change : changes) {
            if (!change.target().equals(target)) {
                continue;
            }
            if (change.atMs() <= fromMs) {
                status = change.status();
                continue;
            }
            if (change.atMs() >= toMs) {
                break;
            }
            if (status != 200) {
                notReady += change.atMs() - since;
            }
            status = change.status();
            since = change.atMs();
        }
        if (status != 200) {
            notReady += toMs - since;
        }
        return notReady;
    }

    @Override
    public void run() {
        while (running) {
            for (Target service : services) {
                int status = status(cluster.url(service));
                synchronized (this) {
                    Integer before = last.put(service, status);
                    if (before == null || before != status) {
                        changes.add(new Change(System.currentTimeMillis(), service, status));
                    }
                }
            }
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * What {@code target}'s readiness and liveness answer now, a 503's reason included: e.g. {@code ready 503
     * {"status":"DOWN","reason":"stream thread … has not polled Kafka for 75 s: …"}, live 200}.
     */
    public String answersNow(Target target) {
        URI service = cluster.url(target);
        return "ready " + answer(service.resolve("/health/ready")) + ", live " + answer(service.resolve("/health/live"));
    }

    private String answer(URI health) {
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return reply.statusCode() == 200 ? "200" : reply.statusCode() + " " + reply.body();
        } catch (IOException e) {
            return "no answer";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no answer";
        }
    }

    private int status(URI service) {
        try {
            return http.send(HttpRequest.newBuilder(service.resolve("/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
