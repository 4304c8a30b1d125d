package liveccu.model;

import java.time.Duration;
import java.util.Set;

/**
 * What audio consumption measured from CDN access logs is: the one place that defines it for external
 * players that never send an event (podcast and radio apps, Chromecast, Roku…: they only request the
 * file). Per device (user agent + IP hash, {@link PlaybackRules#device}) and content, with the content's
 * type and bitrate from the operator's catalogue:
 *
 * <ul>
 *   <li><b>excluded</b>: bots ({@link #isBot}), any method but {@code GET} ({@code HEAD} is a probe), and
 *       requests under {@link #minBytes} (platform validation probes);</li>
 *   <li><b>start / download</b> ({@link #counts}): on demand, 206 is a start and 200 a download; live and
 *       DAR, 200 is a start; every other status (206 on live or DAR, 3xx, 304, 4xx, 5xx) counts nothing.
 *       One device's requests for one content are one start or one download per {@link #ONCE_PER}: the
 *       earliest counted request anchors a window, then the earliest at least 24 h after it, and so on; a
 *       window is what its earliest request is (a start when a start and a download share that
 *       millisecond);</li>
 *   <li><b>stream</b>: a start window whose requests sent at least {@link #streamThreshold} of content
 *       ({@link #isStream});</li>
 *   <li><b>time</b>: each request of a start window plays {@link #contentMs} — more than was heard, since
 *       apps fetch ahead and fetch again; a download window adds no time (a download is not listening);</li>
 *   <li><b>IAB download</b> (IAB Tech Lab Podcast Measurement v2.2): per device and episode, per 24 h window
 *       anchored like the above, for on-demand content (episodes), one count when the union of the byte ranges sent ({@link #iabRange}) holds
 *       {@link #IAB_MIN_CONTENT} of content after the ID3 tag ({@link #iabMinBytes}); 304s, other non-2xx,
 *       {@code HEAD} and {@code 0-1} probes ({@link #isProbe}) count nothing, small requests do count.</li>
 * </ul>
 *
 * @param minBytes        requests that sent fewer bytes count nothing under the start/download rule
 * @param streamThreshold how much content a start window must send to be a stream
 * @param openWindow      how far behind a device and content's newest request its requests may still
 *                        arrive and count: CDN logs come late (files imported days later), so this is hours,
 *                        not the minutes of player events; older requests are settled
 */
public record AudioRules(long minBytes, Duration streamThreshold, Duration openWindow) {

    /** The playback counts' source of audio measured from CDN logs (beside {@link PlayerEvent#SOURCE_PLAYER} and {@link PlayerEvent#SOURCE_CMCD}). */
    public static final String SOURCE = "cdn-log";
    public static final long DEFAULT_MIN_BYTES = 70_000;
    public static final Duration DEFAULT_STREAM_THRESHOLD = Duration.ofSeconds(25);
    public static final Duration DEFAULT_OPEN_WINDOW = Duration.ofHours(48);
    /** A device counts one start or download per content per 24 h, as a playback does. */
    public static final Duration ONCE_PER = PlaybackRules.ONCE_PER;
    /** IAB's definition, fixed: another value would not be the IAB count advertisers ask for. */
    public static final Duration IAB_MIN_CONTENT = Duration.ofMinutes(1);
    /** A range this short ({@code bytes=0-1}) is an app checking the file, not fetching it (IAB). */
    public static final long IAB_PROBE_MAX_BYTES = 2;
    public static final Set<String> LIVE_CONTENT_TYPES = Set.of("live", "dar");

    /** What one request is under the start/download rule, bots aside. */
    public enum Kind { START, DOWNLOAD, NOTHING }

    public AudioRules {
        if (minBytes < 0 || streamThreshold.isNegative() || openWindow.isNegative() || openWindow.isZero()) {
            throw new IllegalArgumentException("minBytes and streamThreshold must not be negative, openWindow must be positive");
        }
    }

    public static AudioRules defaults() {
        return new AudioRules(DEFAULT_MIN_BYTES, DEFAULT_STREAM_THRESHOLD, DEFAULT_OPEN_WINDOW);
    }

    /** The start/download rule for one request; a content type the catalogue does not name counts nothing. */
    public Kind counts(String method, int status, long bytes, String contentType) {
        if (!"GET".equals(method) || bytes < minBytes) {
            return Kind.NOTHING;
        }
        if ("vod".equals(contentType)) {
            return status == 206 ? Kind.START : status == 200 ? Kind.DOWNLOAD : Kind.NOTHING;
        }
        return contentType != null && LIVE_CONTENT_TYPES.contains(contentType) && status == 200 ? Kind.START : Kind.NOTHING;
    }

    /** Whether this much content sent makes a start a stream; never without a bitrate. */
    public boolean isStream(long bytes, int bitrateKbps) {
        // bytes × 8 ÷ kbps is ms of content: compared multiplied out, so 24.99 s is never rounded up to 25
        return bitrateKbps > 0 && bytes * 8 >= streamThreshold.toMillis() * bitrateKbps;
    }

    /** The content, in ms, that this many bytes play at the content's bitrate (rounded down); 0 without a bitrate. */
    public static long contentMs(long bytes, int bitrateKbps) {
        return bitrateKbps > 0 ? bytes * 8 / bitrateKbps : 0;
    }

    /**
     * Whether a request takes part in the IAB count, bots aside: a {@code GET} of an on-demand file (an
     * episode: a live stream has none), answered 200 or 206, no probe.
     */
    public static boolean iabCounts(String method, int status, Long rangeStart, Long rangeEnd, String contentType) {
        return "GET".equals(method) && (status == 200 || status == 206) && !isProbe(rangeStart, rangeEnd)
                && "vod".equals(contentType);
    }

    /** A range of at most {@link #IAB_PROBE_MAX_BYTES} bytes, such as {@code bytes=0-1}. */
    public static boolean isProbe(Long rangeStart, Long rangeEnd) {
        return rangeStart != null && rangeEnd != null && rangeEnd - rangeStart + 1 <= IAB_PROBE_MAX_BYTES;
    }

    /**
     * The bytes of the file a request sent, as {@code [first, last]} (inclusive), null when none: a 200, or a
     * 206 whose log has no range, from byte 0; a 206 from its range's start, as many bytes as were sent
     * (never past the range's end: the bytes sent may include headers).
     */
    public static long[] iabRange(int status, long bytes, Long rangeStart, Long rangeEnd) {
        if (bytes <= 0) {
            return null;
        }
        if (status != 206 || rangeStart == null) {
            return new long[] {0, bytes - 1};
        }
        long last = rangeStart + bytes - 1;
        return new long[] {rangeStart, rangeEnd == null ? last : Math.min(last, rangeEnd)};
    }

    /**
     * How many bytes after the ID3 tag an IAB download must cover: a minute of content at the bitrate
     * (kbps × 1000 ÷ 8 bytes a second); never reachable without a bitrate.
     */
    public static long iabMinBytes(int bitrateKbps) {
        return bitrateKbps > 0 ? bitrateKbps * 125L * IAB_MIN_CONTENT.toSeconds() : Long.MAX_VALUE;
    }

    /**
     * Whether a user agent is no listener. A podcast app's feed crawler is a bot ({@code feedFetcher}); an
     * agent recognised as a listening app is not, whatever Yauaa says (apps write agents like
     * {@code Overcast/3.0 (+http://overcast.fm/; iOS podcast app)}, which Yauaa reads as a Robot for its URL);
     * anything else is what it is for player events ({@link PlaybackRules#isBot}, from Yauaa's device class).
     */
    public static boolean isBot(boolean feedFetcher, boolean listeningApp, String deviceClass) {
        return feedFetcher || !listeningApp && PlaybackRules.isBot(deviceClass);
    }
}
