package liveccu.model;

import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What the quality-of-experience metrics are: the one place that defines a view, its start, end, failure,
 * startup time, rebuffering, bitrate and score (docs/qoe.md, with the anchor each follows — Mux Data,
 * Conviva — and where this differs). Per view ({@code playback_id}; a CMCD {@code sid}), from the set of
 * its events, whatever their order:
 *
 * <ul>
 *   <li><b>intent</b> (the view's start): player events: its earliest {@code play} or {@code playback_start};
 *       CMCD: its earliest report in state starting {@code s}, or, for a player that never says {@code s}
 *       (Shaka 5.2), its earliest report — provided the view ever reached a state other than preloading
 *       {@code d} (a page that preloads a player nobody starts is no view); for a player that says no state at
 *       all (Shaka 5.2.12's release builds), its earliest report carrying {@code msd}.</li>
 *   <li><b>view</b>: a playback with an intent, or one that played without one (counted at its first playing,
 *       without a startup time).</li>
 *   <li><b>first playing</b>: its earliest report in state playing {@code p}; player events: the earliest
 *       moment a {@code playing} event says playing began ({@code time - seconds}). A CMCD report carrying
 *       {@code msd} (media start delay: {@code load()} → first frame) proves the view played: it is a first playing
 *       at that report's {@code ts} when the view has no earlier {@code p} (Shaka's debug builds say {@code p} first;
 *       its release builds say no state) — the view played, with no playing time, rebuffering or smoothness that
 *       its reports could tell.</li>
 *   <li><b>playback failure</b>: its latest fatal error (CMCD: state {@code f}; player events: {@code error} with
 *       {@code fatal: true}) with no playing after it (Shaka reports {@code f} for recoverable errors too: playing
 *       after it shows it was not fatal); counted at that error. A <b>video startup failure</b> is one with no
 *       playing at all.</li>
 *   <li><b>end</b>: its earliest ended / quit state ({@code e}, {@code q}) or {@code content_end}; without one,
 *       {@link #IDLE} after its newest event (players report every 30 s).</li>
 *   <li><b>exit before video start</b>: a view with an intent that never played and did not fail; counted at its
 *       end.</li>
 *   <li><b>startup time</b>: CMCD {@code msd} when the player sends it (Shaka), else intent → first playing;
 *       counted at the first playing, in {@link #startupBucket buckets} with a relative error of
 *       {@link #STARTUP_RELATIVE_ACCURACY}.</li>
 *   <li><b>playing time</b>: CMCD: from a report in state {@code p} to the view's next report with a state, at most
 *       {@link PlaybackRules#CMCD_MAX_GAP}; player events: their {@code seconds} (as playback metrics count time).</li>
 *   <li><b>rebuffering</b>: from a report in state {@code r} (player events: {@code buffering}) to the view's next
 *       report with a state (player events: next state event — {@code playing} at {@code time - seconds},
 *       {@code pause}, {@code seek}, {@code content_end}, {@code play}, a fatal error), at most
 *       {@link PlaybackRules#CMCD_MAX_GAP} (CMCD) or {@link #PLAYER_STALL_MAX} (player events). One
 *       <b>rebuffer</b> per entry into that state; not before the first playing (that is startup: Shaka says
 *       {@code r} there) and not between a seek and the next playing (hls.js says {@code r} there).</li>
 *   <li><b>bitrate</b>: the playing time weighted by the bitrate of the report that began it ({@code br}), or of the
 *       {@code playing} event ({@code bitrate_kbps}): an average is a sum of kbps·ms over a sum of ms.</li>
 *   <li><b>score</b> ({@link #experienceScore}): per view, after Mux's published component scores.</li>
 * </ul>
 * A view's dimensions are its earliest event's that names them (content, device, country), and its stream type its
 * earliest event's that carries one ({@link PlaybackContent}), as for playback metrics; a bot
 * ({@link PlaybackRules#isBot}) counts nothing.
 */
public final class QoeRules {

    /** A view silent this long has ended (players send a time-interval report every 30 s: two missed, and more). */
    public static final Duration IDLE = Duration.ofMinutes(2);
    /**
     * The longest stall counted from a player event's {@code buffering} to its next state event: a stall a player
     * reports when it ends can be long, unlike a CMCD interval, which the player's 30 s reports bound; past this,
     * a viewer has given up (Mux leaves viewers rebuffering over 5 min out of its concurrent viewers).
     */
    public static final Duration PLAYER_STALL_MAX = Duration.ofMinutes(5);
    /** An exit before video start this soon after its intent is no decision of the viewer (Mux gives it no score). */
    public static final Duration EBVS_UNSCORED_BELOW = Duration.ofSeconds(1);
    /**
     * The startup buckets' relative accuracy: a quantile read from them is within 1 % of a startup time of the
     * range (DDSketch's guarantee for its logarithmic mapping).
     */
    public static final double STARTUP_RELATIVE_ACCURACY = 0.01;
    /** Startup times under 1 ms count as 1 ms (the mapping has no bucket for 0; no player starts in 0 ms). */
    public static final long STARTUP_MIN_MS = 1;
    /** Scores are summed in thousandths of a point, so that a sum of whole numbers sums exactly. */
    public static final long SCORE_SCALE = 1000;

    /** CMCD player states ({@code sta}) as the rules read them. */
    public static final String STARTING = "s";
    public static final String PLAYING = "p";
    public static final String SEEKING = "k";
    public static final String REBUFFERING = "r";
    public static final String PAUSED = "a";
    public static final String ENDED = "e";
    public static final String FATAL = "f";
    public static final String QUIT = "q";
    public static final String PRELOADING = "d";

    private static final IndexMapping MAPPING = new LogarithmicMapping(STARTUP_RELATIVE_ACCURACY);

    private QoeRules() {
    }

    /**
     * The bucket of a startup time: DDSketch's logarithmic index ({@code sketches-java}'s {@link LogarithmicMapping}
     * at {@link #STARTUP_RELATIVE_ACCURACY}), ~115 buckets a decade: 1 s is bucket 345, 10 s 460, 1 min 550, 10 min 665.
     */
    public static int startupBucket(long startupMs) {
        return MAPPING.index(Math.max(STARTUP_MIN_MS, startupMs));
    }

    /** The startup time a bucket stands for, ms: within {@link #STARTUP_RELATIVE_ACCURACY} of every time in it. */
    public static double startupOfBucket(int bucket) {
        return MAPPING.value(bucket);
    }

    /** The shortest startup time a bucket holds, ms (the upper bound of the bucket below): for a histogram. */
    public static double startupBucketFromMs(int bucket) {
        return MAPPING.lowerBound(bucket);
    }

    /** The startup time a bucket holds up to (exclusive), ms. */
    public static double startupBucketToMs(int bucket) {
        return MAPPING.upperBound(bucket);
    }

    /**
     * A quantile of startup times from summed buckets (bucket → count; counts are summed changes, so a bucket may
     * read 0, and one never below): the value of the bucket holding rank {@code q × (n − 1)}, as DDSketch reads
     * its own; null without any startup. Any breakdown or range is the sum of its records' buckets.
     */
    public static Double startupQuantile(Map<Integer, Long> buckets, double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("a quantile is between 0 and 1: " + q);
        }
        NavigableMap<Integer, Long> sorted = new TreeMap<>();
        long n = 0;
        for (Map.Entry<Integer, Long> bucket : buckets.entrySet()) {
            if (bucket.getValue() > 0) {
                sorted.merge(bucket.getKey(), bucket.getValue(), Long::sum);
                n += bucket.getValue();
            }
        }
        if (n == 0) {
            return null;
        }
        double rank = q * (n - 1);
        long seen = 0;
        for (Map.Entry<Integer, Long> bucket : sorted.entrySet()) {
            seen += bucket.getValue();
            if (seen > rank) {
                return startupOfBucket(bucket.getKey());
            }
        }
        return startupOfBucket(sorted.lastKey());
    }

    /** Mux's Startup Time Score: {@code 8 / (8 + seconds) × 100}. */
    public static double startupScore(long startupMs) {
        return 8.0 / (8.0 + startupMs / 1000.0) * 100;
    }

    /**
     * Mux's Smoothness Score: the mean of {@code 100 / √(1 + (count / 2)²)} and {@code 100 × e^(−10 × rebuffer fraction)}
     * (the fraction of playing + rebuffering time spent rebuffering).
     */
    public static double smoothnessScore(long rebuffers, long rebufferMs, long playedMs) {
        double byCount = 100 / Math.sqrt(1 + Math.pow(rebuffers / 2.0, 2));
        double fraction = rebufferMs + playedMs == 0 ? 0 : rebufferMs / (double) (rebufferMs + playedMs);
        double byTime = 100 * Math.exp(-10 * fraction);
        return (byCount + byTime) / 2;
    }

    /** How a view ended for Mux's Playback Success Score. */
    public enum Outcome {
        /** It played and no fatal error ended it: 100. */
        PLAYED(100),
        /** It exited before video start: 50 (none when within {@link #EBVS_UNSCORED_BELOW} of its intent). */
        EXITED_BEFORE_START(50),
        /** A fatal error ended it: 0. */
        FAILED(0);

        private final int success;

        Outcome(int success) {
            this.success = success;
        }

        public int successScore() {
            return success;
        }
    }

    /**
     * A view's experience score, after Mux's (docs/qoe.md): Mux publishes its component formulas — Playback Success
     * (100 / 50 / 0), Startup Time ({@link #startupScore}), Smoothness ({@link #smoothnessScore}) and Video Quality
     * (from upscaling, which CMCD cannot tell: left out) — but not, in any text found, how it combines them; this
     * combines them as Bitmovin's published Playback Score does: the success score (as a factor) times the mean of
     * the startup and smoothness scores a view has. A view that failed scores 0, one that exited before start 50
     * (it has neither startup nor smoothness), a view that played {@code mean(startup, smoothness)}.
     *
     * @param startupMs the view's startup time, null when it has none (played without an intent, or failed first)
     * @return 0–100
     */
    public static double experienceScore(Outcome outcome, Long startupMs, long rebuffers, long rebufferMs, long playedMs) {
        return experienceScore(outcome, startupMs, smoothnessScore(rebuffers, rebufferMs, playedMs));
    }

    /**
     * A view's experience score from its components: the success score (as a factor) times the mean of the startup
     * and smoothness scores it has — a view that played but said nothing of its states (a CMCD view known only by its
     * {@code msd}: Shaka's release builds) has no smoothness, and scores its startup alone.
     *
     * @param startupMs  the view's startup time, null when it has none
     * @param smoothness its {@link #smoothnessScore}, null when its reports cannot tell it
     * @return 0–100
     */
    public static double experienceScore(Outcome outcome, Long startupMs, Double smoothness) {
        if (outcome != Outcome.PLAYED) {
            return outcome.successScore();
        }
        double quality = startupMs == null && smoothness == null ? 100
                : startupMs == null ? smoothness
                : smoothness == null ? startupScore(startupMs)
                : (startupScore(startupMs) + smoothness) / 2;
        return outcome.successScore() / 100.0 * quality;
    }

    /** A score as summed: thousandths of a point, rounded. */
    public static long scaled(double score) {
        return Math.round(score * SCORE_SCALE);
    }
}
