package liveccu.aggregator.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import liveccu.aggregator.audio.AudioLedger.Counted;
import liveccu.aggregator.audio.AudioLedger.Outcome;
import liveccu.aggregator.audio.AudioLedger.Settled;
import liveccu.aggregator.audio.AudioLedger.Unchanged;
import liveccu.model.AudioRules;
import liveccu.model.CdnRequest;
import liveccu.model.JsonSerde;
import liveccu.model.PlaybackRules;
import org.junit.jupiter.api.Test;

/**
 * The audio rules applied to one device's requests for one content: exact numbers per UTC hour, as
 * {@code {starts, streams, played ms, downloads, IAB downloads}}.
 */
class AudioLedgerTest {

    private static final long H = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000;
    private static final long MIN = 60_000;
    private static final String SPOTIFY = "Spotify/8.8.0 iOS/16.5 (iPhone14,2)";
    private static final String OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)";
    private static final String FEED_PARSER = "PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final String UNKNOWN_APP = "MyRadioPlayer/1.0";
    /** 128 kbps: 16,000 bytes a second; 25 s are 400,000 bytes, a minute 960,000. */
    private static final AudioContent EPISODE = new AudioContent("ep42", "vod", 128, 0);
    private static final AudioContent RADIO = new AudioContent("radio-1", "live", 96, 0);
    private static final AudioContent RECORDED = new AudioContent("show-7", "dar", 128, 0);

    /** Device classes as Yauaa gives them for these agents (AudioAppsTest checks them on the real one). */
    private static final Map<String, String> YAUAA = Map.of(SPOTIFY, "Phone", OVERCAST, "Robot", FEED_PARSER, "Robot",
            GOOGLEBOT, "Robot", UNKNOWN_APP, "Unknown");

    private static AudioLedger ledger(AudioRules rules) {
        return new AudioLedger(rules, new AudioAgents(AudioApps.standard(), ua -> YAUAA.getOrDefault(ua, "Hacker")));
    }

    private static final AudioLedger LEDGER = ledger(AudioRules.defaults());

    private static CdnRequest request(String ua, long t, String method, int status, long bytes, Long from, Long to) {
        return new CdnRequest("batch-1", 0, "acct", "cdn-1", "cloudflare", "zone", t, t, "ip-1", method, "cdn.example",
                "/podcasts/ep42.mp3", status, bytes, from, to, ua, null, "MAD", CdnRequest.HIT, null);
    }

    private static CdnRequest get(long t, int status, long bytes) {
        return request(SPOTIFY, t, "GET", status, bytes, null, null);
    }

    private static CdnRequest range(long t, long from, long to) {
        return request(SPOTIFY, t, "GET", 206, to - from + 1, from, to);
    }

    /** One device and content's state, with the sum of the changes it sent per hour. */
    private static final class Run {
        private final AudioLedger ledger;
        private final AudioContent content;
        AudioState state;
        final Map<Long, long[]> hours = new TreeMap<>();
        final List<AudioChange> changes = new ArrayList<>();
        int unchanged;
        int settled;

        Run(AudioLedger ledger, AudioContent content) {
            this.ledger = ledger;
            this.content = content;
        }

        Run(AudioContent content) {
            this(LEDGER, content);
        }

        Outcome apply(CdnRequest request) {
            Outcome outcome = ledger.apply(state, request, content);
            if (outcome instanceof Counted counted) {
                state = counted.state();
                changes.addAll(counted.changes());
                for (AudioChange change : counted.changes()) {
                    long[] hour = hours.computeIfAbsent(change.hourStartMs(), h -> new long[5]);
                    hour[0] += change.starts();
                    hour[1] += change.streams();
                    hour[2] += change.playedMs();
                    hour[3] += change.downloads();
                    hour[4] += change.iabDownloads();
                }
                hours.values().removeIf(hour -> Arrays.stream(hour).allMatch(v -> v == 0));
            } else if (outcome instanceof Unchanged) {
                unchanged++;
            } else {
                settled++;
            }
            return outcome;
        }

        Run applyAll(List<CdnRequest> requests) {
            requests.forEach(this::apply);
            return this;
        }

        long[] hour(long hourStartMs) {
            return hours.getOrDefault(hourStartMs, new long[5]);
        }

        /** The totals as text, to compare runs. */
        String totals() {
            StringBuilder text = new StringBuilder();
            hours.forEach((hour, counts) -> text.append(Instant.ofEpochMilli(hour)).append(Arrays.toString(counts)).append('\n'));
            return text.toString();
        }
    }

    @Test
    void rangeRequestsOfOneDeviceAreOneStart() {
        Run run = new Run(EPISODE).applyAll(List.of(
                range(H + MIN, 0, 299_999), range(H + 2 * MIN, 300_000, 599_999), range(H + 3 * MIN, 600_000, 899_999)));
        // 900,000 bytes: 56.25 s of content, a stream; 3 × 18,750 ms; their union is short of IAB's minute
        assertArrayEquals(new long[] {1, 1, 56_250, 0, 0}, run.hour(H));
        assertEquals(1, run.hours.size());
    }

    @Test
    void onDemandWholeFileIsADownloadWithoutTime() {
        Run run = new Run(EPISODE).applyAll(List.of(get(H + MIN, 200, 5_000_000)));
        assertArrayEquals(new long[] {0, 0, 0, 1, 1}, run.hour(H));
    }

    @Test
    void liveAndDarCountA200AsAStartAndA206AsNothing() {
        Run radio = new Run(RADIO).applyAll(List.of(get(H + MIN, 200, 400_000)));
        // 96 kbps: 400,000 bytes are 33,333 ms; no IAB count for a live stream
        assertArrayEquals(new long[] {1, 1, 33_333, 0, 0}, radio.hour(H));
        Run recorded = new Run(RECORDED).applyAll(List.of(get(H + MIN, 200, 400_000)));
        assertArrayEquals(new long[] {1, 1, 25_000, 0, 0}, recorded.hour(H));
        Run ranged = new Run(RECORDED).applyAll(List.of(range(H + MIN, 0, 999_999)));
        assertEquals(Map.of(), ranged.hours);
    }

    @Test
    void headErrorsAndRedirectsCountNothing() {
        Run run = new Run(EPISODE);
        assertInstanceOf(Unchanged.class, run.apply(request(SPOTIFY, H, "HEAD", 200, 5_000_000, null, null)));
        for (int status : new int[] {301, 304, 403, 404, 416, 500}) {
            assertInstanceOf(Unchanged.class, run.apply(get(H + status, status, 5_000_000)), "status " + status);
        }
        assertNull(run.state);
        assertEquals(Map.of(), run.hours);
    }

    @Test
    void requestsUnder70000BytesStartNothing() {
        Run run = new Run(EPISODE);
        run.apply(range(H + MIN, 0, 69_998));
        assertEquals(Map.of(), run.hours);
        run.apply(range(H + 2 * MIN, 69_999, 139_998));
        assertArrayEquals(new long[] {1, 0, 4_375, 0, 0}, run.hour(H));  // only the 70,000 bytes: 4.375 s
    }

    @Test
    void botsCountNothingButListeningAppsDoWhateverYauaaSays() {
        Run googlebot = new Run(EPISODE);
        assertInstanceOf(Unchanged.class, googlebot.apply(request(GOOGLEBOT, H, "GET", 200, 5_000_000, null, null)));
        assertNull(googlebot.state);
        Run feedParser = new Run(EPISODE);
        assertInstanceOf(Unchanged.class, feedParser.apply(request(FEED_PARSER, H, "GET", 200, 5_000_000, null, null)));
        Run overcast = new Run(EPISODE);
        overcast.apply(request(OVERCAST, H, "GET", 200, 5_000_000, null, null));
        assertArrayEquals(new long[] {0, 0, 0, 1, 1}, overcast.hour(H));
        assertEquals("Overcast", overcast.changes.get(0).app());
    }

    @Test
    void theSameDeviceCountsAgainFrom24HoursAfterItsLastCountedRequest() {
        Run run = new Run(EPISODE).applyAll(List.of(
                range(H, 0, 99_999), range(H + 24 * HOUR - 1, 0, 99_999), range(H + 24 * HOUR, 0, 99_999)));
        assertArrayEquals(new long[] {1, 0, 6_250, 0, 0}, run.hour(H));
        assertArrayEquals(new long[] {0, 0, 6_250, 0, 0}, run.hour(H + 23 * HOUR));
        assertArrayEquals(new long[] {1, 0, 6_250, 0, 0}, run.hour(H + 24 * HOUR));
        // the window runs from its own earliest request: H + 30 h opens the next, not H + 20 h's
        Run chain = new Run(EPISODE).applyAll(List.of(
                range(H, 0, 99_999), range(H + 20 * HOUR, 0, 99_999), range(H + 30 * HOUR, 0, 99_999)));
        assertEquals(1, chain.hour(H)[0]);
        assertEquals(0, chain.hour(H + 20 * HOUR)[0]);
        assertEquals(1, chain.hour(H + 30 * HOUR)[0]);
    }

    @Test
    void aWindowIsWhatItsEarliestRequestIs() {
        Run download = new Run(EPISODE).applyAll(List.of(get(H, 200, 100_000), range(H + HOUR, 0, 999_999)));
        assertArrayEquals(new long[] {0, 0, 0, 1, 1}, download.hour(H));
        assertArrayEquals(new long[5], download.hour(H + HOUR));
        Run start = new Run(EPISODE).applyAll(List.of(range(H, 0, 99_999), get(H + HOUR, 200, 1_000_000)));
        // the 200 is part of the start: its bytes are time and make the stream
        assertArrayEquals(new long[] {1, 1, 6_250, 0, 1}, start.hour(H));
        assertArrayEquals(new long[] {0, 0, 62_500, 0, 0}, start.hour(H + HOUR));
        Run tie = new Run(EPISODE).applyAll(List.of(get(H, 200, 100_000), range(H, 0, 99_999)));
        assertArrayEquals(new long[] {1, 0, 12_500, 0, 0}, tie.hour(H));  // a start wins the tie
    }

    @Test
    void aStreamSendsAtLeast25Seconds() {
        assertArrayEquals(new long[] {1, 0, 24_900, 0, 0}, new Run(EPISODE).applyAll(List.of(range(H, 0, 398_399))).hour(H));
        assertArrayEquals(new long[] {1, 1, 25_000, 0, 0}, new Run(EPISODE).applyAll(List.of(range(H, 0, 399_999))).hour(H));
        Run added = new Run(EPISODE);
        added.apply(range(H, 0, 199_999));
        Counted second = (Counted) added.apply(range(H + 2 * HOUR, 200_000, 399_999));
        // the second half makes the start a stream, in the start's hour; its time in its own
        assertEquals(List.of(
                new AudioChange("acct", EPISODE, "Spotify", PlaybackRules.device(null, SPOTIFY, "ip-1"), H, 0, 1, 0, 0, 0),
                new AudioChange("acct", EPISODE, "Spotify", PlaybackRules.device(null, SPOTIFY, "ip-1"), H + 2 * HOUR, 0, 0, 12_500, 0, 0)),
                second.changes());
    }

    @Test
    void noBitrateNoTimeStreamNorIabDownload() {
        Run run = new Run(new AudioContent("ep-x", "vod", 0, 0)).applyAll(List.of(range(H, 0, 9_999_999)));
        assertArrayEquals(new long[] {1, 0, 0, 0, 0}, run.hour(H));
    }

    @Test
    void timeCountsInTheHourOfEachRequest() {
        Run run = new Run(EPISODE).applyAll(List.of(range(H + 59 * MIN, 0, 159_999), range(H + 61 * MIN, 160_000, 319_999)));
        assertArrayEquals(new long[] {1, 0, 10_000, 0, 0}, run.hour(H));
        assertArrayEquals(new long[] {0, 0, 10_000, 0, 0}, run.hour(H + HOUR));
    }

    @Test
    void thePropertyIsTheAppAndTheDeviceTheAgentWithTheIp() {
        Run spotify = new Run(EPISODE).applyAll(List.of(get(H, 200, 100_000)));
        assertEquals("Spotify", spotify.changes.get(0).app());
        assertEquals(PlaybackRules.device(null, SPOTIFY, "ip-1"), spotify.changes.get(0).device());
        Run unknown = new Run(EPISODE).applyAll(List.of(request(UNKNOWN_APP, H, "GET", 200, 100_000, null, null)));
        assertEquals("Others", unknown.changes.get(0).app());
        assertEquals(EPISODE, unknown.changes.get(0).content());
    }

    @Test
    void iabAddsUpTheUnionOfTheRangesNotTheirSum() {
        // 1,200,000 bytes sent, but 0-599,999 and 300,000-899,999 cover 900,000: short of 960,000
        Run overlapping = new Run(EPISODE).applyAll(List.of(range(H, 0, 599_999), range(H + MIN, 300_000, 899_999)));
        assertEquals(0, overlapping.hour(H)[4]);
        overlapping.apply(range(H + 2 * MIN, 900_000, 959_999));
        assertEquals(1, overlapping.hour(H)[4]);
        // small requests add up too, where the 70,000-byte rule starts nothing
        List<CdnRequest> chunks = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            chunks.add(range(H + i * 1000, i * 60_000L, i * 60_000L + 59_999));
        }
        assertArrayEquals(new long[] {0, 0, 0, 0, 1}, new Run(EPISODE).applyAll(chunks).hour(H));
    }

    @Test
    void iabExcludesProbes304AndHead() {
        Run run = new Run(EPISODE);
        run.apply(request(SPOTIFY, H, "GET", 206, 2, 0L, 1L));
        assertInstanceOf(Unchanged.class, run.apply(request(SPOTIFY, H + 1, "HEAD", 200, 960_000, null, null)));
        assertInstanceOf(Unchanged.class, run.apply(get(H + 2, 304, 960_000)));
        run.apply(range(H + MIN, 2, 959_999));
        // with the probe's two bytes it would be the minute; without them 959,998 bytes are not
        assertArrayEquals(new long[] {1, 1, 59_999, 0, 0}, run.hour(H));
    }

    @Test
    void iabNeedsAMinuteAfterTheId3Tag() {
        AudioContent tagged = new AudioContent("ep43", "vod", 128, 50_000);
        assertEquals(0, new Run(tagged).applyAll(List.of(get(H, 200, 1_009_999))).hour(H)[4]);
        assertEquals(1, new Run(tagged).applyAll(List.of(get(H, 200, 1_010_000))).hour(H)[4]);
        // bytes of the tag are no content: 969,999 bytes from 40,000 hold 959,999 after it
        assertEquals(0, new Run(tagged).applyAll(List.of(range(H, 40_000, 1_009_998))).hour(H)[4]);
        assertEquals(1, new Run(tagged).applyAll(List.of(range(H, 50_000, 1_009_999))).hour(H)[4]);
        assertEquals(0, new Run(EPISODE).applyAll(List.of(get(H, 200, 959_999))).hour(H)[4]);
        assertEquals(1, new Run(EPISODE).applyAll(List.of(get(H, 200, 960_000))).hour(H)[4]);
    }

    @Test
    void iabCountsOncePer24Hours() {
        Run run = new Run(EPISODE).applyAll(List.of(get(H, 200, 2_000_000), get(H + 23 * HOUR, 200, 2_000_000),
                get(H + 25 * HOUR, 200, 2_000_000)));
        assertArrayEquals(new long[] {0, 0, 0, 1, 1}, run.hour(H));
        assertArrayEquals(new long[] {0, 0, 0, 1, 1}, run.hour(H + 25 * HOUR));
        assertEquals(2, run.hours.size());
    }

    /** Two days of one listener: windows, ranges, a probe, small and excluded requests. */
    private static List<CdnRequest> twoDays() {
        return List.of(
                request(SPOTIFY, H, "GET", 206, 2, 0L, 1L),
                range(H + 1000, 0, 299_999),
                range(H + 5 * MIN, 300_000, 599_999),
                request(SPOTIFY, H + 10 * MIN, "GET", 206, 1_000_000, 200_000L, 1_199_999L),
                request(SPOTIFY, H + 90 * MIN, "HEAD", 200, 5_000_000, null, null),
                get(H + 2 * HOUR, 200, 50_000),
                get(H + 3 * HOUR, 404, 5_000_000),
                get(H + 25 * HOUR, 200, 3_000_000),
                range(H + 26 * HOUR, 0, 499_999),
                range(H + 47 * HOUR, 0, 99_999));
    }

    @Test
    void arrivalOrderChangesNothing() {
        Run inOrder = new Run(EPISODE).applyAll(twoDays());
        // a start of 1,600,000 bytes (100 s) and an IAB download; a day later a download and an IAB download
        assertArrayEquals(new long[] {1, 1, 100_000, 0, 1}, inOrder.hour(H));
        assertArrayEquals(new long[] {0, 0, 0, 1, 1}, inOrder.hour(H + 25 * HOUR));
        assertEquals(2, inOrder.hours.size());
        Random random = new Random(16);
        for (int i = 0; i < 8; i++) {
            List<CdnRequest> shuffled = new ArrayList<>(twoDays());
            Collections.shuffle(shuffled, random);
            Run run = new Run(EPISODE).applyAll(shuffled);
            assertEquals(inOrder.totals(), run.totals(), "order " + shuffled);
        }
        List<CdnRequest> reversed = new ArrayList<>(twoDays());
        Collections.reverse(reversed);
        assertEquals(inOrder.totals(), new Run(EPISODE).applyAll(reversed).totals());
    }

    @Test
    void aLateRequestMovesTheStartItOpens() {
        Run run = new Run(EPISODE);
        run.apply(range(H + 2 * HOUR, 0, 99_999));
        Counted late = (Counted) run.apply(range(H, 0, 99_999));
        String device = PlaybackRules.device(null, SPOTIFY, "ip-1");
        assertEquals(List.of(
                new AudioChange("acct", EPISODE, "Spotify", device, H, 1, 0, 6_250, 0, 0),
                new AudioChange("acct", EPISODE, "Spotify", device, H + 2 * HOUR, -1, 0, 0, 0, 0)), late.changes());
    }

    @Test
    void aRequestAppliedTwiceCountsOnce() {
        Run run = new Run(EPISODE);
        for (CdnRequest request : twoDays()) {
            run.apply(request);
            Outcome again = run.apply(request);
            assertInstanceOf(Unchanged.class, again);
        }
        assertEquals(new Run(EPISODE).applyAll(twoDays()).totals(), run.totals());
        // the same bytes at the same time from another path of the content are another request
        CdnRequest mirror = new CdnRequest("batch-2", 0, "acct", "cdn-1", "cloudflare", "zone", H + 1000, H + 1000, "ip-1",
                "GET", "cdn.example", "/mirror/ep42.mp3", 206, 300_000, 0L, 299_999L, SPOTIFY, null, "MAD", CdnRequest.HIT, null);
        assertInstanceOf(Counted.class, run.apply(mirror));
    }

    @Test
    void requestsOlderThanTheOpenWindowAreSettledAndRefused() {
        Run run = new Run(EPISODE).applyAll(List.of(range(H, 0, 99_999), range(H + 49 * HOUR, 0, 99_999)));
        assertEquals(H + HOUR, run.state.settledBeforeMs());
        Outcome late = run.apply(range(H + 30 * MIN, 0, 99_999));
        assertEquals(new Settled(H + HOUR), late);
        Outcome copy = run.apply(range(H, 0, 99_999));
        assertEquals(new Settled(H + HOUR), copy);
        assertArrayEquals(new long[] {1, 0, 6_250, 0, 0}, run.hour(H));
        assertArrayEquals(new long[] {1, 0, 6_250, 0, 0}, run.hour(H + 49 * HOUR));
        // within the open window, still counted: the H + 2 h request joins the settled start's window
        run.apply(range(H + 2 * HOUR, 100_000, 399_999));
        assertArrayEquals(new long[] {1, 1, 6_250, 0, 0}, run.hour(H));
        assertArrayEquals(new long[] {0, 0, 18_750, 0, 0}, run.hour(H + 2 * HOUR));
    }

    @Test
    void aRequestSaysWhatItAddedAndWhatItSettledAndTheBoundFollowsTheNewestEvenWhenNothingSettles() {
        Run run = new Run(EPISODE);
        Counted first = (Counted) run.apply(range(H, 0, 99_999));
        assertEquals(List.of(), first.settled());
        // 10 h later: the bound moves to 38 h before it, but no request is that old
        Counted later = (Counted) run.apply(range(H + 10 * HOUR, 100_000, 199_999));
        assertEquals(H + 10 * HOUR - 48 * HOUR, run.state.settledBeforeMs());
        assertEquals(List.of(first.added(), later.added()), run.state.fetches());
        assertEquals(List.of(), later.settled());
        assertEquals(new Settled(H - 38 * HOUR), run.apply(range(H - 38 * HOUR - 1, 0, 99_999)));
        assertInstanceOf(Counted.class, run.apply(range(H - 38 * HOUR, 0, 99_999)));
        // 49 h after the first: the first request (and the one just before it) settle, and say so
        Counted settling = (Counted) run.apply(range(H + 49 * HOUR, 0, 99_999));
        assertEquals(2, settling.settled().size());
        assertTrue(settling.settled().contains(first.added()));
        assertEquals(List.of(later.added(), settling.added()), run.state.fetches());
    }

    @Test
    void aSettledWindowKeepsWhatItsSettledRequestsSent() {
        // H's window is settled twice (by H + 49 h, then H + 51 h), then its last request arrives
        List<CdnRequest> settledTwice = List.of(range(H, 0, 99_999), range(H + 49 * HOUR, 0, 99_999),
                range(H + 2 * HOUR, 100_000, 199_999), range(H + 51 * HOUR, 0, 99_999));
        Run stream = new Run(EPISODE).applyAll(settledTwice);
        assertEquals(H + 3 * HOUR, stream.state.settledBeforeMs());
        stream.apply(range(H + 4 * HOUR, 200_000, 399_999));
        assertArrayEquals(new long[] {1, 1, 6_250, 0, 0}, stream.hour(H));  // 400,000 bytes in all: 25 s
        Run iab = new Run(EPISODE).applyAll(settledTwice);
        iab.apply(range(H + 4 * HOUR, 200_000, 959_999));
        assertArrayEquals(new long[] {1, 1, 6_250, 0, 1}, iab.hour(H));  // the union 0-959,999: a minute
    }

    /** Six days of requests every 50 minutes: random statuses, sizes and ranges, from one seed. */
    private static List<CdnRequest> sixDays() {
        Random random = new Random(42);
        List<CdnRequest> requests = new ArrayList<>();
        for (long t = H; t < H + 144 * HOUR; t += 50 * MIN + random.nextInt(600_000)) {
            long bytes = 10_000 + random.nextInt(600_000);
            long from = random.nextInt(4) * 500_000L;
            requests.add(random.nextInt(5) == 0 ? get(t, 200, bytes) : range(t, from, from + bytes - 1));
        }
        return requests;
    }

    @Test
    void settlingChangesNoCount() {
        List<CdnRequest> requests = sixDays();
        AudioLedger neverSettles = ledger(new AudioRules(AudioRules.DEFAULT_MIN_BYTES, AudioRules.DEFAULT_STREAM_THRESHOLD,
                Duration.ofDays(3650)));
        Run whole = new Run(neverSettles, EPISODE).applyAll(requests);
        Run settling = new Run(EPISODE).applyAll(requests);
        assertEquals(whole.totals(), settling.totals());
        assertTrue(settling.state.settledBeforeMs() > H + 90 * HOUR, "it did settle");
        assertTrue(settling.state.fetches().size() < requests.size() / 2, "and dropped what it settled");
        // late within the open window: each block of 12 requests (about 10 h) arrives in a shuffled order
        Random random = new Random(7);
        List<CdnRequest> blocks = new ArrayList<>();
        for (int i = 0; i < requests.size(); i += 12) {
            List<CdnRequest> block = new ArrayList<>(requests.subList(i, Math.min(i + 12, requests.size())));
            Collections.shuffle(block, random);
            blocks.addAll(block);
        }
        Run late = new Run(EPISODE).applyAll(blocks);
        assertEquals(0, late.settled);
        assertEquals(whole.totals(), late.totals());
        long starts = whole.hours.values().stream().mapToLong(h -> h[0]).sum();
        long downloads = whole.hours.values().stream().mapToLong(h -> h[3]).sum();
        assertEquals(6, starts + downloads, "one window a day over six days");
    }

    @Test
    void theStateSurvivesJson() {
        Run run = new Run(EPISODE).applyAll(sixDays());
        JsonSerde<AudioState> serde = new JsonSerde<>(AudioState.class);
        byte[] json = serde.serializer().serialize("t", run.state);
        assertEquals(run.state, serde.deserializer().deserialize("t", json));
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"app\":\"Spotify\""));
    }
}
