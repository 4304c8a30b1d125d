package liveccu.aggregator.playback;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.List;
import java.util.Objects;
import liveccu.model.ContentDimensions;
import liveccu.model.PlaybackContent;

/**
 * What the aggregator keeps of one playback (store {@code ccu-playbacks}, key {@code account/playback_id}):
 * the events that can still change its counts — those no older than {@link #settledBeforeMs}, which
 * trails its newest event by the open window — and, of the settled past, only what later events still
 * need: the last counted start and download (for the 24 h rule) and the last CMCD report (the start of
 * the next interval). Lists are sorted by time.
 *
 * @param content             what the playback is counted under: from its earliest event naming a content
 *                            ({@link PlaybackContent}), with the content type below
 * @param contentTimeMs       the time of that event ({@code Long.MAX_VALUE} while none has)
 * @param contentType         the playback's content type: from its earliest event carrying one (CMCD: {@code st})
 * @param contentTypeTimeMs   that event's time; null before one, and in states written before the content type had
 *                            its own rule: their content type is their content's ({@link PlaybackContent#of})
 * @param newestEventMs       the newest event time seen
 * @param settledBeforeMs     events before this are settled: their counts are final, later copies refused
 * @param startAnchorMs       the last counted start before {@code settledBeforeMs}, or null
 * @param startAnchorPlayedMs playing time in that start's 24 h already settled
 * @param plays               open plays (their times)
 * @param downloadAnchorMs    the last counted download before {@code settledBeforeMs}, or null
 * @param downloads           open downloads (their times)
 * @param playing             open {@code playing} events
 * @param cmcdSettled         the last settled CMCD report with a state, or null
 * @param cmcd                open CMCD reports with a state
 * @param device              the playback's device ({@link liveccu.model.PlaybackRules#device}), from its
 *                            earliest event carrying a user agent, IP hash or device cookie; null before one
 * @param deviceClass         that event's user agent's device class (Yauaa): a bot's playback counts nothing
 * @param deviceTimeMs        that event's time, null before one
 * @param source              how the playback was measured: the source of its earliest event ({@code player},
 *                            {@code cmcd}…), counted as a dimension with its device class
 * @param sourceTimeMs        that event's time; null before one, and in states written before the device class
 *                            and source were dimensions: their open counts went out without them
 * @param reached             retention: the position buckets the settled {@code playing} events covered, per
 *                            UTC day, for the days still open (null in states written before retention: none)
 */
record PlaybackState(
        String accountId,
        ContentDimensions content,
        long contentTimeMs,
        String contentType,
        Long contentTypeTimeMs,
        long newestEventMs,
        long settledBeforeMs,
        Long startAnchorMs,
        long startAnchorPlayedMs,
        List<Long> plays,
        Long downloadAnchorMs,
        List<Long> downloads,
        List<Playing> playing,
        CmcdReport cmcdSettled,
        List<CmcdReport> cmcd,
        String device,
        String deviceClass,
        Long deviceTimeMs,
        String source,
        Long sourceTimeMs,
        List<Reached> reached) {

    static PlaybackState empty(String accountId) {
        return new PlaybackState(accountId, ContentDimensions.UNKNOWN, Long.MAX_VALUE, null, null, Long.MIN_VALUE, Long.MIN_VALUE,
                null, 0, List.of(), null, List.of(), List.of(), null, List.of(), null, null, null, null, null, List.of());
    }

    /** The playback's content and content type, as {@link PlaybackContent} decides them from its events. */
    PlaybackContent naming() {
        return PlaybackContent.of(content, contentTimeMs, contentType, contentTypeTimeMs);
    }

    /** The settled buckets reached, never null. */
    List<Reached> reachedOrNone() {
        return reached == null ? List.of() : reached;
    }

    /**
     * The retention buckets a playback's settled {@code playing} events covered on one UTC day.
     *
     * @param day  the day's start, epoch ms
     * @param bits the buckets as a {@link java.util.BitSet}'s bytes, base64 (at most 135 bytes: 1,080 buckets)
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    record Reached(long day, String bits) {
    }

    /**
     * A {@code playing} event. Its identity (player events carry no event id) is the playback, the time,
     * the seconds and the position: a retried batch repeats all of them, while two genuine {@code playing}
     * events of one player differ at least in time.
     *
     * @param t   event time, epoch ms
     * @param ms  the seconds it reports, in ms
     * @param pos the position in ms, -1 when not sent
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)  // [t, ms, pos]: the bulk of a playing playback's state
    record Playing(long t, long ms, long pos) {
    }

    /**
     * A CMCD report with a player state. Identity: time, event type, state and sequence number (what a
     * resent line repeats; the reporter numbers its reports).
     *
     * @param pos the playhead ({@code pt}) in ms; null when not sent, and in states written before retention
     *            from CMCD (so a copy of such a report is still the same report: see {@link #sameAs})
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    record CmcdReport(long t, boolean playing, String e, String sta, Long sn, Long pos) {

        boolean sameAs(CmcdReport other) {
            return t == other.t && Objects.equals(e, other.e) && Objects.equals(sta, other.sta) && Objects.equals(sn, other.sn);
        }
    }
}
