package liveccu.api.playback;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import liveccu.model.RetentionCount;
import liveccu.model.Topics;
import liveccu.ops.kafka.TopicReader;

/**
 * The retention buckets this API instance serves: the compacted ccu.playback-retention topic, the days
 * of the last {@code history}, in memory, by account. One record per account, on-demand content, day and
 * watched 10 s bucket (at most 1,080 per content and day), ~100 bytes each (estimated from its strings).
 */
public final class RetentionView {

    private static final Duration READ_MARGIN = Duration.ofDays(2);

    private final Duration history;
    private final Clock clock;
    private final Map<String, Map<String, RetentionCount>> byAccount = new ConcurrentHashMap<>();
    private final TopicReader<RetentionCount> reader;
    private long nextEvictionMs;

    public RetentionView(String bootstrapServers, Duration history, Clock clock) {
        this.history = history;
        this.clock = clock;
        this.reader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.PLAYBACK_RETENTION, history.plus(READ_MARGIN),
                this::apply, this::evictOld);
    }

    public TopicReader<RetentionCount> reader() {
        return reader;
    }

    /** The content's buckets of the account's days with {@code fromMs <= day < toMs}, in no particular order. */
    public List<RetentionCount> buckets(String accountId, String contentId, long fromMs, long toMs) {
        return byAccount.getOrDefault(accountId, Map.of()).values().stream()
                .filter(count -> count.contentId().equals(contentId) && count.dayStartMs() >= fromMs && count.dayStartMs() < toMs)
                .toList();
    }

    /**
     * Applies one record of the results topic (a tombstone as null), as the reader does for each;
     * public so that route tests can fill the view without Kafka.
     */
    public void apply(String key, RetentionCount count) {
        if (count == null) {
            byAccount.values().forEach(buckets -> buckets.remove(key));
        } else if (count.dayStartMs() >= RetentionCount.dayStart(clock.millis() - history.toMillis())) {
            byAccount.computeIfAbsent(count.accountId(), account -> new ConcurrentHashMap<>()).put(key, count);
        }
    }

    private void evictOld() {
        long now = clock.millis();
        if (now < nextEvictionMs) {
            return;
        }
        nextEvictionMs = now + 10 * 60_000;
        long oldest = RetentionCount.dayStart(now - history.toMillis());
        byAccount.values().forEach(buckets -> buckets.values().removeIf(count -> count.dayStartMs() < oldest));
    }
}
