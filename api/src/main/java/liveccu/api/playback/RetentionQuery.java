package liveccu.api.playback;

import java.time.Duration;
import java.util.function.Function;
import liveccu.api.http.QueryParams;
import liveccu.model.RetentionCount;

/**
 * {@code GET /playback/retention}'s parameters, checked: {@code accountid}, {@code contentid} (required)
 * and {@code from}, {@code to} (Unix seconds): the UTC days that overlap {@code [from, to)}, as
 * {@code [fromDayMs, toDayMs)}.
 */
record RetentionQuery(String accountId, String contentId, long fromDayMs, long toDayMs) {

    /** @throws liveccu.ops.http.HttpFailure 400 with the reason when a parameter is wrong */
    static RetentionQuery parse(Function<String, String> params, Duration maxRange) {
        String account = QueryParams.accountId(params.apply("accountid"));
        String contentId = params.apply("contentid");
        if (contentId == null || contentId.isEmpty() || contentId.length() > PlaybackQuery.MAX_CONTENT_ID) {
            throw PlaybackQuery.bad("contentid is required: 1-" + PlaybackQuery.MAX_CONTENT_ID + " characters");
        }
        QueryParams.Range range = QueryParams.range(params, maxRange);
        return new RetentionQuery(account, contentId, RetentionCount.dayStart(range.fromMs()),
                RetentionCount.dayStart(range.toMs() - 1) + RetentionCount.DAY_MS);
    }
}
