package liveccu.aggregator.playback;

import liveccu.model.RetentionCount;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Adds the playbacks' retention changes (+1 or -1 for one bucket) to their bucket's total for the day (one
 * window per content, day and bucket: at most {@link liveccu.model.PlaybackRules#RETENTION_MAX_BUCKETS}
 * per content and day) and sends the new total on: the newest record of a key on the results topic is
 * the bucket's total.
 */
final class RetentionSummer implements Processor<String, RetentionCount, String, RetentionCount> {

    private ProcessorContext<String, RetentionCount> context;
    private WindowStore<String, RetentionCount> days;

    @Override
    public void init(ProcessorContext<String, RetentionCount> context) {
        this.context = context;
        this.days = context.getStateStore(PlaybackTopology.RETENTION_STORE);
    }

    @Override
    public void process(Record<String, RetentionCount> record) {
        RetentionCount change = record.value();
        String key = change.key();
        RetentionCount known = days.fetch(key, change.dayStartMs());
        RetentionCount total = (known == null
                ? new RetentionCount(change.accountId(), change.contentId(), change.dayStartMs(), change.bucket(), 0) : known)
                .plus(change.playbacks());
        days.put(key, total, change.dayStartMs());
        context.forward(new Record<>(key, total, record.timestamp()));
    }
}
