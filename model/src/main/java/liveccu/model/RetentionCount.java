package liveccu.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How many playbacks of one account's on-demand content watched one position bucket on one UTC day, as
 * defined by {@link PlaybackRules} (retention): the record of {@link Topics#PLAYBACK_RETENTION}, keyed by
 * {@link #key()}, the newest record of a key holding the total. Inside the aggregator the same shape
 * carries a change to that total (+1 when a playback reaches the bucket, -1 when it no longer counts there).
 *
 * @param dayStartMs start of the UTC day, epoch milliseconds
 * @param bucket     the bucket: content positions {@code [bucket, bucket + 1) x} {@link PlaybackRules#RETENTION_BUCKET}
 * @param playbacks  playbacks (with a start, not bots) that watched some of the bucket that day
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetentionCount(String accountId, String contentId, long dayStartMs, int bucket, long playbacks) {

    public static final long DAY_MS = 24 * PlaybackCount.HOUR_MS;

    public static long dayStart(long epochMs) {
        return Math.floorDiv(epochMs, DAY_MS) * DAY_MS;
    }

    /** {@code account|dayStartMs|content_id|bucket}, account and content URL-encoded (so never a {@code |}). */
    public String key() {
        return contentDayKey() + "|" + bucket;
    }

    /** The key without the bucket: one content's day. */
    public String contentDayKey() {
        return KeyParts.encode(accountId) + "|" + dayStartMs + "|" + KeyParts.encode(contentId);
    }

    public RetentionCount plus(long change) {
        return new RetentionCount(accountId, contentId, dayStartMs, bucket, playbacks + change);
    }
}
