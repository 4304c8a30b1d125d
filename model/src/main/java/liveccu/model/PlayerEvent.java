package liveccu.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One playback event as the collector publishes it on {@link Topics#PLAYER_EVENTS}: from the
 * platform's own players ({@code source = "player"}) or from a CMCD v2 event-mode report
 * ({@code source = "cmcd"}). The JSON field names are a contract: snake_case of the component
 * names below; absent values are left out.
 *
 * @param source         {@code player} or {@code cmcd}
 * @param type           player: the event type ({@link PlayerEventType#wireName()}); cmcd: {@code cmcd}
 * @param accountId      the account, from the request path
 * @param playbackId     one playback (a reload makes a new one); cmcd: the report's {@code sid}. The topic key.
 * @param eventTimeMs    the event's own time (cmcd: {@code ts}), epoch milliseconds
 * @param receivedAtMs   when the collector received it, epoch milliseconds
 * @param contentId      the content (cmcd: {@code cid})
 * @param contentType    {@code live}, {@code vod} or {@code dar} (cmcd: from {@code st}: l → live, v → vod); null if not said
 * @param property       which player or app; {@code Others} when absent
 * @param referrerDomain the page's domain (web players)
 * @param deviceId       device cookie id of a registered viewer
 * @param category       content dimension
 * @param distributor    content dimension
 * @param producer       content dimension
 * @param show           content dimension
 * @param zone           distribution zone
 * @param secondsPlayed  {@code playing}: seconds played since the previous {@code playing} event
 * @param positionS      playhead position in seconds ({@code playing}, {@code seek}…; cmcd: {@code pt} / 1000)
 * @param userAgent      the request's User-Agent header (bots are classified later, not here)
 * @param ipHash         keyed hash of the client IP (docs/playback-events.md, "Privacy"); never the IP
 * @param cmcd           cmcd only: what the report said beyond the fields above; null for player events
 * @param country        ISO 3166-1 alpha-2 country of the client IP, from the collector's GeoIP lookup (before the IP
 *                       is hashed); null without a GeoIP database or an answer (QoE breakdowns: docs/qoe.md)
 * @param asn            autonomous system number of the client IP (GeoIP ASN database), null when unknown
 * @param asOrg          that autonomous system's organisation, e.g. {@code DTAG}; null when unknown
 * @param bitrateKbps    player {@code playing}: the bitrate played (kbps), when the player says it; the QoE's average
 *                       bitrate weighs it by the event's seconds
 * @param errorCode      player {@code error}: the player's error code (its own namespace), as text
 * @param fatal          player {@code error}: whether the error ended playback ({@code true}); a recoverable error is
 *                       {@code false} or absent (docs/qoe.md: only a fatal error can be a playback failure)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlayerEvent(
        String source,
        String type,
        String accountId,
        String playbackId,
        long eventTimeMs,
        long receivedAtMs,
        String contentId,
        String contentType,
        String property,
        String referrerDomain,
        String deviceId,
        String category,
        String distributor,
        String producer,
        String show,
        String zone,
        Double secondsPlayed,
        Double positionS,
        String userAgent,
        String ipHash,
        Cmcd cmcd,
        String country,
        Long asn,
        String asOrg,
        Double bitrateKbps,
        String errorCode,
        Boolean fatal) {

    public static final String SOURCE_PLAYER = "player";
    public static final String SOURCE_CMCD = "cmcd";
    /** The property of events that name none. */
    public static final String OTHERS = "Others";

    /** An event without the fields QoE added (GeoIP, bitrate, error): as every record was before them. */
    public PlayerEvent(String source, String type, String accountId, String playbackId, long eventTimeMs, long receivedAtMs,
                       String contentId, String contentType, String property, String referrerDomain, String deviceId,
                       String category, String distributor, String producer, String show, String zone, Double secondsPlayed,
                       Double positionS, String userAgent, String ipHash, Cmcd cmcd) {
        this(source, type, accountId, playbackId, eventTimeMs, receivedAtMs, contentId, contentType, property, referrerDomain,
                deviceId, category, distributor, producer, show, zone, secondsPlayed, positionS, userAgent, ipHash, cmcd,
                null, null, null, null, null, null);
    }

    /**
     * What a CMCD v2 event-mode report said, in its own key names.
     *
     * @param jobId      the job named by the report target's path (normalised 32 hex)
     * @param e          event type: {@code t} time interval, {@code ps} play state, {@code e} error, {@code bc}…
     * @param sta        player state: {@code s} starting, {@code p} playing, {@code k} seeking, {@code r}
     *                   rebuffering, {@code a} paused, {@code w} waiting, {@code e} ended, {@code f} fatal
     *                   error, {@code q} quit, {@code d} preloading; null if not sent
     * @param heartbeat  whether the report counted as the session's client-side heartbeat (a {@code Beacon})
     * @param sessionId  the session id of that heartbeat: {@code sid} normalised to 32 hex
     * @param sn         sequence number of the report for its target
     * @param br         encoded bitrate, kbps (first of the list)
     * @param bl         buffer length, ms (first of the list)
     * @param sf         streaming format: {@code h} HLS, {@code d} DASH…
     * @param st         stream type: {@code v} on demand, {@code l} live
     * @param v          CMCD version
     * @param msd        media start delay, ms: from the instruction to play to the first playing (sent once per
     *                   session; Shaka 5.2 sends it on its first report after playing starts, hls.js 1.7 never)
     * @param ec         error code (an {@code e=e} report): the first of the report's list of strings; hls.js 1.7 sends
     *                   its error's name (e.g. {@code manifestLoadError}), Shaka 5.2 none
     * @param bs         buffer starvation: true when the report says the buffer ran dry since the previous report
     *                   (the spec has it sent only when true; neither player sends it in event mode)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cmcd(String jobId, String e, String sta, boolean heartbeat, String sessionId, Long sn, Long br,
                       Long bl, String sf, String st, Long v, Long msd, String ec, Boolean bs) {

        /** A report without the keys QoE added ({@code msd}, {@code ec}, {@code bs}). */
        public Cmcd(String jobId, String e, String sta, boolean heartbeat, String sessionId, Long sn, Long br, Long bl,
                    String sf, String st, Long v) {
            this(jobId, e, sta, heartbeat, sessionId, sn, br, bl, sf, st, v, null, null, null);
        }
    }

    /** The Kafka key: one playback's events meet on one partition. */
    public String partitionKey() {
        return playbackId;
    }
}
