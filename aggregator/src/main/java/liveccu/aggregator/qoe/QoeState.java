package liveccu.aggregator.qoe;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.List;
import liveccu.model.ContentDimensions;
import liveccu.model.PlaybackContent;

/**
 * What the aggregator keeps of one view (store {@code ccu-qoe-views}, key {@code account/playback_id}), so that
 * its QoE is a function of the set of its events ({@link QoeLedger}):
 *
 * <ul>
 *   <li>its dimensions, each from its earliest event naming it (content, content type, device, GeoIP);</li>
 *   <li>the view's facts, each a minimum or maximum over all its events (so neither order nor a copy changes
 *       them, and settling drops nothing they need): intent, first and last playing, last fatal error, end,
 *       {@code msd}, error code;</li>
 *   <li>its open state changes ({@link #marks}), no older than {@link #settledBeforeMs} less
 *       {@link QoeLedger#MARK_SHIFT_MS}, and of the settled past only what the open ones still need: the last
 *       settled mark, whether the stall it is in counts, the view's settled totals (for its score), and the
 *       periods still open that its settled part already counted it playing or rebuffering in.</li>
 * </ul>
 *
 * @param content           from the earliest event naming a content ({@code contentTimeMs}: its time, MAX_VALUE before one),
 *                          with the content type below ({@link PlaybackContent}, the playback metrics' rule)
 * @param contentType       the stream type: from the earliest event carrying one (CMCD {@code st}), not necessarily the
 *                          one naming the content ({@code contentTypeTimeMs}: its time; null before one, and in states
 *                          written before this rule, whose stream type is their content's: {@link PlaybackContent#of})
 * @param deviceClass       the device of the earliest event carrying a user agent, IP hash or device cookie (as
 *                          playback metrics decide it): Yauaa's class (a bot's view counts nothing), OS and browser
 * @param deviceId          that device ({@link liveccu.model.PlaybackRules#device}): the tie-break between two events
 *                          of one millisecond
 * @param country           from the earliest event carrying a country or an ASN ({@code geoTimeMs})
 * @param intentMs          the earliest {@code play}, {@code playback_start} or CMCD state {@code s}
 * @param firstReportMs     the earliest CMCD report (any state, or none): the intent of a player that never says {@code s}
 * @param active            whether a CMCD report was in a state other than preloading {@code d}
 * @param firstPlayingMs    the earliest playing (CMCD {@code p}; a {@code playing} event's start)
 * @param lastPlayingMs     the latest playing
 * @param lastFatalMs       the latest fatal error
 * @param endMs             the earliest end ({@code e}, {@code q}, {@code content_end})
 * @param msdTimeMs         the time of the earliest report carrying {@code msd}, and {@code msd} its value: proof that
 *                          the view played by then ({@link QoeLedger#firstPlaying})
 * @param codeTimeMs        the time of the latest error naming a code, and {@code code} that code
 * @param settledMark       the last settled mark, null before one
 * @param settledRunCounts  whether the stall that mark is in (when it is {@code r}) counts as rebuffering
 * @param settledFlags      the open periods the settled part counted the view playing or rebuffering in
 *                          ({@code periodMs:startMs:p|r})
 * @param marks             the open marks, in {@link QoeLedger#MARK_ORDER}
 */
record QoeState(
        String accountId,
        ContentDimensions content,
        long contentTimeMs,
        String contentType,
        Long contentTypeTimeMs,
        String deviceClass,
        String os,
        String browser,
        String deviceId,
        Long deviceTimeMs,
        String country,
        Long asn,
        String asOrg,
        Long geoTimeMs,
        long newestEventMs,
        long settledBeforeMs,
        Long intentMs,
        Long firstReportMs,
        boolean active,
        Long firstPlayingMs,
        Long lastPlayingMs,
        Long lastFatalMs,
        Long endMs,
        Long msdTimeMs,
        Long msd,
        Long codeTimeMs,
        String code,
        Mark settledMark,
        boolean settledRunCounts,
        long settledPlayedMs,
        long settledRebufferMs,
        long settledRebuffers,
        List<String> settledFlags,
        List<Mark> marks) {

    static QoeState empty(String accountId) {
        return new QoeState(accountId, ContentDimensions.UNKNOWN, Long.MAX_VALUE, null, null, null, null, null, null, null, null, null,
                null, null, Long.MIN_VALUE, Long.MIN_VALUE, null, null, false, null, null, null, null, null, null, null,
                null, null, false, 0, 0, 0, List.of(), List.of());
    }

    /** The view's content and stream type, as {@link PlaybackContent} decides them from its events. */
    PlaybackContent naming() {
        return PlaybackContent.of(content, contentTimeMs, contentType, contentTypeTimeMs);
    }

    /**
     * A change of the view's state: a CMCD report with a state ({@code sta}), or the player event that means one
     * ({@code play} → s, {@code playing} → p, {@code buffering} → r, {@code pause} → a, {@code seek} → k,
     * {@code content_end} → e, a fatal {@code error} → f). Its identity is all of it (a resent report or a
     * retried batch repeats every field).
     *
     * @param t        when the state began: the report's or event's time; a {@code playing} event's playing began
     *                 {@code seconds} before it (at most {@link QoeLedger#MARK_SHIFT_MS})
     * @param sta      the state, as CMCD names it
     * @param cmcd     whether a CMCD report (its playing time is the interval to the next mark) or a player event
     *                 (its playing time is its seconds)
     * @param sn       the report's sequence number (CMCD), null for player events
     * @param e        the report's event type (CMCD), the player event's type
     * @param eventMs  the event's own time
     * @param playedMs a {@code playing} event's seconds, in ms; 0 otherwise
     * @param br       the bitrate played, kbps (CMCD {@code br}; a {@code playing} event's {@code bitrate_kbps}), null if not said
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    record Mark(long t, String sta, boolean cmcd, Long sn, String e, long eventMs, long playedMs, Long br) {
    }
}
