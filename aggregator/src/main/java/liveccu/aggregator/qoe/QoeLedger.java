package liveccu.aggregator.qoe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import liveccu.aggregator.playback.DeviceClassifier;
import liveccu.aggregator.qoe.QoeState.Mark;
import liveccu.model.ContentDimensions;
import liveccu.model.CountingRules;
import liveccu.model.PlaybackContent;
import liveccu.model.PlaybackRules;
import liveccu.model.PlayerEvent;
import liveccu.model.PlayerEventType;
import liveccu.model.QoeCount;
import liveccu.model.QoeDimensions;
import liveccu.model.QoeRules;

/**
 * Applies {@link QoeRules} to one view, event by event: pure, no Kafka — built like the playback ledger.
 *
 * <p>A view's QoE is a function of the set of its events: its facts are minima and maxima over them, and what
 * its open events can still change (its <em>open</em> numbers: every view-level number, the time and stalls of
 * its open marks, the periods they make it count as playing or rebuffering in) is recomputed from the kept
 * events, and only the difference goes out. So a copy changes nothing (found by identity: the state stays
 * equal), and a late event lands where it would have in order. Once the newest event is the open window
 * ({@link PlaybackRules#openWindow}) ahead, older events are settled: marks older than that (less
 * {@link #MARK_SHIFT_MS}) are folded into the few values later marks still need and dropped, and an event older
 * than that is refused.
 */
final class QoeLedger {

    /**
     * How far before its event a mark may lie: a {@code playing} event's playing began {@code seconds} before it,
     * counted back at most this far (for the first playing and the end of a stall; its seconds all count as
     * playing time). Marks are kept this much longer than events, so a new event's mark is never settled.
     */
    static final long MARK_SHIFT_MS = QoeRules.IDLE.toMillis();
    /** Marks in time order; a tie by sequence number, event type and state, so that order never decides. */
    static final Comparator<Mark> MARK_ORDER = Comparator.comparingLong(Mark::t)
            .thenComparing(Mark::sn, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Mark::e, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Mark::sta)
            .thenComparingLong(Mark::eventMs)
            .thenComparingLong(Mark::playedMs)
            .thenComparing(Mark::br, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Mark::cmcd);

    private static final long CMCD_MAX_GAP_MS = PlaybackRules.CMCD_MAX_GAP.toMillis();
    private static final long PLAYER_STALL_MAX_MS = QoeRules.PLAYER_STALL_MAX.toMillis();
    private static final long IDLE_MS = QoeRules.IDLE.toMillis();
    private static final long MINUTE = QoeCount.MINUTE_MS;
    private static final long HOUR = QoeCount.HOUR_MS;

    /** What applying an event did. */
    sealed interface Outcome {
    }

    /** The event was taken: the new state, and the changes to the minutes' and hours' totals (none is fine). */
    record Counted(QoeState state, List<QoeCount> changes) implements Outcome {
    }

    /** A copy of an event already applied, or an event that changes nothing. */
    record Unchanged() implements Outcome {
    }

    /** Older than the view's settled part: it can no longer be counted. */
    record Settled(long settledBeforeMs) implements Outcome {
    }

    private final long openWindowMs;
    private final Function<String, DeviceClassifier.Device> deviceOf;

    /** @param deviceOf a user agent's device class (bots as every metric has them), OS and browser */
    QoeLedger(CountingRules counting, Function<String, DeviceClassifier.Device> deviceOf) {
        this.openWindowMs = PlaybackRules.openWindow(counting).toMillis();
        this.deviceOf = deviceOf;
    }

    Duration openWindow() {
        return Duration.ofMillis(openWindowMs);
    }

    Outcome apply(QoeState known, PlayerEvent event) {
        QoeState state = known == null ? QoeState.empty(event.accountId()) : known;
        if (event.eventTimeMs() < state.settledBeforeMs()) {
            return new Settled(state.settledBeforeMs());
        }
        QoeState next = withEvent(state, event);
        if (next.equals(state)) {
            return new Unchanged();
        }
        List<QoeCount> changes = difference(open(state), open(next));
        long cutoff = next.newestEventMs() - openWindowMs;
        return new Counted(cutoff > next.settledBeforeMs() ? settle(next, cutoff) : next, changes);
    }

    // ---- taking an event in ------------------------------------------------------------------------------------

    private QoeState withEvent(QoeState s, PlayerEvent event) {
        long t = event.eventTimeMs();
        // the earliest event naming a content decides it, the earliest carrying a stream type that (as for playbacks)
        PlaybackContent naming = s.naming().with(event);
        String deviceClass = s.deviceClass();
        String os = s.os();
        String browser = s.browser();
        String deviceId = s.deviceId();
        Long deviceTimeMs = s.deviceTimeMs();
        if (event.userAgent() != null || event.ipHash() != null || event.deviceId() != null) {
            String named = PlaybackRules.device(event.deviceId(), event.userAgent(), event.ipHash());
            // the earliest event decides, as for playback metrics; classified only then
            if (deviceTimeMs == null || t < deviceTimeMs || t == deviceTimeMs && named.compareTo(deviceId) < 0) {
                DeviceClassifier.Device device = deviceOf.apply(event.userAgent());
                deviceClass = device.deviceClass();
                os = device.os();
                browser = device.browser();
                deviceId = named;
                deviceTimeMs = t;
            }
        }
        String country = s.country();
        Long asn = s.asn();
        String asOrg = s.asOrg();
        Long geoTimeMs = s.geoTimeMs();
        if (event.country() != null || event.asn() != null) {
            String named = event.country() + "|" + event.asn() + "|" + event.asOrg();
            if (geoTimeMs == null || t < geoTimeMs || t == geoTimeMs && named.compareTo(country + "|" + asn + "|" + asOrg) < 0) {
                country = event.country();
                asn = event.asn();
                asOrg = event.asOrg();
                geoTimeMs = t;
            }
        }
        Facts f = new Facts(s);
        f.newest = Math.max(f.newest, t);
        List<Mark> marks = s.marks();
        Mark mark = null;
        if (PlayerEvent.SOURCE_CMCD.equals(event.source())) {
            PlayerEvent.Cmcd report = event.cmcd();
            String sta = report == null ? null : report.sta();
            f.firstReport = min(f.firstReport, t);
            if (sta != null && !QoeRules.PRELOADING.equals(sta)) {
                f.active = true;
            }
            if (report != null) {
                if (report.msd() != null && (f.msdTime == null || t < f.msdTime || t == f.msdTime && report.msd() < f.msd)) {
                    f.msdTime = t;
                    f.msd = report.msd();
                }
                f.code(t, report.ec());
            }
            if (sta != null) {
                f.state(sta, t);
                mark = new Mark(t, sta, true, report.sn(), report.e(), t, 0, report.br());
            }
        } else {
            String sta = switch (PlayerEventType.fromWire(event.type()).orElse(PlayerEventType.SESSION_START)) {
                case PLAY, PLAYBACK_START -> QoeRules.STARTING;
                case PLAYING -> QoeRules.PLAYING;
                case BUFFERING -> QoeRules.REBUFFERING;
                case PAUSE -> QoeRules.PAUSED;
                case SEEK -> QoeRules.SEEKING;
                case CONTENT_END -> QoeRules.ENDED;
                case ERROR -> Boolean.TRUE.equals(event.fatal()) ? QoeRules.FATAL : null;
                default -> null;  // session_start, player_loaded, file_downloaded: no state
            };
            if (PlayerEventType.ERROR.wireName().equals(event.type())) {
                f.code(t, event.errorCode());
            }
            if (sta != null) {
                long playedMs = QoeRules.PLAYING.equals(sta)
                        ? Math.max(0, Math.round(Objects.requireNonNullElse(event.secondsPlayed(), 0.0) * 1000)) : 0;
                long at = t - Math.min(playedMs, MARK_SHIFT_MS);
                f.state(sta, at);
                Long br = event.bitrateKbps() == null ? null : Math.round(event.bitrateKbps());
                mark = new Mark(at, sta, false, null, event.type(), t, playedMs, br);
            }
        }
        if (mark != null && !marks.contains(mark)) {
            List<Mark> copy = new ArrayList<>(marks);
            copy.add(mark);
            copy.sort(MARK_ORDER);
            marks = List.copyOf(copy);
        }
        return new QoeState(s.accountId(), naming.content(), naming.contentTimeMs(), naming.contentType(),
                naming.contentTypeTimeMs(), deviceClass, os, browser, deviceId, deviceTimeMs, country,
                asn, asOrg, geoTimeMs, f.newest, s.settledBeforeMs(), f.intent, f.firstReport, f.active, f.firstPlaying,
                f.lastPlaying, f.lastFatal, f.end, f.msdTime, f.msd, f.codeTime, f.code, s.settledMark(), s.settledRunCounts(),
                s.settledPlayedMs(), s.settledRebufferMs(), s.settledRebuffers(), s.settledFlags(), marks);
    }

    /** The view's facts while an event is taken in: each only ever moves one way. */
    private static final class Facts {
        long newest;
        Long intent;
        Long firstReport;
        boolean active;
        Long firstPlaying;
        Long lastPlaying;
        Long lastFatal;
        Long end;
        Long msdTime;
        Long msd;
        Long codeTime;
        String code;

        Facts(QoeState s) {
            newest = s.newestEventMs();
            intent = s.intentMs();
            firstReport = s.firstReportMs();
            active = s.active();
            firstPlaying = s.firstPlayingMs();
            lastPlaying = s.lastPlayingMs();
            lastFatal = s.lastFatalMs();
            end = s.endMs();
            msdTime = s.msdTimeMs();
            msd = s.msd();
            codeTime = s.codeTimeMs();
            code = s.code();
        }

        void state(String sta, long t) {
            switch (sta) {
                case QoeRules.STARTING -> intent = min(intent, t);
                case QoeRules.PLAYING -> {
                    firstPlaying = min(firstPlaying, t);
                    lastPlaying = lastPlaying == null ? t : Math.max(lastPlaying, t);
                }
                case QoeRules.FATAL -> lastFatal = lastFatal == null ? t : Math.max(lastFatal, t);
                case QoeRules.ENDED, QoeRules.QUIT -> end = min(end, t);
                default -> {
                    // seeking, rebuffering, paused, waiting, preloading: no fact of the view
                }
            }
        }

        /** The latest error naming a code decides (a tie by the text, so that order never does). */
        void code(long t, String named) {
            if (named != null && (codeTime == null || t > codeTime || t == codeTime && named.compareTo(code) > 0)) {
                codeTime = t;
                code = named;
            }
        }
    }

    private static Long min(Long a, long b) {
        return a == null ? b : Math.min(a, b);
    }

    // ---- what the view counts ----------------------------------------------------------------------------------

    /**
     * The view's intent: its earliest {@code s} / play, else (a player that never says {@code s}) its first report once
     * active, else (a player that says no state at all: Shaka's release builds) its earliest report carrying {@code msd}.
     */
    static Long intent(QoeState s) {
        return s.intentMs() != null ? s.intentMs() : s.active() ? s.firstReportMs() : s.msdTimeMs();
    }

    /**
     * The view's first playing: its earliest {@code p} / playing, or its earliest report carrying {@code msd} if that
     * is earlier (an {@code msd} says the first frame came before the report; a player that sends states says
     * {@code p} before it, so there this is the {@code p}).
     */
    static Long firstPlaying(QoeState s) {
        return s.msdTimeMs() == null ? s.firstPlayingMs() : min(s.firstPlayingMs(), s.msdTimeMs());
    }

    /** The view's latest playing: its latest {@code p} / playing, else its earliest report carrying {@code msd}. */
    static Long lastPlaying(QoeState s) {
        return s.lastPlayingMs() != null ? s.lastPlayingMs() : s.msdTimeMs();
    }

    /** Whether the view failed: its latest fatal error has no playing after it. */
    static boolean failed(QoeState s) {
        Long lastPlaying = lastPlaying(s);
        return s.lastFatalMs() != null && (intent(s) != null || firstPlaying(s) != null)
                && (lastPlaying == null || lastPlaying < s.lastFatalMs());
    }

    /** The view's startup time: {@code msd} when sent, else intent → first playing; null when neither is known. */
    static Long startupMs(QoeState s) {
        if (s.msd() != null) {
            return Math.max(0, s.msd());
        }
        Long intent = intent(s);
        return intent != null && s.firstPlayingMs() != null && intent <= s.firstPlayingMs() ? s.firstPlayingMs() - intent : null;
    }

    /**
     * Whether the view said in what states it was (any mark, open or settled): a view known only by its {@code msd}
     * played, but nothing tells how smoothly.
     */
    static boolean hasStates(QoeState s) {
        return s.settledMark() != null || !s.marks().isEmpty();
    }

    /** The view's dimensions (an hour's): its content, device and network, and its error code if it failed. */
    private static QoeDimensions dimensions(QoeState s) {
        ContentDimensions c = s.naming().dimensions();
        return new QoeDimensions(c.contentId(), c.contentType(), c.property(), PlaybackRules.deviceClass(s.deviceClass()),
                s.os(), s.browser(), s.country(), s.asn(), s.asOrg(), failed(s) ? s.code() : null);
    }

    /** The view's open numbers per period (minutes with the minute's dimensions, hours with all), by key. */
    private Map<String, QoeCount> open(QoeState s) {
        Totals out = new Totals(s.accountId(), dimensions(s));
        Long intent = intent(s);
        Long firstPlaying = firstPlaying(s);
        boolean exists = intent != null || firstPlaying != null;
        if (!exists || PlaybackRules.isBot(s.deviceClass())) {
            return out.counts;  // a bot counts nothing; should an earlier event show a person, its numbers appear
        }
        out.add(intent != null ? intent : firstPlaying, true, c -> c.views++);
        Long startup = startupMs(s);
        if (startup != null && firstPlaying != null) {
            long at = firstPlaying;
            int bucket = QoeRules.startupBucket(startup);
            out.add(at, true, c -> {
                c.startups++;
                c.startupMsSum += startup;
                c.buckets.merge(bucket, 1L, Long::sum);
            });
        }
        boolean failed = failed(s);
        if (failed) {
            boolean beforeStart = firstPlaying == null;
            out.add(s.lastFatalMs(), true, c -> {
                c.failures++;
                if (beforeStart) {
                    c.startupFailures++;
                }
            });
        }
        Long exitMs = null;
        if (!failed && firstPlaying == null) {
            exitMs = s.endMs() != null ? Math.max(s.endMs(), intent) : s.newestEventMs() + IDLE_MS;
            out.add(exitMs, true, c -> c.exitsBeforeStart++);
        }
        Walk walk = walk(s.settledMark(), s.settledRunCounts(), s.marks(), firstPlaying);
        walk.minutes.forEach((start, sums) -> out.addSums(MINUTE, start, sums));
        walk.hours.forEach((start, sums) -> out.addSums(HOUR, start, sums));
        Set<String> flags = new TreeSet<>(s.settledFlags());
        flags.addAll(walk.flags);
        for (String flag : flags) {
            String[] parts = flag.split(":");
            long periodMs = Long.parseLong(parts[0]);
            boolean playing = QoeRules.PLAYING.equals(parts[2]);
            out.slot(periodMs, Long.parseLong(parts[1])).apply(c -> {
                if (playing) {
                    c.playingViews++;
                } else {
                    c.rebufferingViews++;
                }
            });
        }
        // the score: in the hour of the view's newest event (its end, so far), as Mux counts a view at its end
        QoeRules.Outcome outcome = failed ? QoeRules.Outcome.FAILED
                : firstPlaying != null ? QoeRules.Outcome.PLAYED : QoeRules.Outcome.EXITED_BEFORE_START;
        if (outcome != QoeRules.Outcome.EXITED_BEFORE_START || exitMs - intent >= QoeRules.EBVS_UNSCORED_BELOW.toMillis()) {
            long rebuffers = s.settledRebuffers() + walk.rebuffers;
            long rebufferMs = s.settledRebufferMs() + walk.rebufferMs;
            long playedMs = s.settledPlayedMs() + walk.playedMs;
            Long startupScored = outcome == QoeRules.Outcome.PLAYED ? startup : null;
            // a view that said no state (only its msd) has no smoothness: nothing tells whether it stalled
            Double smoothnessScore = hasStates(s) ? QoeRules.smoothnessScore(rebuffers, rebufferMs, playedMs) : null;
            long score = QoeRules.scaled(QoeRules.experienceScore(outcome, startupScored, smoothnessScore));
            long smoothness = smoothnessScore == null ? 0 : QoeRules.scaled(smoothnessScore);
            out.slot(HOUR, QoeCount.periodStart(HOUR, s.newestEventMs())).apply(c -> {
                c.scored++;
                c.scoreSum += score;
                c.successSum += QoeRules.scaled(outcome.successScore());
                if (startupScored != null) {
                    c.startupScored++;
                    c.startupScoreSum += QoeRules.scaled(QoeRules.startupScore(startupScored));
                }
                if (outcome == QoeRules.Outcome.PLAYED && smoothnessScore != null) {
                    c.smoothnessScored++;
                    c.smoothnessSum += smoothness;
                }
            });
        }
        return out.counts;
    }

    // ---- the timeline of marks ---------------------------------------------------------------------------------

    private static final int PLAYED_MS = 0;
    private static final int REBUFFER_MS = 1;
    private static final int REBUFFERS = 2;
    private static final int BITRATE_KBPS_MS = 3;
    private static final int BITRATE_MS = 4;

    /** What a run over marks found: sums per minute and hour, the periods played and rebuffered in, totals. */
    private static final class Walk {
        final Map<Long, long[]> minutes = new TreeMap<>();
        final Map<Long, long[]> hours = new TreeMap<>();
        final Set<String> flags = new HashSet<>();
        long playedMs;
        long rebufferMs;
        long rebuffers;
        Mark last;
        boolean runCounts;

        void add(long t, int field, long value) {
            minutes.computeIfAbsent(QoeCount.periodStart(MINUTE, t), m -> new long[5])[field] += value;
            hours.computeIfAbsent(QoeCount.periodStart(HOUR, t), h -> new long[5])[field] += value;
        }

        /** A stretch of playing or rebuffering, split at minute (and so hour) boundaries. */
        void stretch(long from, long to, boolean playing, Long br) {
            while (from < to) {
                long end = Math.min(to, QoeCount.periodStart(MINUTE, from) + MINUTE);
                long ms = end - from;
                add(from, playing ? PLAYED_MS : REBUFFER_MS, ms);
                if (playing && br != null && br > 0) {
                    add(from, BITRATE_KBPS_MS, br * ms);
                    add(from, BITRATE_MS, ms);
                }
                String kind = playing ? QoeRules.PLAYING : QoeRules.REBUFFERING;
                flags.add(MINUTE + ":" + QoeCount.periodStart(MINUTE, from) + ":" + kind);
                flags.add(HOUR + ":" + QoeCount.periodStart(HOUR, from) + ":" + kind);
                if (playing) {
                    playedMs += ms;
                } else {
                    rebufferMs += ms;
                }
                from = end;
            }
        }
    }

    /**
     * Runs over marks (in order) from the last settled one: each interval between two marks goes to the later
     * mark (CMCD playing: from a {@code p} to the next mark, at most {@link PlaybackRules#CMCD_MAX_GAP}; a counted
     * stall: from its {@code r} to the next mark, at most that or {@link QoeRules#PLAYER_STALL_MAX}), a
     * {@code playing} event's seconds to its own mark, and a rebuffer to the {@code r} that begins a stall — one
     * that comes after the first playing and not right after a seek {@code k}.
     */
    private static Walk walk(Mark from, boolean runCounts, List<Mark> marks, Long firstPlayingMs) {
        Walk w = new Walk();
        Mark prev = from;
        for (Mark m : marks) {
            if (prev != null) {
                if (QoeRules.PLAYING.equals(prev.sta()) && prev.cmcd()) {
                    w.stretch(prev.t(), Math.min(m.t(), prev.t() + CMCD_MAX_GAP_MS), true, prev.br());
                } else if (QoeRules.REBUFFERING.equals(prev.sta()) && runCounts) {
                    long cap = prev.cmcd() ? CMCD_MAX_GAP_MS : PLAYER_STALL_MAX_MS;
                    w.stretch(prev.t(), Math.min(m.t(), prev.t() + cap), false, null);
                }
            }
            if (QoeRules.REBUFFERING.equals(m.sta()) && (prev == null || !QoeRules.REBUFFERING.equals(prev.sta()))) {
                runCounts = firstPlayingMs != null && firstPlayingMs < m.t()
                        && (prev == null || !QoeRules.SEEKING.equals(prev.sta()));
                if (runCounts) {
                    w.add(m.t(), REBUFFERS, 1);
                    w.rebuffers++;
                }
            }
            if (!m.cmcd() && m.playedMs() > 0) {
                w.stretch(m.eventMs() - m.playedMs(), m.eventMs(), true, m.br());
            }
            prev = m;
        }
        w.last = prev;
        w.runCounts = runCounts;
        return w;
    }

    /**
     * Folds the marks older than {@code cutoff} less {@link #MARK_SHIFT_MS} into the settled part and drops them.
     * Numbers do not change: what leaves the open numbers is final (it was already sent), and the settled totals,
     * last mark and flags keep what the open marks and the score still need.
     */
    private static QoeState settle(QoeState s, long cutoff) {
        long markCutoff = cutoff - MARK_SHIFT_MS;
        List<Mark> settling = s.marks().stream().filter(m -> m.t() < markCutoff).toList();
        List<Mark> staying = s.marks().stream().filter(m -> m.t() >= markCutoff).toList();
        Walk w = walk(s.settledMark(), s.settledRunCounts(), settling, firstPlaying(s));
        Set<String> flags = new TreeSet<>(s.settledFlags());
        flags.addAll(w.flags);
        // a period wholly before the marks still open can no longer change: its flags are done
        List<String> stillOpen = flags.stream().filter(flag -> {
            String[] parts = flag.split(":");
            return Long.parseLong(parts[1]) + Long.parseLong(parts[0]) > markCutoff;
        }).toList();
        return new QoeState(s.accountId(), s.content(), s.contentTimeMs(), s.contentType(), s.contentTypeTimeMs(),
                s.deviceClass(), s.os(), s.browser(), s.deviceId(),
                s.deviceTimeMs(), s.country(), s.asn(), s.asOrg(), s.geoTimeMs(), s.newestEventMs(), cutoff, s.intentMs(),
                s.firstReportMs(), s.active(), s.firstPlayingMs(), s.lastPlayingMs(), s.lastFatalMs(), s.endMs(), s.msdTimeMs(),
                s.msd(), s.codeTimeMs(), s.code(), settling.isEmpty() ? s.settledMark() : w.last,
                settling.isEmpty() ? s.settledRunCounts() : w.runCounts, s.settledPlayedMs() + w.playedMs,
                s.settledRebufferMs() + w.rebufferMs, s.settledRebuffers() + w.rebuffers, stillOpen, staying);
    }

    // ---- numbers per period ------------------------------------------------------------------------------------

    /** One period's numbers while they are added up. */
    private static final class Sums {
        long views;
        long playingViews;
        long rebufferingViews;
        long playedMs;
        long rebufferMs;
        long rebuffers;
        long bitrateKbpsMs;
        long bitrateMs;
        long failures;
        long startupFailures;
        long exitsBeforeStart;
        long startups;
        long startupMsSum;
        final Map<Integer, Long> buckets = new TreeMap<>();
        long scored;
        long scoreSum;
        long successSum;
        long startupScored;
        long startupScoreSum;
        long smoothnessScored;
        long smoothnessSum;

        QoeCount count(String accountId, long periodMs, long periodStartMs, QoeDimensions dimensions) {
            return new QoeCount(accountId, periodMs, periodStartMs, dimensions, views, playingViews, rebufferingViews,
                    playedMs, rebufferMs, rebuffers, bitrateKbpsMs, bitrateMs, failures, startupFailures, exitsBeforeStart,
                    startups, startupMsSum, Map.copyOf(buckets), scored, scoreSum, successSum, startupScored, startupScoreSum,
                    smoothnessScored, smoothnessSum);
        }
    }

    /** A view's numbers per period: a minute under the minute's dimensions, an hour under all of them. */
    private static final class Totals {
        final String accountId;
        final QoeDimensions hourDimensions;
        final Map<String, Slot> slots = new LinkedHashMap<>();
        final Map<String, QoeCount> counts = new HashMap<>();

        Totals(String accountId, QoeDimensions dimensions) {
            this.accountId = accountId;
            this.hourDimensions = dimensions;
        }

        Slot slot(long periodMs, long startMs) {
            QoeDimensions dimensions = periodMs == MINUTE ? hourDimensions.minute() : hourDimensions;
            String key = periodMs + "|" + startMs;
            return slots.computeIfAbsent(key, k -> new Slot(this, periodMs, startMs, dimensions));
        }

        /** Adds to the minute and the hour of {@code t}. */
        void add(long t, boolean alsoMinute, java.util.function.Consumer<Sums> change) {
            if (alsoMinute) {
                slot(MINUTE, QoeCount.periodStart(MINUTE, t)).apply(change);
            }
            slot(HOUR, QoeCount.periodStart(HOUR, t)).apply(change);
        }

        void addSums(long periodMs, long start, long[] sums) {
            slot(periodMs, start).apply(c -> {
                c.playedMs += sums[PLAYED_MS];
                c.rebufferMs += sums[REBUFFER_MS];
                c.rebuffers += sums[REBUFFERS];
                c.bitrateKbpsMs += sums[BITRATE_KBPS_MS];
                c.bitrateMs += sums[BITRATE_MS];
            });
        }
    }

    private static final class Slot {
        final Totals totals;
        final long periodMs;
        final long startMs;
        final QoeDimensions dimensions;
        final Sums sums = new Sums();

        Slot(Totals totals, long periodMs, long startMs, QoeDimensions dimensions) {
            this.totals = totals;
            this.periodMs = periodMs;
            this.startMs = startMs;
            this.dimensions = dimensions;
        }

        void apply(java.util.function.Consumer<Sums> change) {
            change.accept(sums);
            QoeCount count = sums.count(totals.accountId, periodMs, startMs, dimensions);
            totals.counts.put(count.key(), count);
        }
    }

    /** What changed, per period and dimensions: the new numbers less the old (a move of dimensions is both). */
    private static List<QoeCount> difference(Map<String, QoeCount> before, Map<String, QoeCount> after) {
        Map<String, QoeCount> changes = new TreeMap<>();
        after.forEach((key, count) -> changes.put(key, count));
        before.forEach((key, count) -> changes.merge(key, count.negated(), (a, b) -> a.minus(count)));
        return changes.values().stream().filter(change -> !change.isZero())
                .sorted(Comparator.comparingLong(QoeCount::periodStartMs).thenComparing(QoeCount::key)).toList();
    }
}
