package liveccu.aggregator.audio;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import liveccu.aggregator.audio.AudioState.Fetch;
import liveccu.aggregator.audio.AudioState.IabWindow;
import liveccu.aggregator.audio.AudioState.Range;
import liveccu.aggregator.audio.AudioState.Window;
import liveccu.model.AudioRules;
import liveccu.model.CdnRequest;
import liveccu.model.PlaybackCount;
import liveccu.model.PlaybackRules;

/**
 * Applies {@link AudioRules} to one device's requests for one content, request by request: pure, no Kafka.
 *
 * <p>As {@code PlaybackLedger} does for a playback, and for the same reason (CDN logs arrive late, out of
 * order and sometimes twice): what a request can still change — the windows of the open requests, their
 * streams, time and IAB downloads — is recomputed from the kept requests before and after it, and only
 * the difference goes out. The counts are a function of the set of requests: a copy (found by identity in
 * the kept requests) changes nothing, and a late request lands where it would have in order. Once the
 * newest request is {@link AudioRules#openWindow} ahead, older ones are settled: folded into the last window
 * of each rule and dropped; a request older than that is refused.
 */
final class AudioLedger {

    private static final long ONCE_PER_MS = AudioRules.ONCE_PER.toMillis();
    /** Requests in time order; in one millisecond a 206 before a 200, so that a start wins the tie on demand. */
    static final Comparator<Fetch> ORDER = Comparator.comparingLong(Fetch::t)
            .thenComparing(Fetch::status, Comparator.reverseOrder())
            .thenComparingLong(Fetch::bytes)
            .thenComparing(Fetch::rangeStart, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Fetch::rangeEnd, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Fetch::path, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** What applying a request did. */
    sealed interface Outcome {
    }

    /**
     * The request was taken: the new state, the changes to the hours' totals (none is fine), and what moved among
     * the open requests — the one added, and those older than the open window it settled (folded into the state).
     */
    record Counted(AudioState state, List<AudioChange> changes, Fetch added, List<Fetch> settled) implements Outcome {
    }

    /** A copy of a request already applied, or a request that counts nothing (a bot's, a HEAD, a 4xx…). */
    record Unchanged() implements Outcome {
    }

    /** Older than the settled part of its device and content: it can no longer be counted. */
    record Settled(long settledBeforeMs) implements Outcome {
    }

    private final AudioRules rules;
    private final AudioAgents agents;

    AudioLedger(AudioRules rules, AudioAgents agents) {
        this.rules = rules;
        this.agents = agents;
    }

    /**
     * @param known   the state of the request's device and content, null for none yet
     * @param content what the catalogue says of the content the request's path is
     */
    Outcome apply(AudioState known, CdnRequest request, AudioContent content) {
        if (known != null && request.timeMs() < known.settledBeforeMs()) {
            return new Settled(known.settledBeforeMs());
        }
        if (!mayCount(request)) {
            return new Unchanged();
        }
        AudioState state = known;
        if (state == null) {
            String ua = request.userAgent();
            AudioAgents.Agent agent = agents.of(ua);
            if (agent.bot()) {
                return new Unchanged();
            }
            state = AudioState.empty(request.accountId(), PlaybackRules.device(null, ua, request.ipHash()), agent.app(), content);
        }
        Fetch fetch = Fetch.of(request);
        if (state.fetches().contains(fetch)) {
            return new Unchanged();
        }
        List<Fetch> fetches = new ArrayList<>(state.fetches());
        fetches.add(fetch);
        fetches.sort(ORDER);
        AudioState next = new AudioState(state.accountId(), state.device(), state.app(), content,
                Math.max(state.newestMs(), fetch.t()), state.settledBeforeMs(), state.window(), state.iabWindow(),
                List.copyOf(fetches));
        List<AudioChange> changes = difference(next, open(state), open(next));
        long cutoff = next.newestMs() - rules.openWindow().toMillis();
        if (cutoff <= next.settledBeforeMs()) {
            return new Counted(next, changes, fetch, List.of());
        }
        if (fetches.get(0).t() >= cutoff) {
            // the bound moves with the newest request, but no request leaves: the windows stay as they are
            return new Counted(new AudioState(next.accountId(), next.device(), next.app(), next.content(), next.newestMs(),
                    cutoff, next.window(), next.iabWindow(), next.fetches()), changes, fetch, List.of());
        }
        return new Counted(settle(next, cutoff), changes, fetch, fetches.stream().filter(f -> f.t() < cutoff).toList());
    }

    /** Yauaa's device class of a user agent (asked at every counted request: {@link AudioAgents} keeps the answers). */
    String deviceClass(String ua) {
        return agents.of(ua).deviceClass();
    }

    /** Whether either rule may take the request: a {@code GET} answered 200 or 206 (nothing else is ever kept). */
    static boolean mayCount(CdnRequest request) {
        return "GET".equals(request.method()) && (request.status() == 200 || request.status() == 206);
    }

    private static final int START = 0;
    private static final int STREAM = 1;
    private static final int PLAYED_MS = 2;
    private static final int DOWNLOAD = 3;
    private static final int IAB_DOWNLOAD = 4;

    /** One hour of one content (a newer request may bring the content's catalogue entry changed). */
    private record Slot(AudioContent content, long hourStartMs) {
    }

    /**
     * Requests grouped under "once per 24 h": the earliest starts a window, the earliest at least 24 h after
     * it starts the next, and so on. The first window may be the settled one ({@code first} null).
     */
    private record Group(long anchorMs, Fetch first, List<Fetch> members) {
    }

    private static List<Group> groups(Long settledAnchorMs, List<Fetch> fetches) {
        List<Group> groups = new ArrayList<>();
        Group current = settledAnchorMs == null ? null : new Group(settledAnchorMs, null, new ArrayList<>());
        if (current != null) {
            groups.add(current);
        }
        for (Fetch fetch : fetches) {
            if (current == null || fetch.t() >= current.anchorMs() + ONCE_PER_MS) {
                current = new Group(fetch.t(), fetch, new ArrayList<>());
                groups.add(current);
            }
            current.members().add(fetch);
        }
        return groups;
    }

    /** The counts the open requests can still change, per content and hour. */
    private Map<Slot, long[]> open(AudioState s) {
        Map<Slot, long[]> hours = new HashMap<>();
        AudioContent content = s.content();
        Window settled = s.window();
        for (Group group : groups(settled == null ? null : settled.anchorMs(), counted(s))) {
            boolean start = group.first() == null ? settled.start()
                    : kind(content, group.first()) == AudioRules.Kind.START;
            long[] anchorHour = hour(hours, content, group.anchorMs());
            if (group.first() != null) {
                anchorHour[start ? START : DOWNLOAD]++;
            }
            if (start && rules.isStream(sentBytes(group.first() == null ? settled : null, group.members()), content.bitrateKbps())) {
                anchorHour[STREAM]++;
            }
            if (start) {  // a download is not listening: its bytes are no time
                for (Fetch fetch : group.members()) {
                    hour(hours, content, fetch.t())[PLAYED_MS] += AudioRules.contentMs(fetch.bytes(), content.bitrateKbps());
                }
            }
        }
        IabWindow iab = s.iabWindow();
        for (Group group : groups(iab == null ? null : iab.anchorMs(), iabFetches(s))) {
            List<Range> ranges = union(group.first() == null ? iab.ranges() : List.of(), group.members());
            if (afterTag(ranges, content.id3Bytes()) >= AudioRules.iabMinBytes(content.bitrateKbps())) {
                hour(hours, content, group.anchorMs())[IAB_DOWNLOAD]++;
            }
        }
        return hours;
    }

    private AudioRules.Kind kind(AudioContent content, Fetch fetch) {
        return rules.counts("GET", fetch.status(), fetch.bytes(), content.contentType());
    }

    /** The requests the start/download rule counts. */
    private List<Fetch> counted(AudioState s) {
        return s.fetches().stream().filter(f -> kind(s.content(), f) != AudioRules.Kind.NOTHING).toList();
    }

    /** The requests the IAB count takes. */
    private static List<Fetch> iabFetches(AudioState s) {
        return s.fetches().stream()
                .filter(f -> AudioRules.iabCounts("GET", f.status(), f.rangeStart(), f.rangeEnd(), s.content().contentType()))
                .toList();
    }

    private static long sentBytes(Window settled, List<Fetch> members) {
        long bytes = settled == null ? 0 : settled.settledBytes();
        for (Fetch fetch : members) {
            bytes += fetch.bytes();
        }
        return bytes;
    }

    /** The union of settled ranges and the requests' ranges: disjoint, in file order (touching ones merged). */
    private static List<Range> union(List<Range> settled, List<Fetch> fetches) {
        List<Range> all = new ArrayList<>(settled);
        for (Fetch fetch : fetches) {
            long[] range = AudioRules.iabRange(fetch.status(), fetch.bytes(), fetch.rangeStart(), fetch.rangeEnd());
            if (range != null) {
                all.add(new Range(range[0], range[1]));
            }
        }
        all.sort(Comparator.comparingLong(Range::first).thenComparingLong(Range::last));
        List<Range> merged = new ArrayList<>();
        for (Range range : all) {
            Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range.first() <= last.last() + 1) {
                merged.set(merged.size() - 1, new Range(last.first(), Math.max(last.last(), range.last())));
            } else {
                merged.add(range);
            }
        }
        return List.copyOf(merged);
    }

    /** How many bytes of disjoint ranges lie at or after {@code offset} (the end of the ID3 tag). */
    private static long afterTag(List<Range> ranges, long offset) {
        long bytes = 0;
        for (Range range : ranges) {
            bytes += Math.max(0, range.last() - Math.max(range.first(), offset) + 1);
        }
        return bytes;
    }

    private static long[] hour(Map<Slot, long[]> hours, AudioContent content, long t) {
        return hours.computeIfAbsent(new Slot(content, PlaybackCount.hourStart(t)), slot -> new long[5]);
    }

    /**
     * Folds the requests before {@code cutoff} into the last window of each rule anchored before it and
     * drops them. Counts do not change: earlier windows are final (already sent), and the last one keeps
     * what its settled requests sent, so its stream and IAB download are decided exactly as before.
     */
    private AudioState settle(AudioState s, long cutoff) {
        Predicate<Fetch> settling = fetch -> fetch.t() < cutoff;
        Window window = s.window();
        for (Group group : groups(window == null ? null : window.anchorMs(), counted(s))) {
            if (group.anchorMs() < cutoff) {
                List<Fetch> leaving = group.members().stream().filter(settling).toList();
                window = group.first() == null
                        ? new Window(window.anchorMs(), window.start(), sentBytes(window, leaving))
                        : new Window(group.anchorMs(), kind(s.content(), group.first()) == AudioRules.Kind.START,
                                sentBytes(null, leaving));
            }
        }
        IabWindow iab = s.iabWindow();
        for (Group group : groups(iab == null ? null : iab.anchorMs(), iabFetches(s))) {
            if (group.anchorMs() < cutoff) {
                List<Fetch> leaving = group.members().stream().filter(settling).toList();
                iab = new IabWindow(group.anchorMs(), union(group.first() == null ? iab.ranges() : List.of(), leaving));
            }
        }
        return new AudioState(s.accountId(), s.device(), s.app(), s.content(), s.newestMs(), cutoff, window, iab,
                s.fetches().stream().filter(settling.negate()).toList());
    }

    /** What changed, per content and hour: the open counts after minus before. */
    private static List<AudioChange> difference(AudioState s, Map<Slot, long[]> before, Map<Slot, long[]> after) {
        Map<Slot, long[]> changes = new LinkedHashMap<>();
        after.forEach((slot, counts) -> changes.put(slot, counts.clone()));
        before.forEach((slot, counts) -> {
            long[] change = changes.computeIfAbsent(slot, k -> new long[5]);
            for (int i = 0; i < change.length; i++) {
                change[i] -= counts[i];
            }
        });
        List<AudioChange> list = new ArrayList<>();
        changes.forEach((slot, c) -> {
            if (c[START] != 0 || c[STREAM] != 0 || c[PLAYED_MS] != 0 || c[DOWNLOAD] != 0 || c[IAB_DOWNLOAD] != 0) {
                list.add(new AudioChange(s.accountId(), slot.content(), s.app(), s.device(), slot.hourStartMs(),
                        c[START], c[STREAM], c[PLAYED_MS], c[DOWNLOAD], c[IAB_DOWNLOAD]));
            }
        });
        list.sort(Comparator.comparingLong(AudioChange::hourStartMs)
                .thenComparing(change -> change.content().toString()));
        return list;
    }
}
