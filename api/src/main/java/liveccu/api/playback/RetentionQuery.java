package liveccu.api.playback;

import java.time.Duration;
import java.util.function.Function;
import liveccu.api.query.CcuQuery;
import liveccu.model.RetentionCount;

/**
 * {@code GET /playback/retention}'s parameters, checked: {@code accountid}, {@code contentid} (required)
 * and {@code from}, {@code to} (Unix seconds): the UTC days that overlap {@code [from, to)}, as
 * {@code [fromDayMs, toDayMs)}.
 */
record RetentionQuery(String accountId, String contentId, long fromDayMs, long toDayMs) {

    /** @throws liveccu.ops.http.HttpFailure 400 with the reason when a parameter is wrong */
    static RetentionQuery parse(Function<String, String> params, Duration maxRange) {
        String account = CcuQuery.accountId(params.apply("accountid"));
        String contentId = params.apply("contentid");
        if (contentId == null || contentId.isEmpty() || contentId.length() > PlaybackQuery.MAX_CONTENT_ID) {
            throw PlaybackQuery.bad("contentid is required: 1-" + PlaybackQuery.MAX_CONTENT_ID + " characters");
        }
        long from = CcuQuery.seconds("from", params.apply("from")) * 1000;
        long to = CcuQuery.seconds("to", params.apply("to")) * 1000;
        if (to <= from) {
            throw PlaybackQuery.bad("to must be after from");
        }
        if (to - from > maxRange.toMillis()) {
            throw PlaybackQuery.bad("the range is at most " + maxRange.toDays() + " days (what this API keeps)");
        }
        return new RetentionQuery(account, contentId, RetentionCount.dayStart(from), RetentionCount.dayStart(to - 1) + RetentionCount.DAY_MS);
    }
}
