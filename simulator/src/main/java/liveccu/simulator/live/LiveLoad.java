package liveccu.simulator.live;

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
import java.util.concurrent.CompletableFuture;
import liveccu.simulator.traffic.PlannedBeacon;
import liveccu.simulator.traffic.TrafficModel;
import liveccu.simulator.traffic.TrafficPlan;
import liveccu.simulator.truth.GroundTruth;

/**
 * Plays a traffic plan live: each beacon of the simulator's realistic traffic is sent at the moment
 * it would arrive in a real event (its time is now, not in the past), through a {@link Balancer} in
 * front of the collectors, for as long as the plan's window. A beacon answered 5xx or not at all is
 * retried by the client, as an SSAI service retries, until it is accepted — also after the window, so
 * that every beacon started is accepted in the end. Every accepted beacon goes to the ground truth;
 * what the clients saw goes to the {@link Timeline}, second by second.
 */
public final class LiveLoad {

    /**
     * @param collectors   the collectors behind the balancer
     * @param clientRetry  how long a client waits after a 5xx before it sends again (an SSAI service: 250 ms)
     * @param failTimeout  the balancer's fail_timeout (nginx.conf: 10 s)
     * @param answerTimeout how long the balancer waits for a collector's answer (nginx.conf: 30 s)
     */
    public record Settings(List<URI> collectors, String accountId, Duration clientRetry, Duration failTimeout,
                           Duration answerTimeout) {

        public static Settings of(List<URI> collectors, String accountId) {
            return new Settings(collectors, accountId, Duration.ofMillis(250), Duration.ofSeconds(10), Duration.ofSeconds(30));
        }
    }

    /**
     * What the whole run did: {@code planned} beacons were started (those of the window, or fewer when it
     * was ended early), every one of them {@code accepted} in the end.
     */
    public record Report(long planned, long accepted, long clientErrors, long collector503, long connectionFailures) {
        public Report plus(Report other) {
            return new Report(planned + other.planned, accepted + other.accepted, clientErrors + other.clientErrors,
                    collector503 + other.collector503, connectionFailures + other.connectionFailures);
        }
    }

    private static final long TICK_MS = 10;
    private static final int CONNECTIONS_PER_COLLECTOR = 1024;

    private final Settings settings;
    private final GroundTruth truth;
    private final Timeline timeline;
    private final List<PlannedBeacon> beacons;
    private final long startMs;
    private final long endMs;
    private volatile Vertx vertx;
    private volatile long accepted;
    private volatile long behindScheduleMs;
    private volatile boolean ending;

    /** Generates the plan's beacons for a window that starts now; call {@link #start} right after. */
    public LiveLoad(TrafficPlan plan, Settings settings, GroundTruth truth, Timeline timeline) {
        this.settings = settings;
        this.truth = truth;
        this.timeline = timeline;
        this.startMs = System.currentTimeMillis();
        this.endMs = startMs + plan.window().toMillis();
        // The window ends in the future: each beacon is sent when it would arrive; those that would arrive
        // after the window (an SSAI queue's long tail) are left out.
        this.beacons = new TrafficModel(plan).beacons(endMs).stream().filter(b -> b.arrivalMs() <= endMs).toList();
    }

    public long planned() {
        return beacons.size();
    }

    public long accepted() {
        return accepted;
    }

    /** How far behind its schedule the load has fallen at worst (a slow machine or a full pool), ms. */
    public long behindScheduleMs() {
        return behindScheduleMs;
    }

    public long endMs() {
        return endMs;
    }

    /** Starts sending; completes once every beacon of the window has been accepted. */
    public CompletableFuture<Report> start() {
        Vertx vertx = Vertx.vertx();
        this.vertx = vertx;
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, Duration.ofSeconds(2).toMillis())),
                new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_COLLECTOR));
        Promise<Report> done = Promise.promise();
        vertx.runOnContext(v -> new Run(vertx, client, done).tick());
        return done.future()
                .eventually(client::close)
                .eventually(vertx::close)
                .toCompletionStage().toCompletableFuture();
    }

    /** Starts no more beacons of the plan; those started are still retried until accepted. */
    public void endNow() {
        ending = true;
    }

    /** Stops sending at once (a test that ends early); {@link #start}'s future then never completes. */
    public void stop() {
        Vertx running = vertx;
        if (running != null) {
            running.close();
        }
    }

    /** One run, on one Vert.x context: no locks. */
    private final class Run {
        private final Vertx vertx;
        private final HttpClientAgent client;
        private final Promise<Report> done;
        private final Balancer balancer;
        private final ArrayDeque<PlannedBeacon> retries = new ArrayDeque<>();
        private int nextBeacon;
        private long inFlight;
        private long waitingToRetry;
        private long clientErrors;
        private long collector503;
        private long connectionFailures;

        Run(Vertx vertx, HttpClientAgent client, Promise<Report> done) {
            this.vertx = vertx;
            this.client = client;
            this.done = done;
            this.balancer = new Balancer(settings.collectors(), settings.failTimeout().toMillis());
        }

        void tick() {
            long now = System.currentTimeMillis();
            while (!retries.isEmpty()) {
                send(retries.poll());
            }
            while (!ending && nextBeacon < beacons.size() && beacons.get(nextBeacon).arrivalMs() <= now) {
                PlannedBeacon beacon = beacons.get(nextBeacon++);
                behindScheduleMs = Math.max(behindScheduleMs, now - Math.max(beacon.arrivalMs(), startMs));
                send(beacon);
            }
            if ((ending || nextBeacon == beacons.size()) && inFlight == 0 && waitingToRetry == 0 && retries.isEmpty()) {
                done.tryComplete(new Report(nextBeacon, accepted, clientErrors, collector503, connectionFailures));
                return;
            }
            vertx.setTimer(TICK_MS, t -> tick());
        }

        /** One client request: up to {@link Balancer#TRIES} collectors, as nginx passes a failed request on. */
        private void send(PlannedBeacon beacon) {
            inFlight++;
            long sentAtMs = System.currentTimeMillis();
            timeline.add(sentAtMs, 1, 0, 0, 0, 0, 0);
            attempt(beacon, 0, sentAtMs);
        }

        private void attempt(PlannedBeacon beacon, int tryNumber, long sentAtMs) {
            int index = balancer.pick(beacon.sessionId(), tryNumber, System.currentTimeMillis());
            URI collector = balancer.collector(index);
            client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(collector.getHost())
                            .setPort(collector.getPort()).setURI(beacon.path(settings.accountId()))
                            .setIdleTimeout(settings.answerTimeout().toMillis()))
                    .compose(request -> request.send())
                    .compose(response -> response.body().map(body -> response.statusCode()))
                    .onComplete(result -> answered(beacon, tryNumber, sentAtMs, index, result));
        }

        private void answered(PlannedBeacon beacon, int tryNumber, long sentAtMs, int index, io.vertx.core.AsyncResult<Integer> result) {
            long now = System.currentTimeMillis();
            boolean noAnswer = result.failed();
            int status = noAnswer ? 502 : result.result();
            if (noAnswer) {
                connectionFailures++;
                balancer.failed(index, now);
                timeline.add(now, 0, 0, 0, 0, 1, 0);
            } else if (status == 503) {
                collector503++;
                timeline.add(now, 0, 0, 0, 1, 0, 0);
            }
            if ((noAnswer || status == 503) && tryNumber + 1 < Balancer.TRIES) {
                attempt(beacon, tryNumber + 1, sentAtMs);
                return;
            }
            inFlight--;
            long latency = now - sentAtMs;
            if (status / 100 == 2) {
                accepted++;
                truth.accepted(beacon, sentAtMs);
                timeline.add(now, 0, 1, 0, 0, 0, latency);
            } else if (status / 100 == 5) {
                clientErrors++;
                timeline.add(now, 0, 0, 1, 0, 0, latency);
                waitingToRetry++;
                vertx.setTimer(settings.clientRetry().toMillis(), t -> {
                    waitingToRetry--;
                    retries.add(beacon);
                });
            } else {
                // a 4xx: the beacon is refused for good (the plan's too-late beacons are accepted and not counted)
                timeline.add(now, 0, 0, 0, 0, 0, latency);
            }
        }
    }

    /** Sent and accepted so far, for progress lines. */
    @Override
    public String toString() {
        return accepted + " of " + beacons.size() + " beacons accepted";
    }
}
