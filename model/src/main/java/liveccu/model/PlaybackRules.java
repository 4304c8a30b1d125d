package liveccu.model;

import java.time.Duration;

/**
 * What the playback metrics are: the one place that defines a start, a stream, playing time and a
 * download (README, "Playback metrics"). Per playback ({@code playback_id}):
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
 * </ul>
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
}
