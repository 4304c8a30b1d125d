package liveccu.aggregator.playback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import liveccu.aggregator.playback.PlaybackState.CmcdReport;
import liveccu.aggregator.playback.PlaybackState.Playing;
import liveccu.aggregator.playback.PlaybackState.Reached;
import liveccu.model.ContentDimensions;
import liveccu.model.CountingRules;
import liveccu.model.PlaybackContent;
import liveccu.model.PlaybackCount;
import liveccu.model.PlaybackRules;
import liveccu.model.PlayerEvent;
import liveccu.model.PlayerEventType;
import liveccu.model.RetentionCount;

/**
 * Applies {@link PlaybackRules} to one playback, event by event: pure, no Kafka.
 *
 * <p>Why the counts do not depend on the order events arrive in: what an event can still change (the
 * playback's <em>open</em> counts: starts and streams of its open plays, its open downloads, the time of
 * its open playing) is recomputed from the kept events before and after it, and only the difference
 * goes out. The result is a function of the set of events, so duplicates (found by identity in the
 * kept events) change nothing and a late event lands where it would have in order. Once the newest
 * event is an open window ({@link PlaybackRules#openWindow}) ahead, older events are settled: folded into
 * the few values later events still need and dropped, and a copy of a settled event is refused.
 */
final class PlaybackLedger {

    private static final long ONCE_PER_MS = PlaybackRules.ONCE_PER.toMillis();
    private static final long CMCD_MAX_GAP_MS = PlaybackRules.CMCD_MAX_GAP.toMillis();
    private static final Comparator<String> SOURCE_ORDER = Comparator.nullsFirst(Comparator.naturalOrder());
    private static final Comparator<CmcdReport> REPORT_ORDER = Comparator.comparingLong(CmcdReport::t)
            .thenComparing(CmcdReport::sn, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(CmcdReport::e, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(CmcdReport::sta, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** What applying an event did. */
    sealed interface Outcome {
    }

    /**
     * The event was taken: the new state, the changes to the hours' totals and to the days' retention
     * buckets (none is fine).
     */
    record Counted(PlaybackState state, List<PlaybackCount> changes, List<RetentionCount> retention) implements Outcome {
    }

    /** A copy of an event already applied, or an event that counts nothing and changes nothing. */
    record Unchanged() implements Outcome {
    }

    /** Older than the playback's settled part: it can no longer be counted. */
    record Settled(long settledBeforeMs) implements Outcome {
    }

    private final long streamThresholdMs;
    private final long openWindowMs;
    private final UnaryOperator<String> deviceClassOf;

    /** @param deviceClassOf a user agent's device class (Yauaa's; null for none) */
    PlaybackLedger(PlaybackRules rules, CountingRules counting, UnaryOperator<String> deviceClassOf) {
        this.streamThresholdMs = rules.streamThreshold().toMillis();
        this.openWindowMs = PlaybackRules.openWindow(counting).toMillis();
        this.deviceClassOf = deviceClassOf;
    }

    Duration openWindow() {
        return Duration.ofMillis(openWindowMs);
    }

    Outcome apply(PlaybackState known, PlayerEvent event) {
        PlaybackState state = known == null ? PlaybackState.empty(event.accountId()) : known;
        if (event.eventTimeMs() < state.settledBeforeMs()) {
            return new Settled(state.settledBeforeMs());
        }
        PlaybackState next = withEvent(state, event);
        if (next.equals(state)) {
            return new Unchanged();
        }
        List<PlaybackCount> changes = difference(state.accountId(), open(state), open(next));
        List<RetentionCount> retention = retentionDifference(state.accountId(), openRetention(state), openRetention(next));
        long cutoff = next.newestEventMs() - openWindowMs;
        return new Counted(cutoff > next.settledBeforeMs() ? settle(next, cutoff) : next, changes, retention);
    }

    /** The state with the event in it (the same state for a duplicate or an event that counts nothing). */
    private PlaybackState withEvent(PlaybackState s, PlayerEvent event) {
        long t = event.eventTimeMs();
        // the earliest event naming a content decides it, the earliest carrying a content type that (PlaybackContent)
        PlaybackContent known = s.naming();
        PlaybackContent naming = known.with(event);
        String device = s.device();
        String deviceClass = s.deviceClass();
        Long deviceTimeMs = s.deviceTimeMs();
        if (event.userAgent() != null || event.ipHash() != null || event.deviceId() != null) {
            String named = PlaybackRules.device(event.deviceId(), event.userAgent(), event.ipHash());
            // the earliest event decides, as for the content; classified only then (in practice once a playback)
            if (deviceTimeMs == null || t < deviceTimeMs || t == deviceTimeMs && named.compareTo(device) < 0) {
                device = named;
                deviceClass = deviceClassOf.apply(event.userAgent());
                deviceTimeMs = t;
            }
        }
        String source = s.source();
        Long sourceTimeMs = s.sourceTimeMs();
        // the earliest event decides, as for the content (a tie by the text, nulls first)
        if (sourceTimeMs == null || t < sourceTimeMs || t == sourceTimeMs && SOURCE_ORDER.compare(event.source(), source) < 0) {
            source = event.source();
            sourceTimeMs = t;
        }
        List<Long> plays = s.plays();
        List<Long> downloads = s.downloads();
        List<Playing> playing = s.playing();
        List<CmcdReport> cmcd = s.cmcd();
        if (PlayerEvent.SOURCE_CMCD.equals(event.source())) {
            PlayerEvent.Cmcd report = event.cmcd();
            if (report != null && report.sta() != null) {
                CmcdReport added = new CmcdReport(t, "p".equals(report.sta()), report.e(), report.sta(), report.sn(),
                        event.positionS() == null ? null : Math.round(event.positionS() * 1000));
                if (cmcd.stream().noneMatch(added::sameAs)) {
                    cmcd = sortedWith(cmcd, added, REPORT_ORDER);
                    // a change of play state to playing is the CMCD player's real play
                    if ("ps".equals(report.e()) && added.playing() && !plays.contains(t)) {
                        plays = sortedWith(plays, t, Comparator.naturalOrder());
                    }
                }
            }
        } else {
            switch (PlayerEventType.fromWire(event.type()).orElse(PlayerEventType.SESSION_START)) {
                case PLAYBACK_START, PLAY -> {
                    if (!plays.contains(t)) {
                        plays = sortedWith(plays, t, Comparator.naturalOrder());
                    }
                }
                case FILE_DOWNLOADED -> {
                    if (!downloads.contains(t)) {
                        downloads = sortedWith(downloads, t, Comparator.naturalOrder());
                    }
                }
                case PLAYING -> {
                    Playing added = new Playing(t, Math.round(Objects.requireNonNullElse(event.secondsPlayed(), 0.0) * 1000),
                            event.positionS() == null ? -1 : Math.round(event.positionS() * 1000));
                    if (added.ms() > 0 && !playing.contains(added)) {
                        playing = sortedWith(playing, added, Comparator.comparingLong(Playing::t)
                                .thenComparingLong(Playing::ms).thenComparingLong(Playing::pos));
                    }
                }
                default -> {
                    // session_start, player_loaded, pause, buffering, seek, content_end: count nothing
                }
            }
        }
        boolean counts = plays != s.plays() || downloads != s.downloads() || playing != s.playing() || cmcd != s.cmcd();
        if (!counts && naming == known && Objects.equals(deviceTimeMs, s.deviceTimeMs())
                && Objects.equals(sourceTimeMs, s.sourceTimeMs()) && Objects.equals(source, s.source())) {
            return s;
        }
        return new PlaybackState(s.accountId(), naming.content(), naming.contentTimeMs(), naming.contentType(),
                naming.contentTypeTimeMs(), Math.max(s.newestEventMs(), t), s.settledBeforeMs(),
                s.startAnchorMs(), s.startAnchorPlayedMs(), plays, s.downloadAnchorMs(), downloads, playing,
                s.cmcdSettled(), cmcd, device, deviceClass, deviceTimeMs, source, sourceTimeMs, s.reached());
    }

    /**
     * What the playback's counts go under: its content's dimensions (with its content type: {@link PlaybackContent})
     * with its device class and source. A state written before those were dimensions keeps its open counts where they
     * went, under the content alone, until its next event: then they move (the same hour then has records under both
     * keys, summing right).
     */
    private static ContentDimensions dimensions(PlaybackState s) {
        ContentDimensions content = s.naming().dimensions();
        return s.sourceTimeMs() == null ? content : content.measured(PlaybackRules.deviceClass(s.deviceClass()), s.source());
    }

    /** The playback's counts that its open events can still change, per hour, under its content and device. */
    private Map<Slot, long[]> open(PlaybackState s) {
        Map<Slot, long[]> hours = new HashMap<>();
        if (PlaybackRules.isBot(s.deviceClass())) {
            return hours;  // a bot counts nothing; should an earlier event show a person, its counts appear
        }
        List<Piece> pieces = pieces(s);
        for (long start : counted(s.startAnchorMs(), s.plays())) {
            long[] hour = hour(hours, s, start);
            hour[START]++;
            if (played(pieces, start) >= streamThresholdMs) {
                hour[STREAM]++;
            }
        }
        if (s.startAnchorMs() != null && s.startAnchorPlayedMs() + played(pieces, s.startAnchorMs()) >= streamThresholdMs) {
            hour(hours, s, s.startAnchorMs())[STREAM]++;
        }
        for (long download : counted(s.downloadAnchorMs(), s.downloads())) {
            hour(hours, s, download)[DOWNLOAD]++;
        }
        for (Piece piece : pieces) {
            hour(hours, s, piece.t())[PLAYED_MS] += piece.ms();
        }
        return hours;
    }

    private static final int START = 0;
    private static final int STREAM = 1;
    private static final int PLAYED_MS = 2;
    private static final int DOWNLOAD = 3;

    /** One hour of one content on one device. */
    private record Slot(ContentDimensions content, String device, long hourStartMs) {
    }

    private static long[] hour(Map<Slot, long[]> hours, PlaybackState s, long t) {
        return hours.computeIfAbsent(new Slot(dimensions(s), s.device(), PlaybackCount.hourStart(t)), slot -> new long[4]);
    }

    /** Playing time in a start's 24 h. */
    private static long played(List<Piece> pieces, long start) {
        long sum = 0;
        for (Piece piece : pieces) {
            if (piece.t() >= start && piece.t() < start + ONCE_PER_MS) {
                sum += piece.ms();
            }
        }
        return sum;
    }

    /** The times that count under "once per 24 h": the earliest, then the earliest 24 h after the last counted… */
    private static List<Long> counted(Long anchorMs, List<Long> times) {
        List<Long> counted = new ArrayList<>();
        long next = anchorMs == null ? Long.MIN_VALUE : anchorMs + ONCE_PER_MS;
        for (long t : times) {
            if (t >= next) {
                counted.add(t);
                next = t + ONCE_PER_MS;
            }
        }
        return counted;
    }

    /** A stretch of playing time, at the time it started. */
    record Piece(long t, long ms) {
    }

    /** Playing time from {@code playing} events and from CMCD intervals (each split at hour boundaries). */
    private static List<Piece> pieces(PlaybackState s) {
        List<Piece> pieces = new ArrayList<>();
        s.playing().forEach(p -> pieces.add(new Piece(p.t(), p.ms())));
        CmcdReport previous = s.cmcdSettled();
        for (CmcdReport report : s.cmcd()) {
            if (previous != null && previous.playing()) {
                long from = previous.t();
                long to = from + Math.min(report.t() - from, CMCD_MAX_GAP_MS);
                while (from < to) {
                    long end = Math.min(to, PlaybackCount.hourStart(from) + PlaybackCount.HOUR_MS);
                    pieces.add(new Piece(from, end - from));
                    from = end;
                }
            }
            previous = report;
        }
        return pieces;
    }

    /**
     * Folds what is older than {@code cutoff} into the anchors and drops it. Counts do not change: what
     * leaves the open counts is final (it was already sent), and the new anchor keeps its start's
     * settled playing time, so whether it is a stream is decided exactly as before.
     */
    private static PlaybackState settle(PlaybackState s, long cutoff) {
        Long startAnchor = lastBefore(counted(s.startAnchorMs(), s.plays()), cutoff, s.startAnchorMs());
        long anchorPlayedMs = Objects.equals(startAnchor, s.startAnchorMs()) ? s.startAnchorPlayedMs() : 0;
        Long downloadAnchor = lastBefore(counted(s.downloadAnchorMs(), s.downloads()), cutoff, s.downloadAnchorMs());
        CmcdReport cmcdSettled = s.cmcdSettled();
        for (CmcdReport report : s.cmcd()) {
            if (report.t() < cutoff) {
                cmcdSettled = report;
            }
        }
        PlaybackState settled = new PlaybackState(s.accountId(), s.content(), s.contentTimeMs(), s.contentType(),
                s.contentTypeTimeMs(), s.newestEventMs(), cutoff,
                startAnchor, anchorPlayedMs, s.plays().stream().filter(t -> t >= cutoff).toList(),
                downloadAnchor, s.downloads().stream().filter(t -> t >= cutoff).toList(),
                s.playing().stream().filter(p -> p.t() >= cutoff).toList(),
                cmcdSettled, s.cmcd().stream().filter(r -> r.t() >= cutoff).toList(), s.device(), s.deviceClass(),
                s.deviceTimeMs(), s.source(), s.sourceTimeMs(), settleReached(s, cutoff));
        if (startAnchor == null) {
            return settled;
        }
        Map<Piece, Integer> remaining = new HashMap<>();
        pieces(settled).forEach(p -> remaining.merge(p, 1, Integer::sum));
        long leaving = 0;
        for (Piece piece : pieces(s)) {
            if (remaining.merge(piece, -1, Integer::sum) < 0 && piece.t() >= startAnchor && piece.t() < startAnchor + ONCE_PER_MS) {
                leaving += piece.ms();
            }
        }
        return new PlaybackState(settled.accountId(), settled.content(), settled.contentTimeMs(), settled.contentType(),
                settled.contentTypeTimeMs(), settled.newestEventMs(),
                cutoff, startAnchor, anchorPlayedMs + leaving, settled.plays(), downloadAnchor, settled.downloads(),
                settled.playing(), cmcdSettled, settled.cmcd(), s.device(), s.deviceClass(), s.deviceTimeMs(), s.source(),
                s.sourceTimeMs(), settled.reached());
    }

    /** One content's day of retention. */
    private record Day(String contentId, long dayStartMs) {
    }

    /**
     * The retention buckets the playback counts in, per content and day: those its settled and open
     * {@code playing} events and CMCD intervals covered, under its content, when that content has a timeline
     * and the playback has a start and is no bot (else none: should that change, the buckets appear or leave).
     */
    private static Map<Day, BitSet> openRetention(PlaybackState s) {
        Map<Day, BitSet> days = new HashMap<>();
        boolean started = s.startAnchorMs() != null || !s.plays().isEmpty();
        ContentDimensions content = s.naming().dimensions();
        if (!started || PlaybackRules.isBot(s.deviceClass()) || content.contentId() == null
                || !PlaybackRules.hasTimeline(content.contentType())) {
            return days;
        }
        for (Map.Entry<Long, BitSet> day : reached(s, Long.MAX_VALUE).entrySet()) {
            days.put(new Day(content.contentId(), day.getKey()), day.getValue());
        }
        return days;
    }

    /**
     * The buckets covered per day: the settled ones, those of the playing events before {@code beforeMs}, and
     * those of the CMCD intervals that end before it (an interval, like a playing event, counts in the day
     * of the event that ends it, and is settled with it).
     */
    private static Map<Long, BitSet> reached(PlaybackState s, long beforeMs) {
        Map<Long, BitSet> days = new HashMap<>();
        for (Reached day : s.reachedOrNone()) {
            days.put(day.day(), BitSet.valueOf(Base64.getDecoder().decode(day.bits())));
        }
        for (Playing p : s.playing()) {
            if (p.t() < beforeMs) {
                cover(days, p.t(), PlaybackRules.retentionBuckets(p.pos(), p.ms()));
            }
        }
        CmcdReport previous = s.cmcdSettled();
        for (CmcdReport report : s.cmcd()) {
            if (previous != null && previous.playing() && report.t() < beforeMs) {
                cover(days, report.t(), PlaybackRules.cmcdRetentionBuckets(previous.t(), previous.pos(), report.t(), report.pos()));
            }
            previous = report;
        }
        return days;
    }

    private static void cover(Map<Long, BitSet> days, long t, int[] buckets) {
        if (buckets != null) {
            days.computeIfAbsent(RetentionCount.dayStart(t), d -> new BitSet()).set(buckets[0], buckets[1] + 1);
        }
    }

    /**
     * The settled buckets once the events before {@code cutoff} are settled: theirs added, and the days
     * before the cutoff's dropped (no event of theirs can be taken any more).
     */
    private static List<Reached> settleReached(PlaybackState s, long cutoff) {
        long firstOpenDay = RetentionCount.dayStart(cutoff);
        return reached(s, cutoff).entrySet().stream()
                .filter(day -> day.getKey() >= firstOpenDay && !day.getValue().isEmpty())
                .sorted(Map.Entry.comparingByKey())
                .map(day -> new Reached(day.getKey(), Base64.getEncoder().encodeToString(day.getValue().toByteArray())))
                .toList();
    }

    /** What changed in the retention buckets: +1 for each bucket the playback now counts in, -1 for each it left. */
    private static List<RetentionCount> retentionDifference(String accountId, Map<Day, BitSet> before, Map<Day, BitSet> after) {
        List<RetentionCount> changes = new ArrayList<>();
        Set<Day> days = new TreeSet<>(Comparator.comparingLong(Day::dayStartMs).thenComparing(Day::contentId));
        days.addAll(before.keySet());
        days.addAll(after.keySet());
        for (Day day : days) {
            BitSet was = before.getOrDefault(day, new BitSet());
            BitSet is = after.getOrDefault(day, new BitSet());
            BitSet changed = (BitSet) was.clone();
            changed.xor(is);
            changed.stream().forEach(bucket -> changes.add(new RetentionCount(accountId, day.contentId(), day.dayStartMs(), bucket,
                    is.get(bucket) ? 1 : -1)));
        }
        return changes;
    }

    private static Long lastBefore(List<Long> times, long cutoff, Long otherwise) {
        Long last = otherwise;
        for (long t : times) {
            if (t < cutoff) {
                last = t;
            }
        }
        return last;
    }

    /** What changed, per hour, as changes to the hours' totals under the playback's content (before and after). */
    private static List<PlaybackCount> difference(String accountId, Map<Slot, long[]> before, Map<Slot, long[]> after) {
        // keyed by content and device too: when an earlier event names another, the open counts move to it
        Map<Slot, long[]> changes = new LinkedHashMap<>();
        after.forEach((slot, counts) -> changes.put(slot, counts.clone()));
        before.forEach((slot, counts) -> {
            long[] change = changes.computeIfAbsent(slot, s -> new long[4]);
            for (int i = 0; i < change.length; i++) {
                change[i] -= counts[i];
            }
        });
        return changes.entrySet().stream()
                .map(e -> new PlaybackCount(accountId, e.getKey().content(), e.getKey().hourStartMs(),
                        e.getValue()[START], e.getValue()[STREAM], e.getValue()[PLAYED_MS], e.getValue()[DOWNLOAD],
                        0, 0, null, e.getKey().device()))
                .filter(change -> !change.isZero())
                .sorted(Comparator.comparingLong(PlaybackCount::hourStartMs).thenComparing(PlaybackCount::key)
                        .thenComparing(PlaybackCount::device, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
    }

    private static <T> List<T> sortedWith(List<T> list, T added, Comparator<? super T> order) {
        List<T> copy = new ArrayList<>(list.size() + 1);
        copy.addAll(list);
        copy.add(added);
        copy.sort(order);
        return List.copyOf(copy);
    }
}
