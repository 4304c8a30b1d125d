package liveccu.collector.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import liveccu.collector.intake.TrustedProxies;
import liveccu.collector.limit.ClientRateLimit.Allowed;
import liveccu.collector.limit.ClientRateLimit.Decision;
import liveccu.collector.limit.ClientRateLimit.Limited;
import org.junit.jupiter.api.Test;

/** The token buckets on a clock the test moves: no sleeps. */
class ClientRateLimitTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private ClientRateLimit limit(int perSecond, int burst) {
        return new ClientRateLimit(perSecond, burst, 1000, TrustedProxies.NONE, clock::get);
    }

    private void advance(Duration duration) {
        clock.addAndGet(duration.toNanos());
    }

    private static List<Decision> send(ClientRateLimit limit, String client, int beacons) {
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < beacons; i++) {
            decisions.add(limit.check(client, null));
        }
        return decisions;
    }

    private static long allowed(List<Decision> decisions) {
        return decisions.stream().filter(d -> d == Allowed.INSTANCE).count();
    }

    @Test
    void aBurstPassesThenTheRestIsLimitedUntilTokensRefill() {
        ClientRateLimit limit = limit(2, 5);

        List<Decision> first = send(limit, "10.0.0.1", 8);
        assertEquals(List.of(true, true, true, true, true, false, false, false),
                first.stream().map(d -> d == Allowed.INSTANCE).toList());

        advance(Duration.ofMillis(499));
        assertInstanceOf(Limited.class, limit.check("10.0.0.1", null), "a token takes 500 ms at 2/s");
        advance(Duration.ofMillis(1));
        assertSame(Allowed.INSTANCE, limit.check("10.0.0.1", null));
        assertInstanceOf(Limited.class, limit.check("10.0.0.1", null));

        advance(Duration.ofSeconds(10));
        assertEquals(5, allowed(send(limit, "10.0.0.1", 10)), "an idle client has a full bucket again, no more");
    }

    @Test
    void overALongRunAClientGetsExactlyItsRate() {
        ClientRateLimit limit = limit(10, 1);
        long allowed = 0;
        for (int ms = 0; ms < 60_000; ms++) {   // a beacon every millisecond for a minute
            allowed += limit.check("10.0.0.1", null) == Allowed.INSTANCE ? 1 : 0;
            advance(Duration.ofMillis(1));
        }
        assertEquals(600, allowed);
    }

    @Test
    void clientsHaveTheirOwnBuckets() {
        ClientRateLimit limit = limit(1, 3);

        assertEquals(3, allowed(send(limit, "10.0.0.1", 5)));
        assertEquals(3, allowed(send(limit, "10.0.0.2", 5)));
        assertEquals(3, allowed(send(limit, "2001:db8::1", 5)));
    }

    @Test
    void retryAfterIsTheWholeSecondsUntilTheNextToken() {
        ClientRateLimit slow = limit(1, 1);
        slow.check("10.0.0.1", null);
        assertEquals(1, ((Limited) slow.check("10.0.0.1", null)).retryAfterSeconds());
        advance(Duration.ofMillis(900));
        assertEquals(1, ((Limited) slow.check("10.0.0.1", null)).retryAfterSeconds(), "never 0: at least one second");

        ClientRateLimit fast = limit(100, 10);
        send(fast, "10.0.0.1", 10);
        assertEquals(1, ((Limited) fast.check("10.0.0.1", null)).retryAfterSeconds(), "10 ms rounds up to 1 s");
        assertEquals("10.0.0.1", ((Limited) fast.check("10.0.0.1", null)).client());
    }

    @Test
    void limitedBeaconsAreRecordedAtMostOncePerClientEveryTenSeconds() {
        ClientRateLimit limit = limit(1, 1);
        limit.check("10.0.0.1", null);
        limit.check("10.0.0.2", null);

        assertEquals(List.of(true, false, false), recorded(send(limit, "10.0.0.1", 3)));
        assertEquals(List.of(true, false), recorded(send(limit, "10.0.0.2", 2)), "another client is recorded too");
        advance(Duration.ofSeconds(9));
        send(limit, "10.0.0.1", 1);   // a token
        assertEquals(List.of(false), recorded(send(limit, "10.0.0.1", 1)));
        advance(Duration.ofSeconds(1));
        send(limit, "10.0.0.1", 1);
        assertEquals(List.of(true, false), recorded(send(limit, "10.0.0.1", 2)));
    }

    private static List<Boolean> recorded(List<Decision> decisions) {
        return decisions.stream().map(d -> assertInstanceOf(Limited.class, d).record()).toList();
    }

    @Test
    void offAllowsEverything() {
        ClientRateLimit off = ClientRateLimit.off();

        assertEquals(1000, allowed(send(off, "10.0.0.1", 1000)));
        assertEquals(0, off.clients());
    }

    @Test
    void idleClientsAreForgottenAndMemoryIsBounded() {
        ClientRateLimit limit = new ClientRateLimit(1, 2, 100, TrustedProxies.NONE, clock::get);
        for (int i = 0; i < 1000; i++) {
            limit.check("10.0." + i / 256 + "." + i % 256, null);
        }
        limit.cleanUp();
        assertEquals(100, limit.clients(), "never more than CCU_RATE_LIMIT_CLIENTS");

        advance(Duration.ofSeconds(9));
        limit.cleanUp();
        assertEquals(100, limit.clients(), "kept for the 10 s of the rejected records' sampling");
        advance(Duration.ofSeconds(1));   // full again after 2 s, and 10 s passed
        limit.cleanUp();
        assertEquals(0, limit.clients());
    }

    @Test
    void theClientBehindATrustedProxyHasItsOwnBucket() {
        List<String> errors = new ArrayList<>();
        ClientRateLimit limit = new ClientRateLimit(1, 2, 100, TrustedProxies.parse("10.1.0.0/16", errors), clock::get);

        assertEquals(2, allowed(send(limit, "10.1.2.3", 3)), "the proxy's own requests (no header)");
        for (String client : List.of("203.0.113.7", "203.0.113.8")) {
            List<Decision> decisions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                decisions.add(limit.check("10.1.2.3", client));
            }
            assertEquals(2, allowed(decisions), client);
        }
        assertEquals(List.of(), errors);
    }
}
