package liveccu.api.playback;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import liveccu.api.periods.AccountPeriods;
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

    private final AccountPeriods<RetentionCount> days;
    private final TopicReader<RetentionCount> reader;

    public RetentionView(String bootstrapServers, Duration history, Clock clock) {
        this.days = new AccountPeriods<>(history, clock, RetentionCount::accountId, RetentionCount::dayStartMs,
                RetentionCount::dayStart);
        this.reader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.PLAYBACK_RETENTION, history.plus(READ_MARGIN),
                days::apply, days::evictOld);
    }

    public TopicReader<RetentionCount> reader() {
        return reader;
    }

    /** The content's buckets of the account's days with {@code fromMs <= day < toMs}, in no particular order. */
    public List<RetentionCount> buckets(String accountId, String contentId, long fromMs, long toMs) {
        return days.of(accountId, fromMs, toMs).filter(count -> count.contentId().equals(contentId)).toList();
    }

    /**
     * Applies one record of the results topic (a tombstone as null), as the reader does for each;
     * public so that route tests can fill the view without Kafka.
     */
    public void apply(String key, RetentionCount count) {
        days.apply(key, count);
    }
}
