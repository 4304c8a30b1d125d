package liveccu.collector.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import liveccu.model.Beacon;
import liveccu.model.RejectedBeacon;
import liveccu.model.Side;
import liveccu.model.Viewer;
import org.junit.jupiter.api.Test;

class AcknowledgedFactsTest {

    private static final long MINUTE = 1_796_000_000_000L / 60_000 * 60_000;
    private static final String JOB = "142bbf588a574e018de94136a664cfaf";
    private static final String SESSION = "00000000000000000000000000000001";

    /** Every write, with its acknowledgement left to the test. */
    private final List<Beacon> writes = new ArrayList<>();
    private final List<CompletableFuture<Void>> acks = new ArrayList<>();
    private final AcknowledgedFacts facts = new AcknowledgedFacts(new BeaconSink() {
        @Override
        public CompletionStage<Void> publish(Beacon beacon) {
            writes.add(beacon);
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.add(ack);
            return ack;
        }

        @Override
        public boolean recordRejection(RejectedBeacon rejected) {
            return true;
        }
    }, Duration.ofSeconds(20), 1000);

    @Test
    void aSessionHeartbeatingFifteenTimesInAMinuteIsWrittenOnceThenEveryRefresh() {
        for (int second = 0; second < 60; second += 4) {
            facts.publish(beacon(Side.SS, MINUTE + second * 1000L, MINUTE + second * 1000L + 300, null));
            acks.forEach(ack -> ack.complete(null));
        }

        // written at 0 s, then at the first beacon more than 20 s after the last write: 24 s and 48 s
        assertEquals(List.of(MINUTE + 300, MINUTE + 24_300, MINUTE + 48_300),
                writes.stream().map(Beacon::receivedAtMs).toList());
        assertEquals(12, facts.answeredWithoutWrite());
    }

    @Test
    void anotherMinuteSideJobAccountOrViewerIsWritten() {
        facts.publish(beacon(Side.SS, MINUTE + 1000, MINUTE + 1000, null));
        facts.publish(beacon(Side.SS, MINUTE + 61_000, MINUTE + 61_000, null));
        facts.publish(beacon(Side.CS, MINUTE + 62_000, MINUTE + 62_000, null));
        facts.publish(new Beacon("g", "ffffffffffffffffffffffffffffffff", SESSION, "1", Side.CS, MINUTE + 63_000, MINUTE + 63_000));
        facts.publish(new Beacon("g", "ffffffffffffffffffffffffffffffff", SESSION, "2", Side.CS, MINUTE + 64_000, MINUTE + 64_000));
        facts.publish(new Beacon("g", "ffffffffffffffffffffffffffffffff", SESSION, "2", Side.CS, MINUTE + 65_000, MINUTE + 65_000,
                new Viewer("gold", null, null, false)));
        facts.publish(new Beacon("g", "ffffffffffffffffffffffffffffffff", SESSION, "2", Side.CS, MINUTE + 66_000, MINUTE + 66_000,
                new Viewer("gold", null, null, false)));

        assertEquals(6, writes.size());
        assertEquals(1, facts.answeredWithoutWrite());
    }

    @Test
    void aRepeatWaitsForTheWriteInFlightAndSharesItsOutcome() {
        CompletableFuture<Void> first = facts.publish(beacon(Side.SS, MINUTE, MINUTE, null)).toCompletableFuture();
        CompletableFuture<Void> repeat = facts.publish(beacon(Side.SS, MINUTE + 4000, MINUTE + 4000, null)).toCompletableFuture();

        assertEquals(1, writes.size());
        assertSame(first, repeat);
        assertFalse(repeat.isDone(), "not answered before Kafka's acknowledgement");
    }

    @Test
    void aFailedWriteIsForgottenSoTheNextBeaconWritesAgain() {
        facts.publish(beacon(Side.SS, MINUTE, MINUTE, null));
        acks.get(0).completeExceptionally(new IntakePublisher.KafkaUnavailable("down", null));

        CompletableFuture<Void> next = facts.publish(beacon(Side.SS, MINUTE + 4000, MINUTE + 4000, null)).toCompletableFuture();

        assertEquals(2, writes.size());
        assertFalse(next.isDone());
        acks.get(1).complete(null);
        assertTrue(next.isDone() && !next.isCompletedExceptionally());
    }

    private static Beacon beacon(Side side, long beaconTimeMs, long receivedAtMs, Viewer viewer) {
        return new Beacon("00000000000000000000000000000000", JOB, SESSION, "123456789", side, beaconTimeMs, receivedAtMs, viewer);
    }

    @Test
    void aSweepForgetsWhatCanNoLongerSaveAWriteAndAFullMemoryWritesNewSessionsThrough() {
        AcknowledgedFacts small = new AcknowledgedFacts(new BeaconSink() {
            @Override
            public CompletionStage<Void> publish(Beacon beacon) {
                writes.add(beacon);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public boolean recordRejection(RejectedBeacon rejected) {
                return true;
            }
        }, Duration.ofSeconds(20), 2);
        small.publish(beacon(Side.SS, MINUTE, MINUTE, null));
        small.publish(beacon(Side.CS, MINUTE, MINUTE + 30_000, null));
        assertEquals(2, small.remembering());
        small.publish(new Beacon("g", JOB, "00000000000000000000000000000002", "acc", Side.SS, MINUTE, MINUTE + 31_000));
        small.publish(new Beacon("g", JOB, "00000000000000000000000000000002", "acc", Side.SS, MINUTE, MINUTE + 32_000));
        assertEquals(4, writes.size(), "full: the new session is written every time, not remembered");
        assertEquals(2, small.remembering());

        small.forgetOlderThan(MINUTE + 1);
        assertEquals(1, small.remembering(), "only the entry written before the cut is forgotten");
        small.publish(beacon(Side.SS, MINUTE, MINUTE + 35_000, null));
        assertEquals(5, writes.size(), "a forgotten session is written again");
        assertEquals(Duration.ofSeconds(80), small.remembered());
    }
}
