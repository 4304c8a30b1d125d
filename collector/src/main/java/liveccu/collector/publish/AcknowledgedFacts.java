package liveccu.collector.publish;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.RejectedBeacon;
import liveccu.model.Side;
import liveccu.model.Viewer;

/**
 * Forwards facts, not beacons. Counting needs one beacon per session, side and minute, but a session
 * heartbeating every 4 s sends 15: once the first is acknowledged by Kafka, the rest repeat a fact
 * Kafka already holds. Such a beacon is answered with that acknowledgement, without a write of its own.
 *
 * <p>A beacon is written when it says something new for its session and side: another minute, job,
 * account or viewer, or a receive time more than {@code lastSeenRefresh} after the last written one
 * (so a minute's {@code last_rx_at} stays within that of the truth). A beacon repeating a fact still
 * in flight waits for the same acknowledgement; a failed write is forgotten, so the next beacon
 * writes again. Correctness never depends on this: several collectors each see part of a session's
 * beacons and each write their first, and the aggregator de-duplicates whatever arrives.
 *
 * <p>Memory is bounded: one entry per session and side written within the last minute and refresh,
 * at most {@code maxSessions}. A plain concurrent map, swept of entries past that age by
 * {@link #forgetOlderThan} (the caller's timer, off the event loops), rather than a cache that keeps
 * books on every read: the lookup is on every beacon's path. When the map is full, a new session is
 * not remembered, and its beacons are written, until the sweep makes room.
 */
public final class AcknowledgedFacts implements BeaconSink {

    /** What a beacon contributes to the results, apart from when it was received. */
    private record Fact(long minuteStartMs, String jobId, String accountId, Viewer viewer) {
        static Fact of(Beacon beacon) {
            return new Fact(CountingRules.minuteStart(beacon.beaconTimeMs()), beacon.jobId(), beacon.accountId(),
                    beacon.viewer());
        }
    }

    private record Written(Fact fact, long receivedAtMs, CompletionStage<Void> ack) {
    }

    private final BeaconSink kafka;
    private final long lastSeenRefreshMs;
    private final long maxSessions;
    /**
     * One map per side, keyed by the session id itself: the lookup is on every beacon's path and, with a live
     * audience's sessions, misses the CPU's caches at every object it follows, so a key object is one miss more.
     */
    private final Map<Side, ConcurrentHashMap<String, Written>> written = new EnumMap<>(Side.class);
    private final LongAdder answeredWithoutWrite = new LongAdder();

    /**
     * @param kafka           where beacons are written; completes when Kafka has acknowledged one
     * @param lastSeenRefresh how much older than the newest beacon a minute's last receive time may be
     * @param maxSessions     sessions (times sides) remembered at most
     */
    public AcknowledgedFacts(BeaconSink kafka, Duration lastSeenRefresh, long maxSessions) {
        this.kafka = kafka;
        this.lastSeenRefreshMs = lastSeenRefresh.toMillis();
        this.maxSessions = maxSessions;
        for (Side side : Side.values()) {
            written.put(side, new ConcurrentHashMap<>());
        }
    }

    /** How long an entry can still save a write: its minute may last that long, plus the refresh. */
    public Duration remembered() {
        return Duration.ofMillis(CountingRules.MINUTE_MS + lastSeenRefreshMs);
    }

    /** Kafka's acknowledgement of this beacon's fact: an earlier write's, or a new write's. */
    @Override
    public CompletionStage<Void> publish(Beacon beacon) {
        String key = beacon.sessionId();
        ConcurrentHashMap<String, Written> sideWritten = written.get(beacon.side());
        Fact fact = Fact.of(beacon);
        Written earlier = sideWritten.get(key);
        if (earlier != null && earlier.fact().equals(fact)
                && beacon.receivedAtMs() - earlier.receivedAtMs() <= lastSeenRefreshMs) {
            answeredWithoutWrite.increment();
            return earlier.ack();
        }
        CompletionStage<Void> ack = kafka.publish(beacon);
        if (earlier == null && remembering() >= maxSessions) {
            return ack;  // full: this session's beacons are written until the sweep makes room
        }
        Written now = new Written(fact, beacon.receivedAtMs(), ack);
        sideWritten.put(key, now);
        ack.whenComplete((ok, failure) -> {
            if (failure != null) {
                sideWritten.remove(key, now);
            }
        });
        return ack;
    }

    /** Forgets what was written before {@code oldestMs}: such an entry can no longer save a write. */
    public void forgetOlderThan(long oldestMs) {
        written.values().forEach(sideWritten -> sideWritten.values().removeIf(entry -> entry.receivedAtMs() < oldestMs));
    }

    /** Sessions (times sides) remembered now. */
    public int remembering() {
        int sessions = 0;
        for (ConcurrentHashMap<String, Written> sideWritten : written.values()) {
            sessions += sideWritten.size();
        }
        return sessions;
    }

    @Override
    public boolean recordRejection(RejectedBeacon rejected) {
        return kafka.recordRejection(rejected);
    }

    /** Beacons answered with an earlier write's acknowledgement, so far. */
    public long answeredWithoutWrite() {
        return answeredWithoutWrite.sum();
    }
}
