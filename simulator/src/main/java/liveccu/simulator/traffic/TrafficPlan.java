package liveccu.simulator.traffic;

import java.time.Duration;

/**
 * What traffic to play: how many streams and viewers, how encoders and players behave. Every
 * random choice comes from {@link #seed}, so a plan always produces the same beacons.
 *
 * @param seed               drives every random choice
 * @param jobs               live streams
 * @param viewersPerJob      viewers of an ordinary job over the whole window
 * @param hotJobFactor       the first job has this many times more viewers
 * @param window             event time covered, ending now; keep it well inside the grace period
 * @param segment            media segment length: one server-side heartbeat per segment request
 * @param playerInterval     client-side heartbeat interval (players: 30 s)
 * @param playerMissingShare viewers whose player sends no client-side beacons (ad blockers, no plug-in)
 * @param playerLossShare    client-side beacons lost on a flaky network
 * @param retryShare         beacons sent twice (a retry after a lost response)
 * @param clientSkew         players' clocks are off by up to this much, either way
 * @param stragglers         sessions whose server-side beacons arrive nearly a grace period late
 * @param tooLate            beacons arriving after the grace period (must not be counted)
 */
public record TrafficPlan(
        long seed,
        int jobs,
        int viewersPerJob,
        int hotJobFactor,
        Duration window,
        Duration segment,
        Duration playerInterval,
        double playerMissingShare,
        double playerLossShare,
        double retryShare,
        Duration clientSkew,
        int stragglers,
        int tooLate) {

    /** A small plan that still has every feature: for tests and a first run. */
    public static TrafficPlan small(long seed) {
        return new TrafficPlan(seed, 3, 20, 4, Duration.ofMinutes(6), Duration.ofSeconds(10), Duration.ofSeconds(30),
                0.25, 0.05, 0.05, Duration.ofSeconds(5), 3, 5);
    }
}
