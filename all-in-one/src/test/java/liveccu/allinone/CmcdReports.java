package liveccu.allinone;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import liveccu.model.PlaybackRules;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.Parser;

/**
 * CMCD v2 event reports as a real player sent them — each line of a request body an RFC 8941 dictionary — and what
 * docs/qoe.md makes of one view's reports, read from the definitions as written: the numbers the API must answer
 * for that view, computed from what the player said rather than from what the test made its origin do.
 */
final class CmcdReports {

    private static final long MAX_GAP_MS = PlaybackRules.CMCD_MAX_GAP.toMillis();

    private CmcdReports() {
    }

    /** One report: its keys with their values (an inner list as its first member, as the collector reads br and ec). */
    record Report(Map<String, Object> keys) {

        String e() {
            return text("e");
        }

        String sta() {
            return text("sta");
        }

        long ts() {
            return number("ts");
        }

        long sn() {
            return keys.containsKey("sn") ? number("sn") : -1;
        }

        Long msd() {
            return keys.containsKey("msd") ? number("msd") : null;
        }

        String ec() {
            return text("ec");
        }

        Long br() {
            return keys.containsKey("br") ? number("br") : null;
        }

        String st() {
            return text("st");
        }

        Long pt() {
            return keys.containsKey("pt") ? number("pt") : null;
        }

        private String text(String key) {
            Object value = keys.get(key);
            return value == null ? null : value.toString();
        }

        private long number(String key) {
            Object value = keys.get(key);
            if (value instanceof BigDecimal decimal) {
                return decimal.longValue();
            }
            return ((Number) value).longValue();
        }

        @Override
        public String toString() {
            return keys.toString();
        }
    }

    /** Every report line of the request bodies, in the order the player numbered them ({@code ts}, then {@code sn}). */
    static List<Report> parse(List<String> bodies) {
        List<Report> reports = new ArrayList<>();
        for (String body : bodies) {
            for (String line : body.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> keys = new LinkedHashMap<>();
                Parser.parseDictionary(line.strip()).get().forEach((key, element) -> keys.put(key, value(element)));
                reports.add(new Report(keys));
            }
        }
        reports.sort(Comparator.comparingLong(Report::ts).thenComparingLong(Report::sn));
        return reports;
    }

    private static Object value(ListElement<?> element) {
        Object value = element.get();
        if (value instanceof List<?> list) {
            return list.isEmpty() ? null : ((ListElement<?>) list.get(0)).get();
        }
        return value;
    }

    /**
     * One view's numbers as docs/qoe.md defines them from its CMCD reports (one view, all its reports in hand):
     *
     * @param views            1 when it had an intent (a report in state {@code s}, or — a player that never says
     *                         {@code s} — any report, once it reported a state other than {@code d}; or — a player that
     *                         says no state — its report carrying {@code msd}) or played
     * @param startups         1 when its startup time is known
     * @param startupMs        {@code msd} when it sent one, else intent → its first report in state {@code p}
     * @param playedMs         from each {@code p} report to the next report with a state (at most 2 min)
     * @param rebufferMs       from each {@code r} report that begins a counted stall (after the first playing, not
     *                         right after a seek {@code k}) to the next report with a state, through the stall's run
     * @param rebuffers        counted stalls
     * @param bitrateKbpsMs    playing time weighted by the {@code br} of the report that began it
     * @param failures         1 when its latest fatal error ({@code f}) has no playing after it
     * @param startupFailures  1 when that failure came before any playing
     * @param exitsBeforeStart 1 when it had an intent, never played and did not fail
     * @param errorCode        a failed view's code: its latest report with {@code ec}
     * @param played           whether it played: a report in state {@code p}, or one carrying {@code msd}
     * @param stated           whether it reported any state (else its smoothness is unknown)
     * @param streamType       its stream type: the {@code st} of its earliest report saying one ({@code l} → live,
     *                         {@code v} → vod; a tie to the smaller text), null when none did
     */
    record View(long views, long startups, long startupMs, long playedMs, long rebufferMs, long rebuffers,
                long bitrateKbpsMs, long bitrateMs, long failures, long startupFailures, long exitsBeforeStart,
                String errorCode, boolean played, boolean stated, String streamType) {
    }

    static View view(List<Report> reports) {
        List<Report> withState = reports.stream().filter(r -> r.sta() != null).toList();
        Report withMsd = reports.stream().filter(r -> r.msd() != null).findFirst().orElse(null);
        Long msdAt = withMsd == null ? null : withMsd.ts();
        // a report carrying msd proves the first frame came by then
        Long firstPlaying = withState.stream().filter(r -> "p".equals(r.sta())).map(Report::ts).min(Long::compare)
                .map(p -> msdAt == null ? p : Math.min(p, msdAt)).orElse(msdAt);
        Long lastPlaying = withState.stream().filter(r -> "p".equals(r.sta())).map(Report::ts).max(Long::compare).orElse(msdAt);
        Long lastFatal = withState.stream().filter(r -> "f".equals(r.sta())).map(Report::ts).max(Long::compare).orElse(null);
        Long intent = withState.stream().filter(r -> "s".equals(r.sta())).map(Report::ts).min(Long::compare)
                .orElse(withState.stream().anyMatch(r -> !"d".equals(r.sta())) ? reports.get(0).ts() : msdAt);
        boolean exists = intent != null || firstPlaying != null;
        Long msd = withMsd == null ? null : withMsd.msd();
        Long startup = msd != null ? msd : intent != null && firstPlaying != null ? firstPlaying - intent : null;
        boolean failed = exists && lastFatal != null && (lastPlaying == null || lastPlaying < lastFatal);

        long playedMs = 0;
        long rebufferMs = 0;
        long rebuffers = 0;
        long bitrateKbpsMs = 0;
        long bitrateMs = 0;
        boolean stallCounts = false;
        for (int i = 0; i < withState.size(); i++) {
            Report report = withState.get(i);
            Report previous = i == 0 ? null : withState.get(i - 1);
            if (previous != null) {
                long ms = Math.min(report.ts() - previous.ts(), MAX_GAP_MS);
                if ("p".equals(previous.sta())) {
                    playedMs += ms;
                    if (previous.br() != null && previous.br() > 0) {
                        bitrateKbpsMs += previous.br() * ms;
                        bitrateMs += ms;
                    }
                } else if ("r".equals(previous.sta()) && stallCounts) {
                    rebufferMs += ms;
                }
            }
            if ("r".equals(report.sta()) && (previous == null || !"r".equals(previous.sta()))) {
                stallCounts = firstPlaying != null && firstPlaying < report.ts() && (previous == null || !"k".equals(previous.sta()));
                if (stallCounts) {
                    rebuffers++;
                }
            }
        }
        String errorCode = failed ? reports.stream().filter(r -> r.ec() != null).reduce((a, b) -> b).map(Report::ec).orElse(null) : null;
        String st = reports.stream().filter(r -> r.st() != null).min(Comparator.comparingLong(Report::ts)
                .thenComparing(Report::st)).map(Report::st).orElse(null);
        String streamType = st == null ? null : "l".equals(st) ? "live" : "v".equals(st) ? "vod" : null;
        return new View(exists ? 1 : 0, startup != null && exists ? 1 : 0, startup == null || !exists ? 0 : startup,
                playedMs, rebufferMs, rebuffers, bitrateKbpsMs, bitrateMs, failed ? 1 : 0,
                failed && firstPlaying == null ? 1 : 0, exists && !failed && firstPlaying == null ? 1 : 0, errorCode,
                firstPlaying != null, !withState.isEmpty(), streamType);
    }
}
