package liveccu.simulator.send;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.function.ObjLongConsumer;
import liveccu.simulator.traffic.PlannedBeacon;

/**
 * Fires planned beacons at a collector over keep-alive connections, as fast as it accepts them or at
 * a fixed rate, and retries a 503 the way an SSAI service does. All bookkeeping runs on one Vert.x
 * context, so it needs no locks.
 */
public final class BeaconSender {

    private static final long RETRY_AFTER_503_MS = 250;

    /** What sending achieved. */
    /** @param planned beacons started (all of them, unless the duration ended the run first) */
    public record Report(long planned, long accepted, long unavailable, long refused, long elapsedMs) {
        public double acceptedPerSecond() {
            return elapsedMs == 0 ? 0 : accepted * 1000.0 / elapsedMs;
        }
    }

    /** @param collectors    one or more collectors; each attempt goes to the next, as behind a load balancer
     *  @param maxInFlight   requests under way at once
     *  @param ratePerSecond 0 for as fast as the collectors accept
     *  @param duration      stop starting new beacons after this long; zero sends them all */
    public record Settings(List<URI> collectors, String accountId, String beaconSecret, int connections, int maxInFlight,
                           int ratePerSecond, Duration duration) {
    }

    private final Vertx vertx;
    private final Settings settings;
    private final HttpClientAgent client;

    public BeaconSender(Vertx vertx, Settings settings) {
        this.vertx = vertx;
        this.settings = settings;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(settings.connections()));
    }

    /**
     * Sends every beacon until the collector accepts it; {@code onAccepted} gets each accepted beacon
     * with the time just before its (last) send. A beacon refused with a 4xx is counted and not retried.
     */
    public Future<Report> sendAll(List<PlannedBeacon> beacons, ObjLongConsumer<PlannedBeacon> onAccepted) {
        Promise<Report> done = Promise.promise();
        vertx.runOnContext(v -> new Run(beacons, onAccepted, done).pump());
        return done.future();
    }

    public Future<Void> close() {
        return client.close();
    }

    /** One sending run: a queue, a window of requests in flight, and counters. */
    private final class Run {
        private final Queue<PlannedBeacon> queue;
        // A beacon answered 503 may still have reached Kafka: it is retried to the end, even past the duration.
        private final Queue<PlannedBeacon> retries = new ArrayDeque<>();
        private final ObjLongConsumer<PlannedBeacon> onAccepted;
        private final Promise<Report> done;
        private long started;
        private final long startedMs = System.currentTimeMillis();
        private long inFlight;
        private long waitingToRetry;
        private long accepted;
        private long unavailable;
        private long refused;
        private long sentThisTick;
        private long tickStartedMs = startedMs;
        private long attempts;

        Run(List<PlannedBeacon> beacons, ObjLongConsumer<PlannedBeacon> onAccepted, Promise<Report> done) {
            this.queue = new ArrayDeque<>(beacons);
            this.onAccepted = onAccepted;
            this.done = done;
        }

        void pump() {
            while (inFlight < settings.maxInFlight() && (!retries.isEmpty() || startsNew())) {
                if (settings.ratePerSecond() > 0 && !rateAllows()) {
                    vertx.setTimer(5, t -> pump());
                    return;
                }
                if (retries.isEmpty()) {
                    started++;
                    send(queue.poll());
                } else {
                    send(retries.poll());
                }
            }
            if (!startsNew() && retries.isEmpty() && inFlight == 0 && waitingToRetry == 0) {
                done.tryComplete(new Report(started, accepted, unavailable, refused,
                        System.currentTimeMillis() - startedMs));
            }
        }

        private boolean startsNew() {
            boolean inTime = settings.duration().isZero()
                    || System.currentTimeMillis() - startedMs < settings.duration().toMillis();
            return inTime && !queue.isEmpty();
        }

        private boolean rateAllows() {
            long now = System.currentTimeMillis();
            if (now - tickStartedMs >= 100) {
                tickStartedMs = now;
                sentThisTick = 0;
            }
            if (sentThisTick >= Math.max(1, settings.ratePerSecond() / 10)) {
                return false;
            }
            sentThisTick++;
            return true;
        }

        private void send(PlannedBeacon beacon) {
            inFlight++;
            long sentAtMs = System.currentTimeMillis();
            String path = beacon.path(settings.accountId())
                    + (settings.beaconSecret() == null ? "" : "?key=" + settings.beaconSecret());
            URI collector = settings.collectors().get((int) (attempts++ % settings.collectors().size()));
            client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(collector.getHost())
                            .setPort(collector.getPort()).setURI(path))
                    .compose(request -> request.send())
                    .compose(response -> response.body().map(body -> response.statusCode()))
                    .onComplete(result -> {
                        inFlight--;
                        // no answer at all (collector restarting, connection reset) is retried like a 503
                        int status = result.succeeded() ? result.result() : 503;
                        if (status / 100 == 2) {
                            accepted++;
                            onAccepted.accept(beacon, sentAtMs);
                        } else if (status == 503) {
                            unavailable++;
                            waitingToRetry++;
                            vertx.setTimer(RETRY_AFTER_503_MS, t -> {
                                waitingToRetry--;
                                retries.add(beacon);
                                pump();
                            });
                        } else {
                            refused++;
                        }
                        pump();
                    });
        }
    }
}
