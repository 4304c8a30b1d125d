package liveccu.aggregator.audio;

import java.time.Duration;
import liveccu.model.AudioRules;

/**
 * Audio consumption from CDN logs as the aggregator counts it: the rules ({@link AudioRules}) and how long it
 * remembers a device's requests for a content.
 *
 * <p>Never counting twice needs both halves of one rule, on one clock — the newest request time the audio
 * sub-topology has seen on the partition ({@link AudioTracker}): a device and content's state is forgotten
 * once its newest request is {@code stateRetention} behind that clock, and a request served more than
 * {@link #lateLimit()} ({@code stateRetention} − 24 h) behind it is refused as too late for audio. A request
 * that is still counted is then more than 24 h after the newest request of any state forgotten before it,
 * so it opens a window of its own whether the state is there or not (the windows are once per 24 h). The clock
 * only moves forward and survives restarts (Kafka Streams commits a partition's time with its offsets).
 *
 * @param rules            what counts
 * @param stateRetention   how long after a device's newest request for a content its state is kept
 * @param requestsInMemory how many open requests of the states a task used last it also keeps in its heap
 *                         (~160 bytes each; 0: every request reads its state from the stores; {@link AudioTracker})
 */
public record AudioSettings(AudioRules rules, Duration stateRetention, int requestsInMemory) {

    public static final Duration DEFAULT_STATE_RETENTION = Duration.ofDays(8);
    /** ~10 MB of heap per task: the open requests of a few thousand listeners. */
    public static final int DEFAULT_REQUESTS_IN_MEMORY = 65_536;
    /** At least a day of late requests counted beside the 24 h the states must cover. */
    public static final Duration MIN_STATE_RETENTION = AudioRules.ONCE_PER.multipliedBy(2);

    public AudioSettings {
        if (stateRetention.compareTo(MIN_STATE_RETENTION) < 0) {
            throw new IllegalArgumentException("stateRetention must be at least " + MIN_STATE_RETENTION.toDays() + " days");
        }
        if (requestsInMemory < 0) {
            throw new IllegalArgumentException("requestsInMemory must not be negative");
        }
    }

    public AudioSettings(AudioRules rules, Duration stateRetention) {
        this(rules, stateRetention, DEFAULT_REQUESTS_IN_MEMORY);
    }

    public static AudioSettings defaults() {
        return new AudioSettings(AudioRules.defaults(), DEFAULT_STATE_RETENTION);
    }

    /** How far behind the newest request seen a request is still counted (7 days by default). */
    public Duration lateLimit() {
        return stateRetention.minus(AudioRules.ONCE_PER);
    }
}
