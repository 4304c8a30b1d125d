package liveccu.aggregator.cdn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import liveccu.model.CdnRequest;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Takes each log line once: on the partition of its block of lines (the topic is keyed by
 * {@link CdnRequest#partitionKey()}, {@code batch id # block}), remembers which lines of the block were
 * already taken ({@link DeliveredLines}, store {@code ccu-cdn-delivered-lines}, under the same key) and
 * lets only a line's first delivery through, judged by {@link CdnRules}: too late or in the future it is
 * rejected (once, like its count), otherwise it goes on with the line's own time as the record's time.
 * The store write and what is sent share one exactly-once transaction, so Kafka's retries are safe too.
 *
 * <p>Cost per batch: one entry per 1,024 lines, its key (the batch id, 64 characters for a pushed batch or
 * an imported file, and the block) and 8 bytes plus one bit per line: ~100 bytes + lines ÷ 8 on disk (a
 * batch of 10,000 lines: ~2.2 KB), for {@code redelivery} after its newest delivery; then a sweep every
 * hour forgets it, and a delivery after that counts again.
 *
 * <p>Counted in Kafka Streams' metrics (group {@code stream-cdn-metrics}, per stream thread):
 * {@code taken-total}, {@code redelivered-total}, {@code too-late-total}, {@code in-future-total}.
 */
final class FirstDeliveries implements Processor<String, CdnRequest, String, FirstDeliveries.Output> {

    private static final Duration SWEEP_EVERY = Duration.ofHours(1);

    /** A line's first delivery to count, or a first delivery rejected. */
    record Output(CdnRequest request, RejectedBeacon rejected) {
    }

    private final CdnRules rules;
    private ProcessorContext<String, Output> context;
    private KeyValueStore<String, DeliveredLines> delivered;
    private Sensor taken;
    private Sensor redelivered;
    private Sensor tooLate;
    private Sensor inFuture;

    FirstDeliveries(CdnRules rules) {
        this.rules = rules;
    }

    @Override
    public void init(ProcessorContext<String, Output> context) {
        this.context = context;
        this.delivered = context.getStateStore(CdnTopology.DELIVERED_LINES_STORE);
        this.taken = sensor("taken");
        this.redelivered = sensor("redelivered");
        this.tooLate = sensor("too-late");
        this.inFuture = sensor("in-future");
        context.schedule(SWEEP_EVERY, PunctuationType.WALL_CLOCK_TIME, this::forgetOldBatches);
    }

    private Sensor sensor(String outcome) {
        return context.metrics().addRateTotalSensor("cdn", "lines", outcome, Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(Record<String, CdnRequest> record) {
        CdnRequest request = record.value();
        String key = request.partitionKey();  // the block's entry lives on the partition all its lines come to
        DeliveredLines known = delivered.get(key);
        if (known != null && known.has(request.line())) {
            redelivered.record();
            if (request.receivedAtMs() > known.lastSeenMs()) {
                delivered.put(key, known.seenAt(request.receivedAtMs()));
            }
            return;
        }
        delivered.put(key, (known == null ? DeliveredLines.none() : known).with(request.line(), request.receivedAtMs()));
        if (rules.isInFuture(request)) {
            inFuture.record();
            context.forward(record.withValue(new Output(null, rejected(RejectReason.IN_FUTURE, request,
                    (request.timeMs() - request.receivedAtMs()) / 1000 + " s ahead of the collector's clock"))));
        } else if (rules.isTooLate(request)) {
            tooLate.record();
            context.forward(record.withValue(new Output(null, rejected(RejectReason.TOO_LATE, request,
                    "received " + Duration.ofMillis(request.receivedAtMs() - request.timeMs()).toDays()
                            + " days after it was served, past its hour's hold (CCU_CDN_LATE_DAYS)"))));
        } else {
            taken.record();
            context.forward(new Record<>(record.key(), new Output(request, null), request.timeMs(), record.headers()));
        }
    }

    private static RejectedBeacon rejected(RejectReason reason, CdnRequest request, String why) {
        return new RejectedBeacon(reason.code(), "CDN log line " + request.line() + " of batch " + request.batchId()
                + " (" + request.format() + ", source " + request.source() + ", account " + request.accountId() + "): " + why,
                null, request.receivedAtMs(), "aggregator", null);
    }

    private void forgetOldBatches(long nowMs) {
        long oldest = nowMs - rules.redelivery().toMillis();
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, DeliveredLines> all = delivered.all()) {
            while (all.hasNext()) {
                KeyValue<String, DeliveredLines> entry = all.next();
                if (entry.value.lastSeenMs() < oldest) {
                    old.add(entry.key);
                }
            }
        }
        old.forEach(delivered::delete);
    }
}
