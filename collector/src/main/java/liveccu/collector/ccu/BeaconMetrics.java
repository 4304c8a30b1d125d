package liveccu.collector.ccu;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import liveccu.collector.limit.ClientRateLimit;
import liveccu.collector.publish.AcknowledgedFacts;
import liveccu.model.RejectReason;
import liveccu.model.Side;

/** The collector's own meters, created once so that the hot path only increments. */
public final class BeaconMetrics {

    private final Map<Side, Counter> accepted = new EnumMap<>(Side.class);
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final Counter unavailable;
    private final Counter rejectionsNotRecorded;
    private final Counter rateLimited;
    private final Timer sendLatency;
    private final MeterRegistry registry;

    public BeaconMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Side side : Side.values()) {
            accepted.put(side, Counter.builder("ccu.beacons.accepted")
                    .description("Beacons acknowledged by Kafka and answered 200")
                    .tag("side", side.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry));
        }
        for (RejectReason reason : RejectReason.values()) {
            // 429s have their own counter (a flood would drown the other reasons here)
            if (reason.httpStatus() != 0 && reason != RejectReason.RATE_LIMITED) {
                rejected.put(reason, Counter.builder("ccu.beacons.rejected")
                        .description("Beacons answered 4xx, by reason")
                        .tag("reason", reason.code())
                        .register(registry));
            }
        }
        unavailable = Counter.builder("ccu.beacons.unavailable")
                .description("Beacons answered 503 because Kafka could not take them")
                .register(registry);
        rejectionsNotRecorded = Counter.builder("ccu.beacons.rejected.unrecorded")
                .description("Rejected beacons that could not be written to the rejected topic")
                .register(registry);
        rateLimited = Counter.builder("ccu.beacons.rate.limited")
                .description("Beacons answered 429 because their client was over CCU_RATE_LIMIT_PER_CLIENT")
                .register(registry);
        sendLatency = Timer.builder("ccu.kafka.send")
                .description("Time from handing a beacon to the producer to Kafka's acknowledgement")
                .publishPercentileHistogram()
                .register(registry);
    }

    /** Beacons answered with an earlier write's acknowledgement. */
    public void countAnsweredWithoutWrite(AcknowledgedFacts facts) {
        // Micrometer holds its object weakly: the facts themselves, which the collector keeps, not a lambda.
        FunctionCounter.builder("ccu.beacons.answered.without.write", facts, AcknowledgedFacts::answeredWithoutWrite)
                .description("Beacons acknowledged by Kafka through an earlier beacon of the same session, side and minute")
                .register(registry);
        Gauge.builder("ccu.collector.remembered.sessions", facts, AcknowledgedFacts::remembering)
                .description("Sessions (times sides) whose last written beacon the collector remembers (CCU_REMEMBERED_SESSIONS at most)")
                .register(registry);
    }

    /** Clients whose rate-limit bucket is remembered. */
    public void countRateLimitClients(ClientRateLimit limit) {
        // held weakly by Micrometer: the limit itself, which the collector keeps
        Gauge.builder("ccu.rate.limit.clients", limit, ClientRateLimit::clients)
                .description("Clients (addresses) whose rate-limit bucket the collector remembers")
                .register(registry);
    }

    public void rateLimited() {
        rateLimited.increment();
    }

    public void accepted(Side side) {
        accepted.get(side).increment();
    }

    public void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    public void unavailable() {
        unavailable.increment();
    }

    public void rejectionNotRecorded() {
        rejectionsNotRecorded.increment();
    }

    public void sendLatencyNanos(long nanos) {
        sendLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
