package liveccu.allinone;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Playback metrics over the real path: player events and a CMCD playback POSTed to the collector, a
 * real broker, the aggregator, and {@code GET /playback} of the query API giving the exact numbers; a
 * batch retried (as after a 503) changes nothing; a bot's playback counts nothing; each playback under
 * its device class and source, devices exact for an hour of one; {@code GET /playback/retention} counts a
 * playback once per bucket, without bots or live content, and from a CMCD player's playheads.
 */
class PlaybackMetricsIT {

    @TempDir
    static java.nio.file.Path dataDir;
    static LocalSystem system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = LocalSystem.start(new Env(Viewers.testEnv(dataDir)));
        Eventually.await(Duration.ofSeconds(30), "collector ready",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 200);
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    @Test
    void startsStreamsTimeAndDownloadsAreExactAndARetriedBatchChangesNothing() {
        String content = "it-" + UUID.randomUUID();
        String run = UUID.randomUUID().toString().substring(0, 8);
        long t = System.currentTimeMillis() - 5 * 60_000;
        String sid = UUID.randomUUID().toString();
        // pb-a plays 10 s (a stream), pb-b 3 s (a start only), pb-c is a download
        String batch = """
                {"event":"session_start","playback_id":"a-%1$s","time":%2$d}
                {"event":"play","playback_id":"a-%1$s","time":%2$d,"content_id":"%3$s","content_type":"vod","property":"web"}
                {"event":"playing","playback_id":"a-%1$s","time":%4$d,"content_id":"%3$s","seconds":10,"position":10}
                {"event":"playback_start","playback_id":"b-%1$s","time":%2$d,"content_id":"%3$s","content_type":"vod"}
                {"event":"playing","playback_id":"b-%1$s","time":%5$d,"content_id":"%3$s","seconds":3,"position":3}
                {"event":"pause","playback_id":"b-%1$s","time":%5$d,"content_id":"%3$s"}
                {"event":"file_downloaded","playback_id":"c-%1$s","time":%2$d,"content_id":"%3$s","content_type":"vod"}
                """.formatted(run, t, content, t + 10_000, t + 3_000);
        // a CMCD player: playing from ts to ts+45 s (then paused): a start, a stream, 45 s
        String reports = "e=ps,sid=\"" + sid + "\",cid=\"" + content + "\",ts=" + t + ",sta=p,sf=h,st=v,sn=1,v=2\n"
                + "e=t,sid=\"" + sid + "\",cid=\"" + content + "\",ts=" + (t + 30_000) + ",sta=p,sf=h,st=v,sn=2,v=2\n"
                + "e=ps,sid=\"" + sid + "\",cid=\"" + content + "\",ts=" + (t + 45_000) + ",sta=a,sf=h,st=v,sn=3,v=2\n";
        postEvents(batch);
        postCmcd(reports);
        awaitTotals(content, 3, 2, 58.0, 1);

        // the same requests again, as a player retries after a 503; then one more event of each playback
        // (on its playback's partition, after the retry): once those are counted, so is the retry
        postEvents(batch);
        postCmcd(reports);
        postEvents("""
                {"event":"playing","playback_id":"a-%1$s","time":%2$d,"content_id":"%3$s","seconds":1,"position":11}
                {"event":"playing","playback_id":"b-%1$s","time":%4$d,"content_id":"%3$s","seconds":2,"position":5}
                {"event":"playing","playback_id":"c-%1$s","time":%4$d,"content_id":"%3$s","seconds":1,"position":1}
                """.formatted(run, t + 60_000, content, t + 61_000));
        postCmcd("e=ps,sid=\"" + sid + "\",cid=\"" + content + "\",ts=" + (t + 60_000) + ",sta=p,sf=h,st=v,sn=4,v=2\n"
                + "e=ps,sid=\"" + sid + "\",cid=\"" + content + "\",ts=" + (t + 61_000) + ",sta=q,sf=h,st=v,sn=5,v=2\n");
        // b reached 5 s: a stream now; no start again (within 24 h); time 58 + 1 + 2 + 1 + 1
        awaitTotals(content, 3, 3, 63.0, 1);
    }

    @Test
    void aBotsPlaybackIsNotCountedAndDevicesAreExactForTheHour() {
        String content = "it-" + UUID.randomUUID();
        String run = UUID.randomUUID().toString().substring(0, 8);
        long t = System.currentTimeMillis() - 5 * 60_000;
        t -= t % 3_600_000 > 3_600_000 - 5_000 ? 5_000 : 0;     // every start in one hour
        String event = "{\"event\":\"%s\",\"playback_id\":\"%s\",\"time\":%d,\"content_id\":\"" + content
                + "\",\"content_type\":\"vod\",\"property\":\"web\"%s}\n";
        // the witness: a person's playback on the partition of the bot's playbacks, sent after them, so once
        // it is counted the bot's events have been read
        String witness = onPartition("w-" + run + "-", partitionOf("bot-" + run));
        String botDownload = onPartition("bot-d-" + run + "-", partitionOf("bot-" + run));
        postEvents(event.formatted("play", "bot-" + run, t, "") + event.formatted("playing", "bot-" + run, t + 10_000, ",\"seconds\":10")
                + event.formatted("file_downloaded", botDownload, t, ""), GOOGLEBOT);
        // a browser: two playbacks (a reload) on one device, a registered viewer's cookie on it another
        postEvents(event.formatted("play", "p1-" + run, t, "") + event.formatted("play", "p2-" + run, t + 1_000, "")
                + event.formatted("play", "p3-" + run, t + 2_000, ",\"device_id\":\"cookie-" + run + "\""), CHROME);
        postEvents(event.formatted("file_downloaded", "p4-" + run, t + 3_000, ""), IPHONE);    // a phone: a third device
        postEvents(event.formatted("play", witness, t + 4_000, ""), CHROME);                     // the browser again

        awaitTotals(content, 4, 0, 0.0, 1);
        // exact per device class (each one record of the hour: the browser's two devices, the phone);
        // the hour of both is their sketches' union
        awaitRows("&contentid=" + content + "&group_by=device_class", List.of(
                List.of("Desktop", 4L, 0L, 0.0, 0L, 2L, true),
                List.of("Phone", 0L, 0L, 0.0, 1L, 1L, true)));
        awaitRows("&contentid=" + content, List.of(Arrays.asList(null, 4L, 0L, 0.0, 1L, 3L, false)));
    }

    @Test
    void retentionCountsEachPlaybackOncePerBucketAndNeitherBotsNorLiveContent() {
        String content = "it-" + UUID.randomUUID();
        String live = "it-live-" + UUID.randomUUID();
        String run = UUID.randomUUID().toString().substring(0, 8);
        long t = System.currentTimeMillis() - 5 * 60_000;
        String x = "x-" + run;
        String event = "{\"event\":\"%s\",\"playback_id\":\"%s\",\"time\":%d,\"content_id\":\"%s\",\"content_type\":\"%s\"%s}\n";
        // x watches 0-20 s, then seeks back to the start; y watches 0-10 s
        String batch = event.formatted("play", x, t, content, "vod", "")
                + event.formatted("playing", x, t + 10_000, content, "vod", ",\"seconds\":10,\"position\":10")
                + event.formatted("playing", x, t + 20_000, content, "vod", ",\"seconds\":10,\"position\":20")
                + event.formatted("playing", x, t + 30_000, content, "vod", ",\"seconds\":10,\"position\":10")
                + event.formatted("play", "y-" + run, t, content, "vod", "")
                + event.formatted("playing", "y-" + run, t + 10_000, content, "vod", ",\"seconds\":10,\"position\":10");
        postEvents(batch);
        awaitRetention(content, 2, List.of(List.of(0, 2, 1.0), List.of(10, 1, 0.5)));

        // a retried batch, a bot and a live playback on x's partition, then x's next 10 s: once that is
        // counted, all before it on the partition is too
        String bot = onPartition("bot-" + run + "-", partitionOf(x));
        String livePlayback = onPartition("live-" + run + "-", partitionOf(x));
        postEvents(batch);
        postEvents(event.formatted("play", bot, t, content, "vod", "")
                + event.formatted("playing", bot, t + 10_000, content, "vod", ",\"seconds\":10,\"position\":30"), GOOGLEBOT);
        postEvents(event.formatted("play", livePlayback, t, live, "live", "")
                + event.formatted("playing", livePlayback, t + 10_000, live, "live", ",\"seconds\":10,\"position\":10"));
        postEvents(event.formatted("playing", x, t + 50_000, content, "vod", ",\"seconds\":10,\"position\":30"));
        awaitRetention(content, 2, List.of(List.of(0, 2, 1.0), List.of(10, 1, 0.5), List.of(20, 1, 0.5)));
        awaitTotals(live, 1, 1, 10.0, 0);
        awaitRetention(live, 1, List.of());
    }

    @Test
    void eachPlaybackCountsUnderItsDeviceClassAndSourceAndCmcdPlayheadsMakeRetention() {
        String content = "it-" + UUID.randomUUID();
        String run = UUID.randomUUID().toString().substring(0, 8);
        long t = System.currentTimeMillis() - 5 * 60_000;
        t -= t % 3_600_000 > 3_600_000 - 60_000 ? 60_000 : 0;     // every event in one hour
        String event = "{\"event\":\"%s\",\"playback_id\":\"%s\",\"time\":%d,\"content_id\":\"" + content
                + "\",\"content_type\":\"vod\"%s}\n";
        // a desktop browser: d1 plays 10 s (a stream), d2 is a reload on the same device; an iPhone: p1 plays 3 s
        postEvents(event.formatted("play", "d1-" + run, t, "") + event.formatted("playing", "d1-" + run, t + 10_000,
                ",\"seconds\":10,\"position\":10") + event.formatted("play", "d2-" + run, t + 1_000, ""), CHROME);
        postEvents(event.formatted("play", "p1-" + run, t, "") + event.formatted("playing", "p1-" + run, t + 3_000,
                ",\"seconds\":3,\"position\":3"), IPHONE);
        // the same iPhone in a standard player's CMCD reports: playing from 0:00 to 0:40 (then paused)
        String sid = UUID.randomUUID().toString();
        String report = "e=%s,sid=\"" + sid + "\",cid=\"" + content + "\",ts=%d,sta=%s,pt=%d,sf=h,st=v,sn=%d,v=2\n";
        postCmcd(report.formatted("ps", t, "p", 0, 1) + report.formatted("t", t + 30_000, "p", 30_000, 2)
                + report.formatted("ps", t + 40_000, "a", 40_000, 3), IPHONE);
        awaitTotals(content, 4, 2, 53.0, 0);

        // one record per device class and source: a row of one is exact, the iPhone's two rows one device
        String query = "&contentid=" + content + "&interval=day";
        awaitRows(query + "&group_by=device_class", List.of(
                List.of("Desktop", 2L, 1L, 10.0, 0L, 1L, true),
                List.of("Phone", 2L, 1L, 43.0, 0L, 1L, false)));
        awaitRows(query + "&group_by=source", List.of(
                List.of("cmcd", 1L, 1L, 40.0, 0L, 1L, true),
                List.of("player", 3L, 1L, 13.0, 0L, 2L, false)));
        awaitRows(query + "&device_class=Phone&source=cmcd", List.of(Arrays.asList(null, 1L, 1L, 40.0, 0L, 1L, true)));
        // retention: each playing event's positions, and the CMCD player's from 0:00 to 0:40 (4 starts in all)
        awaitRetention(content, 4, List.of(List.of(0, 3, 0.75), List.of(10, 1, 0.25), List.of(20, 1, 0.25), List.of(30, 1, 0.25)));
    }

    /**
     * Waits until {@code /playback} of the account over the last hours, with these parameters, is exactly these
     * rows: [group (null without group_by), starts, streams, time_s, downloads, devices, devices_exact].
     */
    private static void awaitRows(String parameters, List<List<Object>> expected) {
        long now = System.currentTimeMillis() / 1000;
        String query = "/playback?accountid=" + Viewers.ACCOUNT + "&from=" + (now - 3 * 3600) + "&to=" + (now + 3600) + parameters;
        Eventually.await(Duration.ofSeconds(60), query + " = " + expected, () -> {
            Http.Reply reply = Http.get(system.apiPort(), query, "x-api-key", Viewers.API_KEY);
            if (reply.status() != 200) {
                return List.of(reply.status(), reply.body());
            }
            String group = parameters.contains("group_by=") ? parameters.substring(parameters.indexOf("group_by=") + 9) : null;
            return Viewers.parse(reply.body()).stream().map(row -> Arrays.asList(group == null ? null : row.get(group),
                    ((Number) row.get("starts")).longValue(), ((Number) row.get("streams")).longValue(),
                    ((Number) row.get("time_s")).doubleValue(), ((Number) row.get("downloads")).longValue(),
                    ((Number) row.get("devices")).longValue(), row.get("devices_exact"))).toList();
        }, expected::equals);
    }

    /** Waits until the content's retention over the last hours is exactly these starts and buckets ([from_s, playbacks, share]). */
    @SuppressWarnings("unchecked")
    private static void awaitRetention(String content, long starts, List<List<Object>> buckets) {
        long now = System.currentTimeMillis() / 1000;
        String query = "/playback/retention?accountid=" + Viewers.ACCOUNT + "&contentid=" + content + "&from=" + (now - 3 * 3600)
                + "&to=" + (now + 3600);
        List<Object> expected = List.of(starts, buckets);
        Eventually.await(Duration.ofSeconds(60), query + " = " + expected, () -> {
            Http.Reply reply = Http.get(system.apiPort(), query, "x-api-key", Viewers.API_KEY);
            if (reply.status() != 200) {
                return List.of(reply.status(), reply.body());
            }
            Map<String, Object> body;
            try {
                body = JSON.readValue(reply.body(), Map.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // a bucket's share is null while its content's starts are not counted yet (another topic): poll on
            List<List<Object>> rows = ((List<Map<String, Object>>) body.get("buckets")).stream()
                    .map(row -> Arrays.asList(row.get("from_s"), row.get("playbacks"), row.get("share"))).toList();
            return List.of(((Number) body.get("starts")).longValue(), rows);
        }, expected::equals);
    }

    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/120.0.0.0 Safari/537.36";
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 4;   // CCU_TOPIC_PARTITIONS of Viewers.testEnv

    /** The partition of a playback's events (the producer's default: murmur2 of the key). */
    private static int partitionOf(String playbackId) {
        return Utils.toPositive(Utils.murmur2(playbackId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static String onPartition(String prefix, int partition) {
        for (int i = 0; ; i++) {
            if (partitionOf(prefix + i) == partition) {
                return prefix + i;
            }
        }
    }

    private static void postEvents(String ndjson) {
        postEvents(ndjson, CHROME);
    }

    private static void postEvents(String ndjson, String userAgent) {
        Eventually.await(Duration.ofSeconds(30), "player events accepted", () -> Http.post(system.collectorPort(),
                        "/v1/accounts/" + Viewers.ACCOUNT + "/events", ndjson, "content-type", "application/x-ndjson",
                        "user-agent", userAgent),
                reply -> reply.status() == 204);
    }

    private static void postCmcd(String reports) {
        // a browser's agent: the test's own HTTP client (Java-http-client) is, rightly, a robot
        postCmcd(reports, CHROME);
    }

    private static void postCmcd(String reports, String userAgent) {
        Eventually.await(Duration.ofSeconds(30), "CMCD reports accepted", () -> Http.post(system.collectorPort(),
                        "/cmcd/" + Viewers.ACCOUNT + "/" + Viewers.randomHex32(), reports, "content-type", "application/cmcd",
                        "user-agent", userAgent),
                reply -> reply.status() == 204);
    }

    /** Waits until the content's rows over the last hours sum to exactly these totals. */
    private static void awaitTotals(String content, long starts, long streams, double timeS, long downloads) {
        long now = System.currentTimeMillis() / 1000;
        String query = "/playback?accountid=" + Viewers.ACCOUNT + "&from=" + (now - 3 * 3600) + "&to=" + (now + 3600)
                + "&contentid=" + content;
        Eventually.await(Duration.ofSeconds(60), "/playback of " + content + " = " + List.of(starts, streams, timeS, downloads),
                () -> Viewers.playbackTotals(system.apiPort(), query), totals -> totals.equals(List.of((double) starts, (double) streams, timeS, (double) downloads)));
    }
}
