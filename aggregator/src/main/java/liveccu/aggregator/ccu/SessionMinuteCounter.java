package liveccu.aggregator.ccu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import liveccu.aggregator.ChangedPeriods;
import liveccu.aggregator.SendWhilePending;
import liveccu.model.Audience;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.MinuteCount;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Stage one, running on every partition of the beacon topic: de-duplicates sessions per audience
 * (job, account, tracking id in its account), side and minute, and keeps this partition's partial
 * count of each audience's minute.
 *
 * <p>De-duplication keeps one record per session, side and minute: the audiences it has been
 * counted in. A session heartbeating all minute long thus costs one state lookup per beacon, and
 * one write per minute, however many audiences it counts in.
 *
 * <p>Partials are not forwarded per beacon: changed ones are marked dirty and forwarded every flush
 * interval. A hugely popular job thus costs the summing stage a few records per partition per flush,
 * whatever its beacon rate. The dirty marks live in a changelogged store, so a crash between a count
 * change and its flush cannot lose the update (exactly-once commits both or neither).
 */
final class SessionMinuteCounter implements Processor<String, Beacon, String, PartialCount> {

    private final Duration flushInterval;
    private ProcessorContext<String, PartialCount> context;
    private WindowStore<String, List<String>> countedIn;
    private WindowStore<String, Partial> partials;
    private KeyValueStore<String, Long> dirty;
    private SendWhilePending sending;

    SessionMinuteCounter(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    @Override
    public void init(ProcessorContext<String, PartialCount> context) {
        this.context = context;
        this.countedIn = context.getStateStore(CcuTopology.SESSION_AUDIENCES_STORE);
        this.partials = context.getStateStore(CcuTopology.PARTIALS_STORE);
        this.dirty = context.getStateStore(CcuTopology.DIRTY_PARTIALS_STORE);
        this.sending = new SendWhilePending(context, flushInterval, dirty, this::flush);
    }

    @Override
    public void process(Record<String, Beacon> record) {
        Beacon beacon = record.value();
        long minute = CountingRules.minuteStart(beacon.beaconTimeMs());
        String session = beacon.side() + "|" + beacon.sessionId();
        List<String> counted = countedIn.fetch(session, minute); // a fresh list: the store is not cached
        boolean countedNow = false;
        if (counted == null) {
            counted = new ArrayList<>(4);
        }
        for (String audience : Audience.keysOf(beacon)) {
            boolean newSession = !counted.contains(audience);
            if (newSession) {
                counted.add(audience);
                countedNow = true;
            }
            count(audience, beacon, minute, newSession);
        }
        if (countedNow) {
            countedIn.put(session, counted, minute);
        }
    }

    private void count(String audience, Beacon beacon, long minute, boolean newSession) {
        Partial before = partials.fetch(audience, minute);
        if (before == null) {
            before = Partial.EMPTY;
        }
        Partial after = before.plusBeacon(beacon.side(), newSession, beacon.receivedAtMs());
        if (!after.equals(before)) {
            partials.put(audience, after, minute);
            dirty.put(MinuteCount.key(audience, minute), minute);
            sending.changed();
        }
    }

    private void flush() {
        int partition = context.taskId().partition();
        ChangedPeriods.sendAll(dirty, (key, minute) -> {
            String audience = MinuteCount.audienceOfKey(key);
            Partial partial = partials.fetch(audience, minute);
            if (partial != null) {
                context.forward(new Record<>(key, new PartialCount(audience, minute, partition, partial), partial.lastRxAtMs()));
            }
        });
    }
}
