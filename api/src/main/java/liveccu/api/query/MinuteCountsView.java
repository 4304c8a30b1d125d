package liveccu.api.query;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import liveccu.ops.kafka.TopicReader;
import liveccu.model.Audience;
import liveccu.model.MinuteCount;
import liveccu.model.Topics;

/**
 * The per-minute counts this API instance serves, materialised in memory from the compacted results
 * topic (small: one record per audience and minute), for the last {@code history}.
 */
public final class MinuteCountsView {

    private final Duration history;
    private final Clock clock;
    private final Map<String, ConcurrentNavigableMap<Long, MinuteCount>> byAudience = new ConcurrentHashMap<>();
    private final TopicReader<MinuteCount> reader;
    private long nextEvictionMs;

    /** @param history how far back results are kept in memory and can be queried */
    public MinuteCountsView(String bootstrapServers, Duration history, Clock clock) {
        this.history = history;
        this.clock = clock;
        this.reader = new TopicReader<>(bootstrapServers, "ccu-api", Topics.MINUTE_COUNTS, TopicReader.From.BEGINNING, this::apply, this::evictOldMinutes);
    }

    public TopicReader<MinuteCount> reader() {
        return reader;
    }

    /** Minutes of an audience with {@code fromMs <= minute < toMs} and any count above zero, newest first. */
    public List<MinuteCount> range(Audience audience, long fromMs, long toMs) {
        ConcurrentNavigableMap<Long, MinuteCount> minutes = byAudience.get(audience.key());
        if (minutes == null || fromMs >= toMs) {
            return List.of();
        }
        List<MinuteCount> result = new ArrayList<>();
        for (MinuteCount count : minutes.subMap(fromMs, true, toMs, false).descendingMap().values()) {
            if (count.ssccu() > 0 || count.csccu() > 0) {
                result.add(count);
            }
        }
        return result;
    }

    /**
     * The latest minute of every audience of one kind seen since {@code sinceMs}, most recently active
     * first; for {@link Audience.Kind#TRACKING_IN_JOB}, only those of {@code jobId}.
     */
    public List<MinuteCount> latest(Audience.Kind kind, String jobId, long sinceMs) {
        List<MinuteCount> result = new ArrayList<>();
        byAudience.forEach((key, minutes) -> {
            Map.Entry<Long, MinuteCount> last = minutes.lastEntry();
            if (last == null || last.getKey() < sinceMs) {
                return;
            }
            Audience audience = Audience.fromKey(key);
            if (audience.kind() == kind && (jobId == null || jobId.equals(audience.jobId()))) {
                result.add(last.getValue());
            }
        });
        result.sort(Comparator.comparingLong(MinuteCount::minuteStartMs).reversed().thenComparing(MinuteCount::audience));
        return result;
    }

    /**
     * Applies one record of the results topic (a tombstone as null), as the reader does for each;
     * public so that route tests can fill the view without Kafka.
     */
    public void apply(String key, MinuteCount count) {
        if (count == null) {
            forget(key);
            return;
        }
        if (count.minuteStartMs() < clock.millis() - history.toMillis()) {
            return;
        }
        byAudience.computeIfAbsent(count.audience(), audience -> new ConcurrentSkipListMap<>()).put(count.minuteStartMs(), count);
    }

    /** A tombstone on the compacted topic: the operator deleted that minute. */
    private void forget(String key) {
        if (key == null || key.lastIndexOf('/') < 0) {
            return;
        }
        var minutes = byAudience.get(MinuteCount.audienceOfKey(key));
        if (minutes != null) {
            try {
                minutes.remove(MinuteCount.minuteOfKey(key));
            } catch (NumberFormatException e) {
                // not one of our keys: nothing to forget
            }
        }
    }

    private void evictOldMinutes() {
        long now = clock.millis();
        if (now < nextEvictionMs) {
            return;
        }
        nextEvictionMs = now + 60_000;
        long oldest = now - history.toMillis();
        byAudience.values().forEach(minutes -> minutes.headMap(oldest).clear());
        byAudience.values().removeIf(Map::isEmpty);
    }
}
