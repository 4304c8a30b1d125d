package liveccu.aggregator.qoe;

import liveccu.model.QoeCount;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Adds the views' changes to their period's totals (one window per key and period) and sends the new totals on:
 * the newest record of a key on the results topic is the period's totals. One instance for minutes, one for hours,
 * each with its own store ({@link QoeTopology}). Every field is a sum, so a change is added field by field; a
 * startup bucket summing to 0 leaves the record.
 */
final class QoeSummer implements Processor<String, QoeCount, String, QoeCount> {

    private final String storeName;
    private ProcessorContext<String, QoeCount> context;
    private WindowStore<String, QoeCount> periods;

    QoeSummer(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, QoeCount> context) {
        this.context = context;
        this.periods = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, QoeCount> record) {
        QoeCount change = record.value();
        QoeCount known = periods.fetch(record.key(), change.periodStartMs());
        QoeCount totals = (known == null
                ? QoeCount.zero(change.accountId(), change.periodMs(), change.periodStartMs(), change.dimensions())
                : known).plus(change);
        periods.put(record.key(), totals, change.periodStartMs());
        context.forward(new Record<>(record.key(), totals, record.timestamp()));
    }
}
