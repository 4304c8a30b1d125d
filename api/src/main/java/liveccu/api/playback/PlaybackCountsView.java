package liveccu.api.playback;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import liveccu.api.periods.AccountPeriods;
import liveccu.model.PlaybackCount;
import liveccu.model.Topics;
import liveccu.ops.kafka.TopicReader;

/**
 * The playback counts this API instance serves: the compacted ccu.playback-counts topic, the hours of
 * the last {@code history}, in memory, by account. Small next to the per-minute counts: one record per
 * account, content (with its dimensions) and hour with playbacks, under 1 KB each (estimated from its
 * strings, not measured). A start reads only the records written within the history (and two days
 * more: an hour's streams can change for a day after it), not the topic's whole retention.
 */
public final class PlaybackCountsView {

    private static final Duration READ_MARGIN = Duration.ofDays(2);

    private final Duration history;
    private final AccountPeriods<PlaybackCount> hours;
    private final TopicReader<PlaybackCount> reader;

    public PlaybackCountsView(String bootstrapServers, Duration history, Clock clock) {
        this.history = history;
        this.hours = new AccountPeriods<>(history, clock, PlaybackCount::accountId, PlaybackCount::hourStartMs, ms -> ms);
        this.reader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.PLAYBACK_COUNTS, history.plus(READ_MARGIN),
                hours::apply, hours::evictOld);
    }

    public TopicReader<PlaybackCount> reader() {
        return reader;
    }

    public Duration history() {
        return history;
    }

    /** The account's hours with {@code fromMs <= hour < toMs}, in no particular order. */
    public List<PlaybackCount> hours(String accountId, long fromMs, long toMs) {
        return hours.of(accountId, fromMs, toMs).toList();
    }

    /**
     * Applies one record of the results topic (a tombstone as null), as the reader does for each;
     * public so that route tests can fill the view without Kafka.
     */
    public void apply(String key, PlaybackCount count) {
        hours.apply(key, count);
    }
}
