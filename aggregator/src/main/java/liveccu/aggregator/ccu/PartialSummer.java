package liveccu.aggregator.ccu;

import liveccu.model.MinuteCount;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/** Stage two, partitioned by audience and minute: adds up the partials of every input partition. */
final class PartialSummer implements Processor<String, PartialCount, String, MinuteCount> {

    private ProcessorContext<String, MinuteCount> context;
    private WindowStore<String, PartialsByPartition> totals;

    @Override
    public void init(ProcessorContext<String, MinuteCount> context) {
        this.context = context;
        this.totals = context.getStateStore(CcuTopology.MINUTE_PARTIALS_STORE);
    }

    @Override
    public void process(Record<String, PartialCount> record) {
        PartialCount count = record.value();
        PartialsByPartition known = totals.fetch(count.audience(), count.minuteStartMs());
        PartialsByPartition updated = (known == null ? PartialsByPartition.EMPTY : known)
                .with(count.sourcePartition(), count.partial());
        totals.put(count.audience(), updated, count.minuteStartMs());
        Partial total = updated.total();
        context.forward(record.withValue(new MinuteCount(count.audience(), count.minuteStartMs(),
                total.ssccu(), total.csccu(), total.lastRxAtMs())));
    }
}
