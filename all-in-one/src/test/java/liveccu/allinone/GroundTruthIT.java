package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import liveccu.ops.config.Env;
import liveccu.simulator.Simulation;
import liveccu.simulator.send.BeaconSender;
import liveccu.simulator.traffic.TrafficPlan;
import liveccu.simulator.truth.CountsReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Realistic traffic through the real path matches an independently computed ground truth exactly:
 * late (up to the grace), out of order, retried, skewed and minute-crossing beacons included.
 */
class GroundTruthIT {

    @TempDir
    static Path dataDir;
    static LocalSystem system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = LocalSystem.start(new Env(Viewers.testEnv(dataDir)));
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    @Test
    void aSeededSimulationIsCountedExactly() throws Exception {
        TrafficPlan plan = TrafficPlan.small(20261123);
        Simulation.Result result = simulate(plan);

        assertTrue(result.comparison().exact(), () -> "mismatches: " + result.comparison().mismatches());
        assertEquals(plan.jobs(), result.jobs());
        assertTrue(result.comparison().minutesChecked() > 3 * plan.window().toMinutes(), "every minute of every job");
        assertEquals(result.sending().planned(), result.sending().accepted(), "every beacon accepted");
        assertEquals(0, result.sending().refused());
    }

    @Test
    void aFixedRateForAFixedDurationIsCountedExactlyToo() throws Exception {
        TrafficPlan plan = TrafficPlan.small(7);
        Simulation.Result result = simulate(plan, 400, Duration.ofSeconds(3));

        assertTrue(result.comparison().exact(), () -> "mismatches: " + result.comparison().mismatches());
        long started = result.sending().planned();
        // The rate is a ceiling: a busy machine sends fewer (a CI run once managed 692), never more
        // than 400/s for 3 s plus a burst; the whole plan is ~5,000 beacons.
        assertTrue(started > 0 && started <= 1_500, "at most about 400/s for 3 s, got " + started);
        assertEquals(started, result.sending().accepted());
    }

    private static Simulation.Result simulate(TrafficPlan plan) throws Exception {
        return simulate(plan, 0, Duration.ZERO);
    }

    private static Simulation.Result simulate(TrafficPlan plan, int rate, Duration duration) throws Exception {
        var sender = new BeaconSender.Settings(List.of(URI.create("http://127.0.0.1:" + system.collectorPort())), "acc",
                null, 8, 64, rate, duration);
        var reader = new CountsReader(URI.create("http://127.0.0.1:" + system.apiPort()), Viewers.API_KEY);
        return new Simulation(plan, sender, reader, Duration.ofMinutes(30)).run(Duration.ofSeconds(60));
    }
}
