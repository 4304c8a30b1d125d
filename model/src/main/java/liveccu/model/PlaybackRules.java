package liveccu.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the playback metrics are: the one place that defines a start, a stream, playing time and a
 * download (docs/definitions.md, "Playback metrics"). Per playback ({@code playback_id}):
 *
 * <ul>
 *   <li><b>start</b>: a real play ({@code playback_start} or {@code play}; CMCD: a play-state report
 *       {@code e=ps} with {@code sta=p}). The earliest play counts, and after it the earliest play at
 *       least {@link #ONCE_PER} later, and so on: a playback counts once per 24 h, whatever the order in
 *       which its events arrive. Counted in the hour of that play.</li>
 *   <li><b>stream</b>: a start whose 24 h (from the start) hold at least {@link #streamThreshold} of
 *       playing time. Counted in the hour of its start, so an hour never has more streams than starts.</li>
 *   <li><b>time</b>: the seconds of {@code playing} events, in the hour of each event; CMCD: from each
 *       report in state playing ({@code sta=p}) to the playback's next report (by {@code ts}), at most
 *       {@link #CMCD_MAX_GAP}, split at hour boundaries.</li>
 *   <li><b>download</b>: {@code file_downloaded}, once per 24 h like a start; never a start nor a stream.</li>
 *   <li><b>device</b>: distinct {@link #device devices} of the playbacks that start or download in the
 *       hour (exact per content and hour; days from {@link DeviceSketches}).</li>
 *   <li><b>bot</b>: a playback whose user agent's device class ({@link #BOT_DEVICE_CLASSES}) is not a
 *       person — an HTTP library's agent ({@link #HTTP_LIBRARY_AGENT}) is a robot whatever Yauaa says
 *       ({@link #deviceClass(String, String)}): it counts nothing at all (no start, stream, time, download nor
 *       device), in the QoE neither.</li>
 *   <li><b>retention</b>: for on-demand content ({@link #hasTimeline}), per content and UTC day, how many
 *       playbacks with a start watched each {@link #RETENTION_BUCKET} of content position: a {@code playing}
 *       event covers the positions {@code [position - seconds, position)}, in the day of the event; a
 *       playback counts at most once per bucket and day however often it seeks back; positions from
 *       {@link #RETENTION_MAX_BUCKETS} buckets on count nowhere. CMCD: the positions between two consecutive
 *       reports while playing ({@link #cmcdRetentionBuckets}).</li>
 * </ul>
 * A playback's device (and so whether it is a bot) is that of its earliest event (by event time)
 * carrying a user agent, an IP hash or a device cookie, like its content; its content type is that of its
 * earliest event carrying one ({@link PlaybackContent}: players say CMCD {@code st} only after their first
 * reports). Besides its content's
 * dimensions, a playback is counted under its {@link #deviceClass device class} (that device's) and its
 * <b>source</b>: how it was measured, the {@link PlayerEvent#source()} of its earliest event ({@code player},
 * {@code cmcd}; a plain text, so that a new source is a new value, not a new dimension: audio measured from CDN
 * logs is {@link AudioRules#SOURCE}).
 *
 * @param streamThreshold how much playing makes a start a stream
 */
public record PlaybackRules(Duration streamThreshold) {

    public static final Duration DEFAULT_STREAM_THRESHOLD = Duration.ofSeconds(5);
    /** A playback counts as a start (and a download) again only this long after it last did. */
    public static final Duration ONCE_PER = Duration.ofHours(24);
    /**
     * The longest CMCD interval counted as playing: players report every 30 s while playing, so a longer
     * silence is a player that stopped reporting (closed, offline), not two minutes of watching.
     */
    public static final Duration CMCD_MAX_GAP = Duration.ofMinutes(2);
    /**
     * How much further than the wall clock a CMCD playhead may move between two reports and still be
     * watched: a player reads its clock and its playhead a moment apart. Beyond it the player skipped
     * ahead (a seek), which is not watching.
     */
    public static final Duration CMCD_PLAYHEAD_TOLERANCE = Duration.ofSeconds(2);
    /** The device class of a playback whose events carried no user agent (nor IP, nor device cookie). */
    public static final String UNKNOWN_DEVICE_CLASS = "Unknown";

    /**
     * Yauaa's device classes that are not a person watching: crawlers and monitors ({@code Robot},
     * {@code Robot Mobile}), bots pretending to be a browser ({@code Robot Imitator}), scripts and
     * malformed agents ({@code Hacker}) and servers in a data centre ({@code Cloud}).
     */
    public static final Set<String> BOT_DEVICE_CLASSES = Set.of("Robot", "Robot Mobile", "Robot Imitator", "Hacker", "Cloud");

    /**
     * User agents of HTTP libraries and command-line clients ({@code Python-urllib/3.11}, {@code python-requests/2.31},
     * {@code curl/8.4.0}, {@code okhttp/4.12.0}, {@code Go-http-client/2.0}, {@code Wget/1.21}…): scripts, not people
     * watching. Yauaa flags some of them (curl) but not all ({@code Python-urllib}), so they are robots here, in
     * every metric. An Android app playing through OkHttp with OkHttp's default agent must set its own.
     */
    public static final Pattern HTTP_LIBRARY_AGENT = Pattern.compile(
            "^(?:python-urllib|python-requests|python-httpx|aiohttp|curl|wget|okhttp|go-http-client|java|java-http-client"
                    + "|apache-httpclient|node-fetch|axios|undici|libwww-perl|httpie)/", Pattern.CASE_INSENSITIVE);
    /** The device class of an {@link #HTTP_LIBRARY_AGENT}: Yauaa's class for tools and crawlers. */
    public static final String HTTP_LIBRARY_DEVICE_CLASS = "Robot";

    /** The width of a retention bucket: 10 s of content position. */
    public static final Duration RETENTION_BUCKET = Duration.ofSeconds(10);
    /** Retention buckets per content: 1,080 of 10 s are the first 3 hours of a content's timeline. */
    public static final int RETENTION_MAX_BUCKETS = 1080;
    /** The content types with a timeline: on demand, and DAR (a recorded live, played on its recording's timeline). */
    public static final Set<String> TIMELINE_CONTENT_TYPES = Set.of("vod", "dar");

    public PlaybackRules {
        if (streamThreshold.isNegative()) {
            throw new IllegalArgumentException("streamThreshold must not be negative");
        }
    }

    public static PlaybackRules defaults() {
        return new PlaybackRules(DEFAULT_STREAM_THRESHOLD);
    }

    /**
     * How far behind a playback's newest event its events may still arrive and count: every on-time
     * event (see {@link CountingRules#isTooLate(long, long)}) is within it, with a few minutes for events
     * that reach a partition slightly out of order. Older parts of a playback are settled: an event
     * older than that is refused as too late.
     */
    public static Duration openWindow(CountingRules rules) {
        return rules.stateRetention().plusMinutes(5);
    }

    /** Whether retention is counted for a content of this type (a live stream's positions are not a timeline). */
    public static boolean hasTimeline(String contentType) {
        return contentType != null && TIMELINE_CONTENT_TYPES.contains(contentType);
    }

    /**
     * The retention buckets a {@code playing} event covers: from the bucket of {@code position - played}
     * (at least 0) to the bucket just before {@code position}, as {@code [first, last]} (inclusive), capped at
     * {@link #RETENTION_MAX_BUCKETS}; null when it covers none (no position, nothing played, or past the cap).
     */
    public static int[] retentionBuckets(long positionMs, long playedMs) {
        if (positionMs <= 0 || playedMs <= 0) {
            return null;
        }
        long bucketMs = RETENTION_BUCKET.toMillis();
        long first = Math.max(0, positionMs - playedMs) / bucketMs;
        long last = Math.min((positionMs - 1) / bucketMs, RETENTION_MAX_BUCKETS - 1);
        return first > last ? null : new int[] {(int) first, (int) last};
    }

    /**
     * Retention from CMCD reports: the buckets a playback watched between a report in state playing, at
     * playhead {@code fromPositionMs} ({@code pt}) and time {@code fromMs} ({@code ts}), and its next report
     * with a state: the positions {@code [fromPositionMs, toPositionMs)}, when the next report came within
     * {@link #CMCD_MAX_GAP} and the playhead moved forward by no more than the time elapsed (plus
     * {@link #CMCD_PLAYHEAD_TOLERANCE}): a jump further ahead is a seek, and a move back (or none) watched
     * nothing that the reports can tell. Null when it covers none, or a report has no playhead.
     */
    public static int[] cmcdRetentionBuckets(long fromMs, Long fromPositionMs, long toMs, Long toPositionMs) {
        if (fromPositionMs == null || toPositionMs == null || toMs - fromMs > CMCD_MAX_GAP.toMillis()) {
            return null;
        }
        long moved = toPositionMs - fromPositionMs;
        if (moved <= 0 || moved > toMs - fromMs + CMCD_PLAYHEAD_TOLERANCE.toMillis()) {
            return null;
        }
        return retentionBuckets(toPositionMs, moved);
    }

    /** A playback's device class: Yauaa's class of its device's user agent, {@link #UNKNOWN_DEVICE_CLASS} without one. */
    public static String deviceClass(String classified) {
        return classified == null ? UNKNOWN_DEVICE_CLASS : classified;
    }

    /**
     * A user agent's device class as every metric counts it: Yauaa's ({@code yauaaClass}), except an HTTP library's
     * agent ({@link #HTTP_LIBRARY_AGENT}), which is {@value #HTTP_LIBRARY_DEVICE_CLASS}.
     */
    public static String deviceClass(String yauaaClass, String userAgent) {
        return isHttpLibrary(userAgent) ? HTTP_LIBRARY_DEVICE_CLASS : yauaaClass;
    }

    public static boolean isHttpLibrary(String userAgent) {
        return userAgent != null && HTTP_LIBRARY_AGENT.matcher(userAgent.strip()).find();
    }

    public static boolean isBot(String deviceClass) {
        return deviceClass != null && BOT_DEVICE_CLASSES.contains(deviceClass);
    }

    /**
     * The device a playback is on, as 32 hex digits (the first 128 bits of a SHA-256, so neither a
     * cookie nor a user agent is kept): the device cookie ({@code device_id}) when the player sends one,
     * else the user agent with the IP hash (IAB's definition; the IP hash's daily salt is the day's
     * counting window). A missing user agent or IP hash counts as empty.
     */
    public static String device(String deviceId, String userAgent, String ipHash) {
        String identity = deviceId != null && !deviceId.isBlank() ? "cookie\n" + deviceId
                : "agent\n" + (userAgent == null ? "" : userAgent) + "\n" + (ipHash == null ? "" : ipHash);
        byte[] digest = SHA_256.get().digest(identity.getBytes(StandardCharsets.UTF_8));
        return HEX.formatHex(digest, 0, 16);
    }

    /** One digest per thread (an audio import names a device per log line; {@code digest} resets it). */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });
    private static final HexFormat HEX = HexFormat.of();
}
