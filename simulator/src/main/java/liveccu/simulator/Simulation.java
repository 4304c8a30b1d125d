package liveccu.simulator;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import liveccu.simulator.send.BeaconSender;
import liveccu.simulator.traffic.PlannedBeacon;
import liveccu.simulator.traffic.TrafficModel;
import liveccu.simulator.traffic.TrafficPlan;
import liveccu.simulator.truth.Comparison;
import liveccu.simulator.truth.CountsReader;
import liveccu.simulator.truth.GroundTruth;
import liveccu.simulator.truth.GroundTruth.Counts;

/**
 * Plays a plan against a running system and checks its counts: generate the beacons, send them
 * (retrying 503s), compute the ground truth from what was accepted, then read the API until it
 * matches exactly or the deadline passes.
 */
public final class Simulation {

    /** The outcome: what sending achieved and how the counts compare. */
    public record Result(BeaconSender.Report sending, Comparison comparison, int jobs) {
    }

    private final TrafficPlan plan;
    private final BeaconSender.Settings sender;
    private final CountsReader reader;
    private final GroundTruth truth;
    private long fromMs;

    /** @param grace the grace period the system runs with (CCU_GRACE_MINUTES) */
    public Simulation(TrafficPlan plan, BeaconSender.Settings sender, CountsReader reader, Duration grace) {
        this.plan = plan;
        this.sender = sender;
        this.reader = reader;
        this.truth = new GroundTruth(grace);
    }

    /** Sends every beacon (retrying 503s), then waits for the API to match the ground truth. */
    public Result run(Duration verifyTimeout) throws Exception {
        BeaconSender.Report sending = send().get(30, TimeUnit.MINUTES);
        return new Result(sending, verify(reader, verifyTimeout), truth.jobs().size());
    }

    /**
     * Starts sending and returns at once: a test can crash or add services while beacons flow.
     * The future completes when every beacon has been accepted (or refused with a 4xx).
     */
    public CompletableFuture<BeaconSender.Report> send() {
        long endMs = System.currentTimeMillis();
        List<PlannedBeacon> beacons = new TrafficModel(plan).beacons(endMs);
        fromMs = beacons.stream().mapToLong(PlannedBeacon::beaconTimeMs).min().orElse(endMs) - 60_000;
        Vertx vertx = Vertx.vertx();
        BeaconSender beaconSender = new BeaconSender(vertx, sender);
        return beaconSender.sendAll(beacons, truth::accepted)
                .eventually(beaconSender::close)
                .eventually(vertx::close)
                .toCompletionStage().toCompletableFuture();
    }

    /** Beacons accepted so far. */
    public long accepted() {
        return truth.acceptedCount();
    }

    /** Reads through {@code api} until it matches the ground truth exactly, or returns the last comparison at the deadline. */
    public Comparison verify(CountsReader api, Duration timeout) throws Exception {
        long toMs = System.currentTimeMillis() + 2 * 60_000;
        Map<String, TreeMap<Long, Counts>> expected = new HashMap<>();
        truth.jobs().forEach(job -> expected.put(job, truth.expected(job)));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, TreeMap<Long, Counts>> actual = new HashMap<>();
            for (String job : expected.keySet()) {
                actual.put(job, api.counts(job, fromMs, toMs));
            }
            Comparison comparison = Comparison.of(expected, actual);
            if (comparison.exact() || System.nanoTime() > deadline) {
                return comparison;
            }
            Thread.sleep(250);
        }
    }
}
