package liveccu.ops.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LivenessExitTest {

    private static final Optional<String> DOWN = Optional.of("Kafka Streams is in ERROR");

    /** The answers liveness gives, one per look. */
    private static LivenessExit answering(List<Optional<String>> answers) {
        Deque<Optional<String>> left = new ArrayDeque<>(answers);
        return new LivenessExit(left::removeFirst, 3);
    }

    @Test
    void exitsOnTheThirdFailureInARowWithItsReason() {
        LivenessExit exit = answering(List.of(DOWN, DOWN, DOWN));
        assertEquals(Optional.empty(), exit.check());
        assertEquals(Optional.empty(), exit.check());
        assertEquals(DOWN, exit.check());
    }

    @Test
    void aLiveAnswerInBetweenStartsTheCountAgain() {
        LivenessExit exit = answering(List.of(DOWN, DOWN, Optional.empty(), DOWN, DOWN, DOWN));
        for (int look = 1; look <= 5; look++) {
            assertEquals(Optional.empty(), exit.check(), "look " + look);
        }
        assertEquals(DOWN, exit.check());
    }

    @Test
    void aLiveServiceNeverExits() {
        LivenessExit exit = answering(List.of(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        for (int look = 1; look <= 4; look++) {
            assertEquals(Optional.empty(), exit.check());
        }
    }
}
