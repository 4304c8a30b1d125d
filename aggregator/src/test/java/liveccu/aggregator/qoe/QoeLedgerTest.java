package liveccu.aggregator.qoe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import liveccu.aggregator.playback.DeviceClassifier;
import liveccu.model.CountingRules;
import liveccu.model.JsonSerde;
import liveccu.model.PlayerEvent;
import liveccu.model.QoeCount;
import liveccu.model.QoeRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The QoE of one view from its events ({@link QoeLedger}), as a table: each row a view as hls.js, Shaka or the
 * platform's player reports it, and its numbers; every row also in 30 shuffled orders with every event twice.
 *
 * <p>Events: CMCD reports {@code STA@MS} (a play-state report {@code e=ps}), {@code t:STA@MS} (a time-interval
 * report), {@code e:STA@MS} (an error report), {@code t:-@MS} (a time-interval report without a state), with
 * {@code +msd=N} or {@code +ec=CODE}; player events {@code TYPE@MS}, {@code playing@MS/SECONDS}, {@code error!@MS:CODE} (fatal),
 * {@code error@MS:CODE}.
 */
class QoeLedgerTest {

    private static final long T0 = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final QoeLedger LEDGER = new QoeLedger(CountingRules.defaults(),
            ua -> new DeviceClassifier.Device("Desktop", "Windows", "Chrome"));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            // why; events; views, startups, startup ms, played ms, rebuffers, rebuffer ms, failures, startup failures, exits before start
            "hls.js: starting, then playing after 1.2 s;             s@0 t:s@2 p@1200 t:p@30000;                        1,1,1200,28800,0,0,0,0,0",
            "hls.js: r right after a seek is no rebuffer;            s@0 t:s@2 p@1000 k@10000 r@10010 p@11000 t:p@30000; 1,1,1000,28000,0,0,0,0,0",
            "hls.js: a held segment is one rebuffer, t reports too;  s@0 t:s@2 p@1000 r@10000 t:r@30000 p@33500 t:p@60000; 1,1,1000,35500,1,23500,0,0,0",
            "hls.js: a pause is neither playing nor rebuffering;     s@0 t:s@2 p@1000 a@10000 t:a@30000 p@40000 t:p@50000; 1,1,1000,19000,0,0,0,0,0",
            "hls.js: preloaded, then started by a click;             d@0 t:d@1 t:d@30000 s@40000 p@41500 t:p@60000;     1,1,1500,18500,0,0,0,0,0",
            "hls.js: loadSource() before attachMedia(): t first;     t:-@0 d@1 t:d@30000 s@40000 p@41500 t:p@60000;     1,1,1500,18500,0,0,0,0,0",
            "hls.js: a manifest 404 is a video startup failure;      s@0 t:s@1 f@14 e:f@15+ec=manifestLoadError;        1,0,0,0,0,0,1,1,0",
            "hls.js: a fatal error after playing is a failure;       s@0 t:s@2 p@1000 t:p@30000 f@45000 e:f@45000+ec=fragLoadError; 1,1,1000,44000,0,0,1,0,0",
            "CMCD: quit before the first frame (hls.js never says q); s@0 t:s@30000 q@35000;                            1,0,0,0,0,0,0,0,1",
            "hls.js: silent before the first frame: an exit;         s@0 t:s@1;                                         1,0,0,0,0,0,0,0,1",
            "hls.js: preloaded and never started: no view;           d@0 t:d@1 t:d@30000 t:d@60000;                     0,0,0,0,0,0,0,0,0",
            "Shaka: r before the first p is startup, msd its time;   t:-@0 r@100 p@1800 t:p@30000+msd=1750;             1,1,1750,28200,0,0,0,0,0",
            "Shaka (debug build) as measured: msd on the stall's r;  t:-@0 r@7 p@1044 r@5486+msd=1037 p@8645 e@13784 a@13786 e@13790; 1,1,1037,9581,1,3159,0,0,0",
            "Shaka: f and e in a stall, then playing: no failure;    t:-@0 p@1000 r@10000 f@12000 e:f@12000 p@14000 t:p@30000; 1,1,1000,25000,1,2000,0,0,0",
            "Shaka: a load that fails: a startup failure;            t:-@0 r@200 f@3000 e:f@3000;                       1,0,0,0,0,0,1,1,0",
            "Shaka: ended;                                           t:-@0 r@100 p@1500 e@20000+msd=1400;               1,1,1400,18500,0,0,0,0,0",
            "Shaka (release build): no state, msd once: it played;   t:-@0 t:-@30000+msd=1750 t:-@60000;                1,1,1750,0,0,0,0,0,0",
            "Shaka (release build) closed before its msd: unknown;   t:-@0;                                             0,0,0,0,0,0,0,0,0",
            "player: play, then playing 8 s of 10: a 2 s startup;    play@0 playing@10000/8;                            1,1,2000,8000,0,0,0,0,0",
            "player: buffering to the next playing is a rebuffer;    play@0 playing@10000/8 buffering@15000 playing@20000/2; 1,1,2000,10000,1,3000,0,0,0",
            "player: the stall after a seek is none;                 play@0 playing@10000/8 seek@12000 buffering@12100 playing@15000/2; 1,1,2000,10000,0,0,0,0,0",
            "player: a fatal error with nothing after is a failure;  play@0 playing@10000/8 error!@20000:NET-1;          1,1,2000,8000,0,0,1,0,0",
            "player: a recoverable error changes nothing;            play@0 playing@10000/8 error@11000:NET-2 playing@20000/9; 1,1,2000,17000,0,0,0,0,0",
            "player: playing with no play is a view, no startup;     playing@10000/10;                                  1,0,0,10000,0,0,0,0,0",
            "player: a play and content_end: an exit;                play@0 content_end@4000;                           1,0,0,0,0,0,0,0,1",
    })
    void aViewsNumbersAreAFunctionOfItsEvents(String why, String events, String expected) {
        List<PlayerEvent> view = parse("view", events);
        Map<String, QoeCount> inOrder = totals(view);
        assertEquals(expected, summary(inOrder), why);

        Random random = new Random(24);
        for (int round = 0; round < 30; round++) {
            List<PlayerEvent> shuffled = new ArrayList<>(view);
            shuffled.addAll(view);
            Collections.shuffle(shuffled, random);
            assertEquals(inOrder, totals(shuffled), why + ": order " + round);
        }
    }

    @Test
    void aCopyChangesNothingAndASettledCopyIsRefused() {
        List<PlayerEvent> view = new ArrayList<>(parse("long", "s@0 p@1000"));
        for (long t = 30_000; t <= 2 * QoeCount.HOUR_MS; t += 30_000) {
            view.add(parse("long", "t:p@" + t).get(0));
        }
        QoeState state = null;
        for (PlayerEvent event : view) {
            state = ((QoeLedger.Counted) LEDGER.apply(state, event)).state();
        }
        assertInstanceOf(QoeLedger.Unchanged.class, LEDGER.apply(state, view.get(view.size() - 1)));
        assertInstanceOf(QoeLedger.Settled.class, LEDGER.apply(state, view.get(0)));
        // the state holds its open window of reports, and its settled totals
        assertTrue(state.marks().size() <= (LEDGER.openWindow().toMillis() + QoeLedger.MARK_SHIFT_MS) / 30_000 + 2,
                state.marks().size() + " marks kept");
        assertTrue(state.settledPlayedMs() > QoeCount.HOUR_MS, state.settledPlayedMs() + " ms settled");
        Map<String, QoeCount> totals = totals(view);
        long played = totals.values().stream().filter(c -> c.periodMs() == QoeCount.HOUR_MS).mapToLong(QoeCount::playedMs).sum();
        assertEquals(2 * QoeCount.HOUR_MS - 1_000, played);
    }

    @Test
    void aViewKnownOnlyByItsMsdStartsAndPlaysAtThatReportAndScoresItsStartupAlone() {
        // Shaka's release build: t reports without a state, every 30 s from configure(); msd on the first after the
        // first frame (here the page waited 70 s to load: the intent is the report's, not the page's first)
        Map<String, QoeCount> totals = totals(parse("release", "t:-@0 t:-@30000 t:-@70000+msd=1750 t:-@100000"));
        QoeCount firstMinute = totals.values().stream().filter(c -> c.periodMs() == QoeCount.MINUTE_MS
                && c.periodStartMs() == T0).findFirst().orElse(null);
        assertEquals(null, firstMinute, "nothing before the report with msd");
        QoeCount minute = totals.values().stream().filter(c -> c.periodMs() == QoeCount.MINUTE_MS).findFirst().orElseThrow();
        assertEquals(List.of(T0 + 60_000, 1L, 1L, 1_750L, 0L, 0L), List.of(minute.periodStartMs(), minute.views(),
                minute.startups(), minute.startupMsSum(), minute.playingViews(), minute.playedMs()));
        QoeCount hour = totals.values().stream().filter(c -> c.periodMs() == QoeCount.HOUR_MS).findFirst().orElseThrow();
        assertEquals(List.of(1L, 0L, 0L, 0L), List.of(hour.views(), hour.failures(), hour.exitsBeforeStart(), hour.rebuffers()));
        // played (success 100), its startup scored, no smoothness: its reports cannot tell one
        assertEquals(List.of(1L, QoeRules.scaled(QoeRules.startupScore(1_750)), QoeRules.scaled(100), 1L, 0L),
                List.of(hour.scored(), hour.scoreSum(), hour.successSum(), hour.startupScored(), hour.smoothnessScored()));
    }

    @Test
    void aViewsStreamTypeIsItsEarliestReportThatSaysOneWhateverTheOrder() {
        // hls.js with autoplay: ps s and t s before the playlist (no st), st=l from its first frame on
        List<PlayerEvent> view = new ArrayList<>(parse("hls", "s@0 t:s@2 p@225 t:p@30000 r@40000 p@43000 t:p@60000"));
        view.set(0, withStreamType(view.get(0), null));
        view.set(1, withStreamType(view.get(1), null));
        Map<String, QoeCount> inOrder = totals(view);
        assertEquals(Map.of("live", 1L), viewsByStreamType(inOrder));
        assertTrue(inOrder.values().stream().allMatch(c -> "live".equals(c.dimensions().streamType())), inOrder.keySet().toString());

        Random random = new Random(24);
        for (int round = 0; round < 30; round++) {
            List<PlayerEvent> shuffled = new ArrayList<>(view);
            shuffled.addAll(view);
            Collections.shuffle(shuffled, random);
            assertEquals(inOrder, totals(shuffled), "order " + round);
        }
        // a report of the same millisecond saying another type: the smaller text wins, in either order
        List<PlayerEvent> tie = new ArrayList<>(view);
        tie.add(withStreamType(parse("hls", "t:p@225").get(0), "vod"));
        assertEquals(Map.of("live", 1L), viewsByStreamType(totals(tie)));
        Collections.reverse(tie);
        assertEquals(Map.of("live", 1L), viewsByStreamType(totals(tie)));
    }

    @Test
    void aViewWrittenBeforeTheStreamTypeRuleKeepsItsAndAnOpenOneWithoutMovesToItsNextReportsType() {
        JsonSerde<QoeState> serde = new JsonSerde<>(QoeState.class);
        // two views as the aggregator kept them before: one whose first report named the content with st, one without
        List<PlayerEvent> said = parse("said", "s@0 p@1000");
        List<PlayerEvent> unsaid = parse("unsaid", "s@0 p@1000").stream().map(e -> withStreamType(e, null)).toList();
        for (List<PlayerEvent> view : List.of(said, unsaid)) {
            QoeState now = null;
            for (PlayerEvent event : view) {
                now = ((QoeLedger.Counted) LEDGER.apply(now, event)).state();
            }
            String json = new String(serde.serializer().serialize("t", now), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"contentTypeTimeMs\"") && !json.contains("naming"), json);
            String before = json.replaceAll(",\"contentType\":(null|\"[a-z]+\"),\"contentTypeTimeMs\":(null|[0-9]+)", "");
            assertTrue(!before.contains("contentType\""), before);
            QoeState written = serde.deserializer().deserialize("t", before.getBytes(StandardCharsets.UTF_8));

            // its next report, with st=l: the same numbers as for a view kept since the upgrade
            PlayerEvent next = parse(view.get(0).playbackId(), "t:p@30000").get(0);
            QoeLedger.Counted fromWritten = (QoeLedger.Counted) LEDGER.apply(written, next);
            QoeLedger.Counted fromNow = (QoeLedger.Counted) LEDGER.apply(now, next);
            if (view == said) {
                // its stream type was its content's: nothing moves
                assertEquals(fromNow.changes(), fromWritten.changes());
                assertTrue(fromWritten.changes().stream().allMatch(c -> "live".equals(c.dimensions().streamType())));
            } else {
                // it had none: its open numbers (all of them, here) move from no stream type to live
                assertEquals(fromNow.changes(), fromWritten.changes());
                assertEquals(-1, fromWritten.changes().stream().filter(c -> c.dimensions().streamType() == null
                        && c.periodMs() == QoeCount.HOUR_MS).mapToLong(QoeCount::views).sum());
                assertEquals(1, fromWritten.changes().stream().filter(c -> "live".equals(c.dimensions().streamType())
                        && c.periodMs() == QoeCount.HOUR_MS).mapToLong(QoeCount::views).sum());
            }
            assertEquals(fromNow.state(), fromWritten.state());
        }
    }

    private static Map<String, Long> viewsByStreamType(Map<String, QoeCount> totals) {
        Map<String, Long> views = new TreeMap<>();
        totals.values().stream().filter(c -> c.periodMs() == QoeCount.HOUR_MS && c.views() != 0)
                .forEach(c -> views.merge(String.valueOf(c.dimensions().streamType()), c.views(), Long::sum));
        return views;
    }

    /** The event saying this stream type (CMCD {@code st}: l → live, v → vod), or none. */
    private static PlayerEvent withStreamType(PlayerEvent e, String type) {
        PlayerEvent.Cmcd c = e.cmcd();
        String st = type == null ? null : type.substring(0, 1);
        return new PlayerEvent(e.source(), e.type(), e.accountId(), e.playbackId(), e.eventTimeMs(), e.receivedAtMs(),
                e.contentId(), type, e.property(), e.referrerDomain(), e.deviceId(), e.category(), e.distributor(),
                e.producer(), e.show(), e.zone(), e.secondsPlayed(), e.positionS(), e.userAgent(), e.ipHash(),
                new PlayerEvent.Cmcd(c.jobId(), c.e(), c.sta(), c.heartbeat(), c.sessionId(), c.sn(), c.br(), c.bl(), c.sf(), st,
                        c.v(), c.msd(), c.ec(), c.bs()),
                e.country(), e.asn(), e.asOrg(), e.bitrateKbps(), e.errorCode(), e.fatal());
    }

    /** views, startups, startup ms, played ms, rebuffers, rebuffer ms, failures, startup failures, exits, over its hours. */
    private static String summary(Map<String, QoeCount> totals) {
        long[] sum = new long[9];
        for (QoeCount c : totals.values()) {
            if (c.periodMs() != QoeCount.HOUR_MS) {
                continue;
            }
            long[] row = {c.views(), c.startups(), c.startupMsSum(), c.playedMs(), c.rebuffers(), c.rebufferMs(), c.failures(),
                    c.startupFailures(), c.exitsBeforeStart()};
            for (int i = 0; i < sum.length; i++) {
                sum[i] += row[i];
            }
        }
        StringBuilder text = new StringBuilder();
        for (long n : sum) {
            text.append(text.isEmpty() ? "" : ",").append(n);
        }
        return text.toString();
    }

    /** The totals per key after applying the events in this order. */
    static Map<String, QoeCount> totals(List<PlayerEvent> events) {
        Map<String, QoeState> states = new TreeMap<>();
        Map<String, QoeCount> totals = new TreeMap<>();
        for (PlayerEvent event : events) {
            QoeLedger.Outcome outcome = LEDGER.apply(states.get(event.playbackId()), event);
            if (outcome instanceof QoeLedger.Counted counted) {
                states.put(event.playbackId(), counted.state());
                for (QoeCount change : counted.changes()) {
                    totals.merge(change.key(), change, QoeCount::plus);
                }
            }
        }
        totals.values().removeIf(QoeCount::isZero);
        return totals;
    }

    static List<PlayerEvent> parse(String playbackId, String events) {
        List<PlayerEvent> parsed = new ArrayList<>();
        long sn = 0;
        for (String token : events.trim().split("\\s+")) {
            String[] extra = token.split("\\+");
            String[] at = extra[0].split("@");
            String what = at[0];
            String[] timeAndMore = at[1].split("[/:]");
            long t = T0 + Long.parseLong(timeAndMore[0]);
            Long msd = null;
            String ec = null;
            for (int i = 1; i < extra.length; i++) {
                if (extra[i].startsWith("msd=")) {
                    msd = Long.parseLong(extra[i].substring(4));
                } else if (extra[i].startsWith("ec=")) {
                    ec = extra[i].substring(3);
                }
            }
            boolean player = what.length() > 1 && !what.contains(":");
            if (player) {
                boolean fatal = what.endsWith("!");
                String type = fatal ? what.substring(0, what.length() - 1) : what;
                Double seconds = at[1].contains("/") ? Double.valueOf(timeAndMore[1]) : null;
                String code = at[1].contains(":") ? at[1].substring(at[1].indexOf(':') + 1) : null;
                parsed.add(new PlayerEvent("player", type, "acc", playbackId, t, t + 500, "match-9", "live", "web", null, null,
                        null, null, null, null, null, seconds, null, "UA", "ip", null, "DE", 3320L, "DTAG", 3000.0,
                        "error".equals(type) ? code : null, "error".equals(type) ? fatal : null));
            } else {
                String e = what.contains(":") ? what.substring(0, what.indexOf(':')) : "ps";
                String sta = what.contains(":") ? what.substring(what.indexOf(':') + 1) : what;
                parsed.add(new PlayerEvent("cmcd", "cmcd", "acc", playbackId, t, t + 500, "match-9", "live", "Others", null,
                        null, null, null, null, null, null, null, null, "UA", "ip",
                        new PlayerEvent.Cmcd("142bbf588a574e018de94136a664cfaf", e, "-".equals(sta) ? null : sta, true,
                                null, sn++, 3000L, 5000L, "h", "l", 2L, msd, ec, null),
                        "DE", 3320L, "DTAG", null, null, null));
            }
        }
        return parsed;
    }
}
