package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import liveccu.model.PlaybackCount;
import liveccu.model.RejectedBeacon;
import liveccu.model.Topics;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audio consumption measured from CDN logs over the real path: Cloudflare batches pushed to the collector and an
 * nginx file imported with {@code ./liveccu logs import}, a real broker, the aggregator with a content catalogue
 * (an episode, a live radio, a recorded show), and {@code GET /playback?source=cdn-log} giving exact numbers for
 * every rule: bots and a feed parser, HEAD, 4xx and small probes excluded; 206 a start and 200 a download on demand,
 * 200 a start on live and DAR; range requests of one device one start; the same device again after 24 h; 25 s of
 * content a stream; time from bytes; the app as property and {@code Others}; IAB downloads from the union of the
 * ranges, a {@code 0-1} probe left out; a line 3 days late counted, one 8 days late refused on the rejected topic; a
 * retried batch and malformed lines changing nothing.
 *
 * <p>One partition per topic: the aggregator reads the lines in the order they were acknowledged, so once the last
 * line pushed (a witness) is counted, every line before it has been read — retries and refused lines included.
 * Every line is in whole hours before the current one, at fixed offsets from one hour start, so the hours are the
 * same whatever the wall clock says.
 */
class AudioFromLogsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "audio-logs";
    private static final Map<String, String> TOKENS = Map.of("push", "audio-push-token-0123456789",
            "files", "audio-files-token-0123456789");
    private static final long M = 60_000;
    private static final long H = PlaybackCount.HOUR_MS;
    private static final DateTimeFormatter COMMON_LOG_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.ofHours(2));

    private static final String SPOTIFY = "Spotify/8.8.0 iOS/16.5 (iPhone14,2)";
    private static final String APPLE_PODCASTS = "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0";
    /** A listening app whose agent Yauaa reads as a robot's (its URL): counted, under device class Unknown. */
    private static final String OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)";
    private static final String TUNEIN = "TuneIn Radio/27.5 (Android 13)";
    private static final String IHEART = "iHeartRadio/10.20.0 (Android 12; SM-G991U Build/SP1A.210812.016)";
    private static final String ALEXA = "AlexaMediaPlayer/2.1.4676.0 (Linux;Android 5.1.1) ExoPlayerLib/1.5.9";
    private static final String STAGEFRIGHT = "stagefright/1.2 (Linux;Android 12)";
    private static final String CASTBOX = "CastBox/8.22.1-211018089 (Linux;Android 11) ExoPlayerLib/2.10.4";
    private static final String DEEZER = "Deezer/7.0.0.4 (Android; 12; Mobile; fr) samsung SM-G991B";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final String FEED_PARSER = "PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)";
    private static final String EPISODE = "/podcasts/ep1.mp3";
    private static final String RADIO = "/live/radio1/stream.aac";
    private static final String SHOW = "/dar/show7/part1.mp3";

    @TempDir
    static Path dataDir;
    @TempDir
    static Path logs;
    static LocalSystem system;
    /** The start of the hour before the current one: the lines' hour. */
    static long hour;

    /** One request as the CDN logged it; {@code range} {@code first-last} or null. */
    private record Request(String userAgent, String ip, long timeMs, String method, String path, int status, long bytes,
                           String range) {

        String cloudflare() {
            return CdnLogs.cloudflareLine(timeMs, ip, userAgent, method, path, status, bytes, range);
        }

        /** Combined, then docs/cdn-logs.md's cache status, range, request time and host. */
        String combined() {
            return ip + " - - [" + COMMON_LOG_TIME.format(Instant.ofEpochMilli(timeMs)) + "] \"" + method + " " + path
                    + " HTTP/1.1\" " + status + " " + bytes + " \"-\" \"" + userAgent + "\" \"HIT\" \""
                    + (range == null ? "-" : "bytes=" + range) + "\" 0.012 media.example.com";
        }
    }

    @BeforeAll
    static void startSystem() throws Exception {
        // 128 kbps: 16,000 bytes a second, a minute 960,000; 96 kbps: 12,000 bytes a second
        Path catalogue = Files.writeString(dataDir.resolve("catalogue.csv"), """
                content_id,path_pattern,bitrate_kbps,type
                ep1,/podcasts/ep1*.mp3,128,vod
                radio1,/live/radio1/*,96,live
                show7,/dar/show7/*,128,dar
                """);
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.put("CCU_TOPIC_PARTITIONS", "1");
        env.put("CCU_IP_HASH_SECRET", "audio-from-logs-it-secret-of-enough-bytes");
        env.put("CCU_CONTENT_CATALOGUE", catalogue.toString());
        env.put("CCU_LOG_SOURCES", "push:cloudflare:" + ACCOUNT + ":podcasts,files:combined:" + ACCOUNT + ":podcasts");
        env.put("CCU_LOG_SOURCE_TOKENS", TOKENS.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",")));
        system = LocalSystem.start(new Env(env));
        Eventually.await(Duration.ofSeconds(30), "collector ready",
                () -> Http.get(system.collectorPort(), "/health/ready").status(), status -> status == 200);
        hour = System.currentTimeMillis() / H * H - H;
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    @Test
    void everyRuleGivesExactPlaybackCountsAndRetriesLateLinesAndMalformedLinesChangeNothing() throws Exception {
        long t = hour;
        List<Request> pushed = List.of(
                // A: three overlapping ranges, one start; 1,100,000 bytes sent are 68.75 s, a stream; their union is
                // 900,000 bytes, short of IAB's minute although what was sent is more
                new Request(SPOTIFY, "203.0.113.1", t + M, "GET", EPISODE, 206, 300_000, "0-299999"),
                new Request(SPOTIFY, "203.0.113.1", t + 2 * M, "GET", EPISODE, 206, 400_000, "200000-599999"),
                new Request(SPOTIFY, "203.0.113.1", t + 3 * M, "GET", EPISODE, 206, 400_000, "500000-899999"),
                // B: the whole file, 200 on demand: a download (no time) and an IAB download
                new Request(APPLE_PODCASTS, "203.0.113.2", t + 5 * M, "GET", EPISODE, 200, 5_000_000, null),
                // P: a 0-1 probe, then bytes 2-960000: a start, 59.999 s; with the probe's 2 bytes the union would be a
                // minute, without them it is 959,999 bytes: no IAB download
                new Request(OVERCAST, "203.0.113.3", t + 10 * M, "GET", EPISODE, 206, 2, "0-1"),
                new Request(OVERCAST, "203.0.113.3", t + 11 * M, "GET", EPISODE, 206, 959_999, "2-960000"),
                // live, 200: starts; 150,000 bytes at 96 kbps are 12.5 s (no stream), 300,000 exactly 25 s (a stream)
                new Request(TUNEIN, "203.0.113.4", t + 12 * M, "GET", RADIO, 200, 150_000, null),
                new Request(IHEART, "203.0.113.5", t + 13 * M, "GET", RADIO, 200, 300_000, null),
                // DAR, 200: a start; 400,000 bytes at 128 kbps are 25 s, a stream
                new Request(ALEXA, "203.0.113.6", t + 14 * M, "GET", SHOW, 200, 400_000, null),
                // an app the table does not know: Others; 96,000 bytes are 8 s
                new Request(STAGEFRIGHT, "203.0.113.7", t + 15 * M, "GET", RADIO, 200, 96_000, null),
                // nothing: a bot, a podcast app's feed parser, HEAD, 4xx, under 70,000 bytes
                new Request(GOOGLEBOT, "66.249.66.1", t + 16 * M, "GET", EPISODE, 200, 5_000_000, null),
                new Request(FEED_PARSER, "203.0.113.8", t + 16 * M, "GET", EPISODE, 200, 5_000_000, null),
                new Request(SPOTIFY, "203.0.113.9", t + 17 * M, "HEAD", EPISODE, 200, 5_000_000, null),
                new Request(SPOTIFY, "203.0.113.9", t + 17 * M, "GET", EPISODE, 403, 120_000, null),
                new Request(SPOTIFY, "203.0.113.9", t + 18 * M, "GET", EPISODE, 206, 69_999, "0-69998"),
                // G: 30 h after its start of yesterday (imported below): a start again (and, the IP's hash changing each
                // UTC day, another device); 200,000 bytes, 12.5 s
                new Request(CASTBOX, "203.0.113.10", t + 20 * M, "GET", EPISODE, 206, 200_000, "0-199999"));
        // a malformed line among them: rejected alone, the others kept
        String body = Stream.concat(pushed.stream().map(Request::cloudflare),
                Stream.of("{\"EdgeStartTimestamp\":\"" + Instant.ofEpochMilli(t + 19 * M) + "\",\"ClientIP\":\"203.0.113.99\"}"))
                .collect(Collectors.joining("\n"));
        push(body, 16);

        // yesterday's file, imported: G's start 30 h before, and later in its 24 h the rest of 25 s, which makes that
        // start a stream (in one hour, so in one UTC day: one device); a line that is no request
        Path file = Files.write(logs.resolve("yesterday.log"), List.of(
                new Request(CASTBOX, "203.0.113.10", t - 30 * H + M, "GET", EPISODE, 206, 200_000, "0-199999").combined(),
                "this is not an access log line",
                new Request(CASTBOX, "203.0.113.10", t - 30 * H + 40 * M, "GET", EPISODE, 206, 200_000, "200000-399999").combined()));
        Map.Entry<Integer, String> imported = CdnLogs.importLogs(system.collectorPort(), "files", TOKENS.get("files"),
                logs.resolve("state.json"), "--format", "combined", file.toString());
        assertEquals(0, imported.getKey(), imported.getValue());
        assertTrue(imported.getValue().contains("1 chunks sent: 2 lines accepted, 1 rejected"), imported.getValue());

        // per hour: yesterday's start, a stream of 25 s, and the hour of the pushed lines
        //   starts: A, P, the radio's three, the show, G; streams: A, P, iHeartRadio, the show;
        //   time: 68.75 + 59.999 + 12.5 + 25 + 25 + 8 + 12.5 s; devices: those and B
        String hours = range(t - 31 * H, t + H);
        String yesterday = """
                {"time":"%s","starts":1,"streams":1,"time_s":25.0,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true}"""
                .formatted(ApiAnswers.iso(t - 30 * H));
        ApiAnswers.await(system.apiPort(), hours, "[" + yesterday + """
                ,{"time":"%s","starts":7,"streams":4,"time_s":211.749,"downloads":1,"iab_downloads":1,"devices":8,"devices_exact":false}]"""
                .formatted(ApiAnswers.iso(t)));

        // the batch again, as Cloudflare retries it; late lines; then the witness
        push(body, 16);
        push(String.join("\n",
                // 3 days late, within what audio still counts (CCU_AUDIO_STATE_DAYS 8, less a day): a start, 6.25 s
                new Request(SPOTIFY, "203.0.113.1", t - 72 * H, "GET", EPISODE, 206, 100_000, "0-99999").cloudflare(),
                // 8 days before the newest line: beyond it, refused
                new Request(CASTBOX, "203.0.113.10", t - 8 * 24 * H, "GET", EPISODE, 206, 200_000, "0-199999").cloudflare()), 0);
        push(new Request(DEEZER, "203.0.113.11", t + 40 * M, "GET", RADIO, 200, 120_000, null).cloudflare(), 0);   // 10 s

        // the retried batch changes nothing; the line 3 days late has its hour, the one 8 days late none
        ApiAnswers.await(system.apiPort(), range(t - 9 * 24 * H, t + H), """
                [{"time":"%s","starts":1,"streams":0,"time_s":6.25,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true},
                """.formatted(ApiAnswers.iso(t - 72 * H)) + yesterday + """
                ,{"time":"%s","starts":8,"streams":4,"time_s":221.749,"downloads":1,"iab_downloads":1,"devices":9,"devices_exact":false}]"""
                .formatted(ApiAnswers.iso(t)));
        String theHour = range(t, t + H);
        ApiAnswers.await(system.apiPort(), theHour + "&group_by=property", """
                [{"time":"%1$s","property":"Alexa","starts":1,"streams":1,"time_s":25.0,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true},
                 {"time":"%1$s","property":"Apple Podcasts","starts":0,"streams":0,"time_s":0.0,"downloads":1,"iab_downloads":1,"devices":1,"devices_exact":true},
                 {"time":"%1$s","property":"Castbox","starts":1,"streams":0,"time_s":12.5,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true},
                 {"time":"%1$s","property":"Deezer","starts":1,"streams":0,"time_s":10.0,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true},
                 {"time":"%1$s","property":"Others","starts":1,"streams":0,"time_s":8.0,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true},
                 {"time":"%1$s","property":"Overcast","starts":1,"streams":1,"time_s":59.999,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true},
                 {"time":"%1$s","property":"Spotify","starts":1,"streams":1,"time_s":68.75,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true},
                 {"time":"%1$s","property":"TuneIn","starts":1,"streams":0,"time_s":12.5,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true},
                 {"time":"%1$s","property":"iHeartRadio","starts":1,"streams":1,"time_s":25.0,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true}]"""
                .formatted(ApiAnswers.iso(t)));
        ApiAnswers.await(system.apiPort(), theHour + "&content_type=live", """
                [{"time":"%s","starts":4,"streams":1,"time_s":55.5,"downloads":0,"iab_downloads":0,"devices":4,"devices_exact":false}]"""
                .formatted(ApiAnswers.iso(t)));
        ApiAnswers.await(system.apiPort(), theHour + "&content_type=dar&contentid=show7", """
                [{"time":"%s","starts":1,"streams":1,"time_s":25.0,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true}]"""
                .formatted(ApiAnswers.iso(t)));
        // a listening app Yauaa takes for a robot is counted under Unknown
        ApiAnswers.await(system.apiPort(), theHour + "&content_type=vod&group_by=device_class", """
                [{"time":"%1$s","device_class":"Mobile","starts":1,"streams":0,"time_s":12.5,"downloads":1,"iab_downloads":1,"devices":2,"devices_exact":false},
                 {"time":"%1$s","device_class":"Phone","starts":1,"streams":1,"time_s":68.75,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true},
                 {"time":"%1$s","device_class":"Unknown","starts":1,"streams":1,"time_s":59.999,"downloads":0,"iab_downloads":0,"devices":1,"devices_exact":true}]"""
                .formatted(ApiAnswers.iso(t)));

        // on the rejected topic (this system's alone): the line 8 days late, refused by the audio count with its reason
        // (the CDN figures took it), and the malformed lines, by the collector, the retried batch's once more
        List<RejectedBeacon> rejected = TopicContents.read(bootstrap(), Topics.REJECTED).stream().map(ConsumerRecord::value).toList();
        List<String> tooLate = rejected.stream().filter(record -> record.message().contains("too late for audio"))
                .map(record -> record.reason() + ": " + record.message().substring(record.message().indexOf("served "))).toList();
        assertEquals(List.of("too-late: served " + ApiAnswers.iso(t - 8 * 24 * H) + ": too late for audio, more than 7 days before the "
                + "newest audio request seen (" + ApiAnswers.iso(t + 20 * M) + "; CCU_AUDIO_STATE_DAYS)"), tooLate);
        assertEquals(List.of("bad-log-line", "bad-log-line", "bad-log-line"),
                rejected.stream().map(RejectedBeacon::reason).filter(reason -> !reason.equals("too-late")).toList());
        awaitCdnRequests(range(t - 8 * 24 * H, t - 8 * 24 * H + H), 1);
    }

    /** Pushes a Cloudflare batch, acknowledged once in Kafka: 204, or 200 listing its malformed line(s). */
    private static void push(String ndjson, int accepted) throws IOException {
        Http.Reply reply = Http.post(system.collectorPort(), "/v1/logs/push", ndjson, "x-ccu-log-token", TOKENS.get("push"));
        if (accepted == 0) {
            assertEquals(204, reply.status(), reply.body());
        } else {
            assertEquals(200, reply.status(), reply.body());
            assertEquals(accepted, JSON.readTree(reply.body()).get("accepted").asInt(), reply.body());
            assertEquals(1, JSON.readTree(reply.body()).get("rejected_count").asInt(), reply.body());
        }
    }

    private static String range(long fromMs, long toMs) {
        return "/playback?accountid=" + ACCOUNT + "&from=" + fromMs / 1000 + "&to=" + toMs / 1000 + "&source=cdn-log";
    }

    /** Waits until the CDN figures of the hour hold this many requests. */
    private static void awaitCdnRequests(String playbackRange, int requests) {
        String query = playbackRange.replace("/playback?", "/cdn?").replace("&source=cdn-log", "") + "&interval=hour";
        Eventually.await(WAIT, query + " holds " + requests + " requests", () -> ApiAnswers.tree(Http.get(system.apiPort(), query,
                "x-api-key", Viewers.API_KEY).body()), rows -> rows.size() == 1 && rows.get(0).get("requests").asInt() == requests);
    }

    private static String bootstrap() {
        return system.broker().orElseThrow().bootstrapServers();
    }
}
