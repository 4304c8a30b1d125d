package liveccu.aggregator;

import java.time.Duration;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sends what waits in a store once per interval (wall-clock), but only while something waits: the punctuation is
 * scheduled by the first change after a send and cancelled by the send, which takes all. Kafka Streams commits a
 * task after each of its punctuations, so a task with nothing to send that punctuated anyway — the CDN, audio and
 * QoE tasks while only beacons come, the beacons' while only log lines do — cost its stream thread a commit's
 * work every interval for nothing (docs/benchmarks.md).
 */
public final class SendWhilePending {

    private final ProcessorContext<?, ?> context;
    private final Duration every;
    private final Runnable sendAll;
    private Cancellable scheduled;

    /**
     * @param waiting the store of what waits (what a restart restored goes at the first interval)
     * @param sendAll sends everything that waits and removes it from {@code waiting}
     */
    public SendWhilePending(ProcessorContext<?, ?> context, Duration every, KeyValueStore<?, ?> waiting, Runnable sendAll) {
        this.context = context;
        this.every = every;
        this.sendAll = sendAll;
        try (KeyValueIterator<?, ?> left = waiting.all()) {
            if (left.hasNext()) {
                changed();
            }
        }
    }

    /** Something now waits: it goes within the interval. */
    public void changed() {
        if (scheduled == null) {
            scheduled = context.schedule(every, PunctuationType.WALL_CLOCK_TIME, now -> send());
        }
    }

    private void send() {
        sendAll.run();
        scheduled.cancel();
        scheduled = null;
    }
}
