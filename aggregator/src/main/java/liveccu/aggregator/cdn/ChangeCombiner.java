package liveccu.aggregator.cdn;

import java.time.Duration;
import liveccu.aggregator.ChangedPeriods;
import liveccu.model.CdnTraffic;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Adds up the lines' changes where the lines are, on their block's partition, and sends the sums on every
 * flush interval: the repartition to the traffic's sums then carries a record per traffic and period that
 * changed, not one per line — as the beacon count sends each partition's partial counts, not its beacons. A
 * file of a few contents and PoPs sends a few hundred records a second, whatever its lines per second.
 *
 * <p>The pending sums (store {@code ccu-cdn-pending-changes}, keyed by {@link CdnTraffic#key()}) are changelogged
 * and cached: a crash between a line and the flush loses nothing, and exactly-once commits the sums sent with
 * their removal. A sum goes out timed by its newest line, so the windows downstream see the lines' own clock.
 */
final class ChangeCombiner implements Processor<String, CdnTraffic, String, CdnTraffic> {

    private final Duration flushInterval;
    private ProcessorContext<String, CdnTraffic> context;
    private TimestampedKeyValueStore<String, CdnTraffic> pending;

    ChangeCombiner(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    @Override
    public void init(ProcessorContext<String, CdnTraffic> context) {
        this.context = context;
        this.pending = context.getStateStore(CdnTopology.PENDING_CHANGES_STORE);
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, CdnTraffic> record) {
        CdnTraffic change = record.value();
        String key = change.key();
        ValueAndTimestamp<CdnTraffic> sum = pending.get(key);
        pending.put(key, sum == null ? ValueAndTimestamp.make(change, record.timestamp())
                : ValueAndTimestamp.make(TrafficChanges.add(sum.value(), change, change.periodMs()),
                        Math.max(sum.timestamp(), record.timestamp())));
    }

    private void flush() {
        ChangedPeriods.sendAll(pending, (key, sum) ->
                context.forward(new Record<>(TrafficChanges.trafficKey(sum.value()), sum.value(), sum.timestamp())));
    }
}
