package liveccu.model;

/**
 * What one playback — for the QoE, one view: the same {@code playback_id} — is counted under for its content, as a
 * function of the set of its events (docs/definitions.md, "A playback's content"; docs/qoe.md, a view's dimensions).
 * The one rule both ledgers (playback metrics and QoE) apply:
 *
 * <ul>
 *   <li>its <b>content</b> (the {@code content_id} and the dimensions that event names) is that of its earliest event
 *       naming a {@code content_id};</li>
 *   <li>its <b>content type</b> ({@code content_type}, the QoE's stream type; CMCD {@code st}: {@code l} → live,
 *       {@code v} → vod) is that of its earliest event that carries one, whether or not that event is the one naming
 *       the content: the players say {@code st} only once their playlist or manifest is loaded, so their first
 *       reports have none (hls.js 1.7.4's {@code ps}/{@code t} in state {@code s}, Shaka 5.2.12's first {@code t}
 *       and {@code r}: measured by {@code QoePlayersIT}).</li>
 * </ul>
 * Between two events of one millisecond the smaller text wins (as for the device and the network), so the order in
 * which events arrive never decides.
 *
 * @param content           the content as its earliest event naming one said it ({@link ContentDimensions#UNKNOWN}
 *                          before one); its own content type is that event's, not necessarily the playback's
 * @param contentTimeMs     that event's time, {@code Long.MAX_VALUE} before one
 * @param contentType       the playback's content type, null while no event carried one
 * @param contentTypeTimeMs the time of the earliest event carrying one, null before one
 */
public record PlaybackContent(ContentDimensions content, long contentTimeMs, String contentType, Long contentTypeTimeMs) {

    /** A playback none of whose events named a content or a content type. */
    public static final PlaybackContent NONE = new PlaybackContent(ContentDimensions.UNKNOWN, Long.MAX_VALUE, null, null);

    /**
     * As a state keeps it. A state written before the content type had a rule of its own has no content type time:
     * its content type is then its content's (the one its earliest event naming a content said), from that event's
     * time — what its counts went under. A later-arriving event with an earlier content type still takes over.
     */
    public static PlaybackContent of(ContentDimensions content, long contentTimeMs, String contentType, Long contentTypeTimeMs) {
        if (contentTypeTimeMs == null && content.contentType() != null) {
            return new PlaybackContent(content, contentTimeMs, content.contentType(), contentTimeMs);
        }
        return new PlaybackContent(content, contentTimeMs, contentType, contentTypeTimeMs);
    }

    /** This with one more event of the playback: the same instance when the event changes neither. */
    public PlaybackContent with(PlayerEvent event) {
        long t = event.eventTimeMs();
        boolean namesContent = event.contentId() != null && (t < contentTimeMs || t == contentTimeMs
                && PlaybackCount.contentKey(ContentDimensions.of(event)).compareTo(PlaybackCount.contentKey(content)) < 0);
        boolean namesType = event.contentType() != null && (contentTypeTimeMs == null || t < contentTypeTimeMs
                || t == contentTypeTimeMs && event.contentType().compareTo(contentType) < 0);
        if (!namesContent && !namesType) {
            return this;
        }
        return new PlaybackContent(namesContent ? ContentDimensions.of(event) : content, namesContent ? t : contentTimeMs,
                namesType ? event.contentType() : contentType, namesType ? Long.valueOf(t) : contentTypeTimeMs);
    }

    /** What the playback's counts go under: its content, with its content type. */
    public ContentDimensions dimensions() {
        return content.withContentType(contentType);
    }
}
