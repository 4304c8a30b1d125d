package liveccu.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A task punctuates only while something waits to be sent: an idle one schedules nothing. */
class SendWhilePendingTest {

    private static final Duration EVERY = Duration.ofMillis(250);

    private final MockProcessorContext<String, String> context = new MockProcessorContext<>();
    private final KeyValueStore<String, Long> waiting = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("waiting"),
            Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
    private int sends;

    @BeforeEach
    void initStore() {
        waiting.init(context.getStateStoreContext(), waiting);
    }

    private SendWhilePending sending() {
        return new SendWhilePending(context, EVERY, waiting, () -> {
            sends++;
            ChangedPeriods.sendAll(waiting, (key, value) -> { });
        });
    }

    @Test
    void nothingWaitingSchedulesNothing() {
        sending();
        assertEquals(List.of(), scheduled());
    }

    @Test
    void theFirstChangeSchedulesOneSendThatEndsItsScheduleOnceAllIsSent() {
        SendWhilePending sending = sending();
        waiting.put("a", 1L);
        sending.changed();
        waiting.put("b", 2L);
        sending.changed();
        assertEquals(1, scheduled().size());
        CapturedPunctuator send = scheduled().get(0);
        assertEquals(EVERY, send.getInterval());
        assertEquals(PunctuationType.WALL_CLOCK_TIME, send.getType());

        send.getPunctuator().punctuate(0);
        assertEquals(1, sends);
        assertTrue(send.cancelled());
        assertEquals(List.of(), scheduled(), "nothing waits: no more punctuations");

        waiting.put("c", 3L);
        sending.changed();
        assertEquals(1, scheduled().size(), "the next change schedules the next send");
    }

    @Test
    void whatARestartLeftWaitingGoesAtTheFirstInterval() {
        waiting.put("a", 1L);   // restored from the changelog
        sending();
        assertEquals(1, scheduled().size());
        scheduled().get(0).getPunctuator().punctuate(0);
        assertEquals(1, sends);
        assertNull(waiting.get("a"));
    }

    private List<CapturedPunctuator> scheduled() {
        return context.scheduledPunctuators().stream().filter(punctuator -> !punctuator.cancelled()).toList();
    }
}
