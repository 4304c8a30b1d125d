package liveccu.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Changes summed per key until the flush, whatever a restart left pending. */
class ChangeCombinerTest {

    private static final Duration FLUSH = Duration.ofMillis(250);
    /** Changes are numbers summed per their record key's first letter, sent under it in capitals. */
    private static final ChangeCombiner.Sums<Long> BY_FIRST_LETTER = new ChangeCombiner.Sums<>() {
        @Override
        public String pendingKey(String recordKey, Long change) {
            return recordKey.substring(0, 1);
        }

        @Override
        public Long add(Long sum, Long change) {
            return sum + change;
        }

        @Override
        public String sentKey(Long sum) {
            return "sum-" + sum;
        }
    };

    private final MockProcessorContext<String, Long> context = new MockProcessorContext<>();
    private final TimestampedKeyValueStore<String, Long> pending = Stores.timestampedKeyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("pending"), Serdes.String(), Serdes.Long()).withLoggingDisabled().build();

    @BeforeEach
    void initStore() {
        pending.init(context.getStateStoreContext(), pending);
    }

    private ChangeCombiner<Long> combiner() {
        ChangeCombiner<Long> combiner = new ChangeCombiner<>("pending", FLUSH, BY_FIRST_LETTER);
        context.addStateStore(pending);
        combiner.init(context);
        return combiner;
    }

    @Test
    void changesOfAKeyGoAsOneSumTimedByTheNewestAtTheFlush() {
        ChangeCombiner<Long> combiner = combiner();
        combiner.process(new Record<>("a1", 1L, 100));
        combiner.process(new Record<>("b1", 10L, 300));
        combiner.process(new Record<>("a2", 2L, 200));
        assertEquals(List.of(), context.forwarded());
        assertEquals(ValueAndTimestamp.make(3L, 200), pending.get("a"), "the store holds each sum so far");

        flush();
        assertEquals(List.of(KeyValue.pair("sum-3", 3L), KeyValue.pair("sum-10", 10L)), sent());
        assertEquals(List.of(200L, 300L), context.forwarded().stream().map(f -> f.record().timestamp()).toList());
        assertEquals(0, pending.approximateNumEntries());

        context.resetForwards();
        combiner.process(new Record<>("a3", 4L, 400));
        flush();
        assertEquals(List.of(KeyValue.pair("sum-4", 4L)), sent(), "a sum sent is gone: the next starts from nothing");
    }

    @Test
    void aSumARestartRestoredGoesOnWithTheChangesAfterIt() {
        pending.put("a", ValueAndTimestamp.make(5L, 100));   // restored from the changelog
        ChangeCombiner<Long> combiner = combiner();
        combiner.process(new Record<>("a1", 1L, 50));
        flush();
        assertEquals(List.of(KeyValue.pair("sum-6", 6L)), sent());
        assertEquals(100L, context.forwarded().get(0).record().timestamp());
    }

    private void flush() {
        context.scheduledPunctuators().stream().filter(p -> !p.cancelled()).findFirst().orElseThrow()
                .getPunctuator().punctuate(0);
    }

    private List<KeyValue<String, Long>> sent() {
        return context.forwarded().stream().map(CapturedForward::record)
                .map(record -> KeyValue.pair(record.key(), record.value())).toList();
    }
}
