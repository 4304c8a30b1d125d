package liveccu.simulator.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The balancer in front of the collectors follows the deploy files' nginx rules. */
class BalancerTest {

    private final Balancer balancer = new Balancer(List.of(URI.create("http://a:1"), URI.create("http://b:2")), 10_000);

    @Test
    void aSessionAlwaysGoesToTheSameCollectorAndItsRetryToTheOther() {
        int home = balancer.pick("session-1", 0, 0);
        assertEquals(home, balancer.pick("session-1", 0, 5_000));
        assertNotEquals(home, balancer.pick("session-1", 1, 5_000), "proxy_next_upstream: the second try goes elsewhere");
    }

    @Test
    void threeFailuresWithinTheFailTimeoutSkipACollectorForThatLong() {
        int home = balancer.pick("session-1", 0, 0);
        balancer.failed(home, 1_000);
        balancer.failed(home, 2_000);
        assertEquals(home, balancer.pick("session-1", 0, 2_500), "two failures: still tried");
        balancer.failed(home, 3_000);
        assertNotEquals(home, balancer.pick("session-1", 0, 3_500), "max_fails=3 within fail_timeout: skipped");
        assertEquals(home, balancer.pick("session-1", 0, 13_001), "tried again after fail_timeout");
    }

    @Test
    void failuresFurtherApartThanTheFailTimeoutNeverSkipIt() {
        int home = balancer.pick("session-1", 0, 0);
        balancer.failed(home, 1_000);
        balancer.failed(home, 8_000);
        balancer.failed(home, 15_000);
        assertEquals(home, balancer.pick("session-1", 0, 15_500));
    }
}
