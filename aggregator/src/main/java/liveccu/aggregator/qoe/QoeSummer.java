package liveccu.aggregator.qoe;

import java.time.Duration;
import liveccu.aggregator.ChangedPeriods;
import liveccu.model.QoeCount;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Adds the views' changes to their period's totals (one window per key and period) and sends the new totals on:
 * the newest record of a key on the results topic is the period's totals. One instance for minutes, one for hours,
 * each with its own stores ({@link QoeTopology}). Every field is a sum, so a change is added field by field; a
 * startup bucket summing to 0 leaves the record.
 *
 * <p>The new totals go out once per interval for every period changed in it, not at every change (a playing
 * view's report changes its minute and hour; each record sent is one the API reads and stores): the keys changed
 * since the last send are kept in a store (in memory, changelogged, cached: a crash between a change and the
 * sending loses nothing), as {@link liveccu.aggregator.playback.PlaybackTopology#sumChanges} does for audio.
 */
final class QoeSummer implements Processor<String, QoeCount, String, QoeCount> {

    private final String storeName;
    private final String changedStore;
    private final Duration sendEvery;
    private ProcessorContext<String, QoeCount> context;
    private WindowStore<String, QoeCount> periods;
    private ChangedPeriods changed;

    /**
     * @param changedStore the store of the periods changed since their totals were last sent (key {@code key@start},
     *                     value the newest time of its changes), which go out every {@code sendEvery} (wall-clock)
     */
    QoeSummer(String storeName, String changedStore, Duration sendEvery) {
        this.storeName = storeName;
        this.changedStore = changedStore;
        this.sendEvery = sendEvery;
    }

    @Override
    public void init(ProcessorContext<String, QoeCount> context) {
        this.context = context;
        this.periods = context.getStateStore(storeName);
        this.changed = new ChangedPeriods(context, context.getStateStore(changedStore), sendEvery, this::sendTotals);
    }

    @Override
    public void process(Record<String, QoeCount> record) {
        QoeCount change = record.value();
        QoeCount known = periods.fetch(record.key(), change.periodStartMs());
        QoeCount totals = (known == null
                ? QoeCount.zero(change.accountId(), change.periodMs(), change.periodStartMs(), change.dimensions())
                : known).plus(change);
        periods.put(record.key(), totals, change.periodStartMs());
        changed.changed(record.key(), change.periodStartMs(), record.timestamp());
    }

    /** Sends the totals of a period changed since the last time, with the newest time of its changes. */
    private void sendTotals(String key, long periodStartMs, long newestChangeMs) {
        QoeCount totals = periods.fetch(key, periodStartMs);
        if (totals != null) {
            context.forward(new Record<>(key, totals, newestChangeMs));
        }
    }
}
