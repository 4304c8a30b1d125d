package liveccu.benchmarks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a gzip access log in the nginx {@code ccu} format of docs/cdn-logs.md (combined + cache status, range,
 * request time, host) for the log benchmark, and the content catalogue its paths match:
 *
 * <pre>
 *   LogFileMaker LINES LOG_FILE CATALOGUE_FILE [SEED [HOURS [listed|unlisted]]]
 * </pre>
 *
 * A podcast CDN's hour (or HOURS) ending now: 50 episodes (one catalogue row each, plus artwork that matches
 * none), 20,000 listeners (IP + app) each playing an episode through in 1 MB range requests (and one in
 * 50 times moving to another), mostly hits, a few misses, 404s, HEAD probes and 5xx. Seeded (default 42): the same
 * seed in the same second writes the same file; another seed another file, with other batch ids and other
 * listeners (their addresses' second octet is the seed's), so no file's listeners go on from another's.
 * {@code unlisted} writes the same requests under paths no catalogue row matches: lines that cost the CDN figures
 * alone, in the same system as the listed ones.
 */
public final class LogFileMaker {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String[] AGENTS = {
        "AppleCoreMedia/1.0.0.20E247 (iPhone; U; CPU OS 16_4 like Mac OS X; en_us)",
        "Spotify/8.8.0 iOS/16.5 (iPhone14,2)",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"};
    private static final String[] CACHE = {"HIT", "HIT", "HIT", "HIT", "MISS", "EXPIRED"};
    private static final int EPISODES = 50;
    private static final int LISTENERS = 20_000;
    private static final long EPISODE_BYTES = 48_000_000;  // 40 min at 160 kbps

    private LogFileMaker() {
    }

    public static void main(String[] args) throws IOException {
        long lines = Long.parseLong(args[0]);
        Path log = Path.of(args[1]);
        Path catalogue = Path.of(args[2]);
        StringBuilder rows = new StringBuilder("content_id,path_pattern,bitrate_kbps,type\n");
        for (int e = 0; e < EPISODES; e++) {
            rows.append("episode-").append(e).append(",/podcasts/show-").append(e % 5).append("/episode-").append(e).append("*.mp3,160,vod\n");
        }
        Files.writeString(catalogue, rows);
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
        SplittableRandom random = new SplittableRandom(seed);
        String root = args.length > 5 && args[5].equals("unlisted") ? "/feeds/show-" : "/podcasts/show-";
        long end = System.currentTimeMillis() / 1000;
        long seconds = 3600L * (args.length > 4 ? Integer.parseInt(args[4]) : 1);
        long start = end - seconds;
        try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(log), 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
            // each listener plays an episode through, 1 MB range after 1 MB range, and sometimes moves on
            int[] episodeOf = new int[LISTENERS];
            int[] rangesDone = new int[LISTENERS];
            for (int l = 0; l < LISTENERS; l++) {
                episodeOf[l] = random.nextInt(EPISODES);
            }
            for (long i = 0; i < lines; i++) {
                int listener = random.nextInt(LISTENERS);
                if ((long) rangesDone[listener] * 1_000_000 >= EPISODE_BYTES || random.nextInt(50) == 0) {
                    episodeOf[listener] = random.nextInt(EPISODES);
                    rangesDone[listener] = 0;
                }
                int episode = episodeOf[listener];
                boolean artwork = random.nextInt(20) == 0;
                String path = artwork ? root + episode % 5 + "/cover.jpg" : root + episode % 5 + "/episode-" + episode + ".mp3";
                int roll = random.nextInt(100);
                String method = roll < 2 ? "HEAD" : "GET";
                int status = roll < 4 ? 404 : roll < 5 ? 503 : artwork ? 200 : 206;
                long from = artwork ? 0 : rangesDone[listener]++ * 1_000_000L;
                long bytes = status >= 400 || method.equals("HEAD") ? 0 : artwork ? 80_000 : 1_000_000;
                String range = status == 206 ? "bytes=" + from + "-" + (from + bytes - 1) : "-";
                long time = start + i * seconds / Math.max(lines, 1);
                out.write("10." + (seed & 255) + "." + (listener >> 8 & 255) + "." + (listener & 255)
                        + " - - [" + TIME.format(Instant.ofEpochSecond(time)) + "] \"" + method + " " + path + " HTTP/1.1\" "
                        + status + " " + bytes + " \"-\" \"" + AGENTS[listener % AGENTS.length] + "\" \""
                        + CACHE[random.nextInt(CACHE.length)] + "\" \"" + range + "\" 0.0" + random.nextInt(10, 99)
                        + " cdn" + (listener % 2) + ".example.com\n");
            }
        }
    }
}
