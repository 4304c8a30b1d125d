package liveccu.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import liveccu.simulator.send.BeaconSender;
import liveccu.simulator.traffic.TrafficPlan;
import liveccu.simulator.truth.Comparison;
import liveccu.simulator.truth.CountsReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./liveccu simulate}: realistic viewers against a running system, checked against the ground truth. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Plays realistic viewers against a running collector, then checks that the query API",
                "counts exactly what it should. Exit status 0 when every minute is exact, 1 otherwise."})
public final class SimulatorMain implements Callable<Integer> {

    @Option(names = "--collector", defaultValue = "http://localhost:8080", split = ",",
            description = "collector URL, or several separated by commas (${DEFAULT-VALUE})")
    List<URI> collectors;
    @Option(names = "--api", defaultValue = "http://localhost:8081", description = "query API URL (${DEFAULT-VALUE})")
    URI api;
    @Option(names = "--api-key", defaultValue = "${env:CCU_API_KEY}", description = "API key (default: $CCU_API_KEY)")
    String apiKey;
    @Option(names = "--beacon-secret", defaultValue = "${env:CCU_BEACON_SECRET}", description = "beacon secret (default: $CCU_BEACON_SECRET)")
    String beaconSecret;
    @Option(names = "--seed", defaultValue = "1", description = "random seed: the same seed plays the same viewers (${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--jobs", defaultValue = "3", description = "live streams (${DEFAULT-VALUE})")
    int jobs;
    @Option(names = "--viewers", defaultValue = "20", description = "viewers per ordinary stream (${DEFAULT-VALUE})")
    int viewers;
    @Option(names = "--hot-job-factor", defaultValue = "4", description = "the first stream has this many times more viewers (${DEFAULT-VALUE})")
    int hotJobFactor;
    @Option(names = "--window-minutes", defaultValue = "6", description = "event time covered, ending now; keep it below the grace (${DEFAULT-VALUE})")
    int windowMinutes;
    @Option(names = "--segment-seconds", defaultValue = "10", description = "segment length: one server-side beacon per segment, 2-10 (${DEFAULT-VALUE})")
    int segmentSeconds;
    @Option(names = "--player-missing", defaultValue = "0.25", description = "share of players sending no csheartbeat (${DEFAULT-VALUE})")
    double playerMissing;
    @Option(names = "--player-loss", defaultValue = "0.05", description = "share of csheartbeats lost (${DEFAULT-VALUE})")
    double playerLoss;
    @Option(names = "--retries", defaultValue = "0.05", description = "share of beacons sent twice (${DEFAULT-VALUE})")
    double retries;
    @Option(names = "--client-skew-seconds", defaultValue = "5", description = "players' clocks off by up to this much (${DEFAULT-VALUE})")
    int clientSkewSeconds;
    @Option(names = "--stragglers", defaultValue = "3", description = "sessions arriving 26-28 minutes late (${DEFAULT-VALUE})")
    int stragglers;
    @Option(names = "--too-late", defaultValue = "5", description = "beacons arriving after the grace, not to be counted (${DEFAULT-VALUE})")
    int tooLate;
    @Option(names = "--rate", defaultValue = "0", description = "beacons per second; 0 = as fast as accepted (${DEFAULT-VALUE})")
    int rate;
    @Option(names = "--duration-seconds", defaultValue = "0", description = "stop starting beacons after this long; 0 = send the whole plan (${DEFAULT-VALUE})")
    int durationSeconds;
    @Option(names = "--connections", defaultValue = "128", description = "HTTP connections (${DEFAULT-VALUE})")
    int connections;
    @Option(names = "--in-flight", defaultValue = "1024", description = "requests under way at once (${DEFAULT-VALUE})")
    int inFlight;
    @Option(names = "--grace-minutes", defaultValue = "30", description = "the system's CCU_GRACE_MINUTES (${DEFAULT-VALUE})")
    int graceMinutes;
    @Option(names = "--verify-timeout-seconds", defaultValue = "60", description = "how long to wait for exact counts (${DEFAULT-VALUE})")
    int verifyTimeoutSeconds;

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulatorMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<String> silent = new ArrayList<>();
        collectors.forEach(url -> unanswered(url, "collector").ifPresent(silent::add));
        unanswered(api, "query API").ifPresent(silent::add);
        if (!silent.isEmpty()) {
            silent.forEach(System.err::println);
            System.err.println("start the system first (./liveccu), or point --collector and --api at a running one");
            return 2;
        }
        TrafficPlan plan = new TrafficPlan(seed, jobs, viewers, hotJobFactor, Duration.ofMinutes(windowMinutes),
                Duration.ofSeconds(segmentSeconds), Duration.ofSeconds(30), playerMissing, playerLoss, retries,
                Duration.ofSeconds(clientSkewSeconds), stragglers, tooLate);
        var sender = new BeaconSender.Settings(collectors, "simulator", beaconSecret, connections, inFlight, rate,
                Duration.ofSeconds(durationSeconds));
        Simulation.Result result = new Simulation(plan, sender, new CountsReader(api, apiKey), Duration.ofMinutes(graceMinutes))
                .run(Duration.ofSeconds(verifyTimeoutSeconds));
        print(result);
        return result.comparison().exact() ? 0 : 1;
    }

    /** A problem line when nothing answers HTTP at {@code url} within a few seconds. */
    private static Optional<String> unanswered(URI url, String what) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();
        HttpRequest probe = HttpRequest.newBuilder(url.resolve("/health/live")).timeout(ANSWER_WITHIN).build();
        try {
            client.send(probe, HttpResponse.BodyHandlers.discarding());
            return Optional.empty();  // any answer: something serves there
        } catch (IOException e) {
            return Optional.of("nothing answers at " + url + " (the " + what + "): " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while reaching " + url);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + ANSWER_WITHIN.toSeconds() + " s";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void print(Simulation.Result result) {
        var sending = result.sending();
        var out = System.out;
        out.printf("sent %,d beacons in %.1f s: %,.0f accepted/s; %,d answered 503 and were retried; %,d refused%n",
                sending.planned(), sending.elapsedMs() / 1000.0, sending.acceptedPerSecond(), sending.unavailable(),
                sending.refused());
        Comparison comparison = result.comparison();
        out.printf("checked %,d minutes of %d jobs against the ground truth: %,d exact, worst difference %d%n",
                comparison.minutesChecked(), result.jobs(), comparison.minutesExact(), comparison.worstDifference());
        for (Comparison.Mismatch m : comparison.mismatches()) {
            out.printf("  MISMATCH job %s minute %s: expected ss=%d cs=%d, API ss=%d cs=%d%n", m.jobId(),
                    Instant.ofEpochMilli(m.minuteStartMs()), m.expected().ssccu(), m.expected().csccu(),
                    m.actual().ssccu(), m.actual().csccu());
        }
        out.println(comparison.exact() ? "EXACT" : "MISMATCH");
    }
}
