package liveccu.allinone;

import java.time.Duration;
import liveccu.model.QoeRules;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;

/**
 * Views as standard players report them (docs/qoe.md, "Which keys each player really sends"): CMCD v2 event-mode
 * lines shaped as hls.js 1.7.4 and Shaka Player 5.2 send them, and the platform's player events; and what each
 * view did, worked out from its reports. Shared by QoeIT and DashboardIT.
 */
final class QoePlayers {

    static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/120.0.0.0 Safari/537.36";
    static final String FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";

    /** hls.js's view: playing until its seek, then after it until the held segment, then to the pause; ms. */
    static final long HLS_PLAYED_FIRST_MINUTE = (30_000 - 6_200) + (40_000 - 30_000) + (50_000 - 40_900) + (60_000 - 53_500);
    static final long HLS_PLAYED = HLS_PLAYED_FIRST_MINUTE + (70_000 - 60_000);
    static final long HLS_STARTUP = 6_200 - 5_000;
    static final long HLS_REBUFFER = 53_500 - 50_000;
    /** Shaka's view: from the first frame to the held segment, then from playing again to the end. */
    static final long SHAKA_PLAYED_FIRST_MINUTE = (30_000 - 1_800) + (40_000 - 30_000) + (60_000 - 44_000);
    static final long SHAKA_PLAYED = SHAKA_PLAYED_FIRST_MINUTE + (70_000 - 60_000);
    static final long SHAKA_STARTUP = 1_800;              // its msd: load() -> playing
    static final long SHAKA_REBUFFER = 42_000 - 40_000;   // from r to its next state report (f)
    /** The platform player's view: playing 8 s then 2 s, a stall from buffering to playing's start (20 s − 2 s). */
    static final long PLAYER_PLAYED = 8_000 + 2_000;
    static final long PLAYER_STARTUP = 10_000 - 8_000;
    static final long PLAYER_REBUFFER = 18_000 - 15_000;

    private QoePlayers() {
    }

    /** CMCD v2 event-mode report lines of one content, times relative to {@code t0}. */
    record Report(String content, long t0) {
        /** One line: {@code e}, its state (none: null), time, sequence number, bitrate (kbps, none: null); st=v, sf=h. */
        String line(String sid, String e, String sta, long at, long sn, Long br) {
            return "e=" + e + ",sid=\"" + sid + "\",cid=\"" + content + "\",ts=" + (t0 + at) + (sta == null ? "" : ",sta=" + sta)
                    + ",sn=" + sn + (br == null ? "" : ",br=(" + br + ")") + ",sf=h,st=v,v=2\n";
        }

        /**
         * A line as the players send it before their playlist or manifest is loaded: without {@code st} (hls.js's
         * first {@code ps} and {@code t}, Shaka's first {@code t} and {@code r}; measured by QoePlayersIT).
         */
        String beforeManifest(String sid, String e, String sta, long at, long sn, Long br) {
            return line(sid, e, sta, at, sn, br).replace(",st=v", "");
        }

        /**
         * hls.js, its media attached before {@code loadSource()}, no autoplay: {@code ps} and {@code t} in state
         * preloading when the manifest starts loading (no st yet); the click (intent) at 5 s; first frame at 6.2 s; a
         * seek read as r (not a rebuffer); a segment held back 3.5 s (a rebuffer); paused at 70 s, then the tab is
         * closed. 3,000 kbps.
         */
        String hlsJs(String sid) {
            return beforeManifest(sid, "ps", "d", 0, 0, null) + beforeManifest(sid, "t", "d", 0, 1, null)
                    + line(sid, "ps", "s", 5_000, 2, 3000L) + line(sid, "ps", "p", 6_200, 3, 3000L)
                    + line(sid, "t", "p", 30_000, 4, 3000L) + line(sid, "ps", "k", 40_000, 5, 3000L)
                    + line(sid, "ps", "r", 40_010, 6, 3000L) + line(sid, "ps", "p", 40_900, 7, 3000L)
                    + line(sid, "ps", "r", 50_000, 8, 3000L) + line(sid, "ps", "p", 53_500, 9, 3000L)
                    + line(sid, "t", "p", 60_000, 10, 3000L) + line(sid, "ps", "a", 70_000, 11, 3000L)
                    + line(sid, "t", "a", 90_000, 12, 3000L);
        }

        /**
         * Shaka (a debug build: its release builds send no state): its reporter's first report at 0, no state (the
         * intent), then load(): buffering before the first frame (startup, not a rebuffer), both before the manifest
         * (no st); first frame at 1.8 s, msd on the next report, a held segment with a recoverable error in it (f,
         * then e with no code, then playing: no failure), ended at 70 s. 2,500 kbps.
         */
        String shaka(String sid) {
            return beforeManifest(sid, "t", null, 0, 0, null) + beforeManifest(sid, "ps", "r", 100, 1, null)
                    + line(sid, "ps", "p", 1_800, 2, 2500L) + line(sid, "t", "p", 30_000, 3, 2500L).replace(",v=2", ",msd=1800,v=2")
                    + line(sid, "ps", "r", 40_000, 4, 2500L) + line(sid, "ps", "f", 42_000, 5, 2500L)
                    + line(sid, "e", "f", 42_000, 6, 2500L) + line(sid, "ps", "p", 44_000, 7, 2500L)
                    + line(sid, "t", "p", 60_000, 8, 2500L) + line(sid, "ps", "e", 70_000, 9, 2500L);
        }

        /**
         * hls.js (autoplay), a manifest answering 404: starting ({@code ps} and {@code t}), fatal at 1.5 s, its error
         * report naming it; never an st (no playlist was loaded).
         */
        String hlsJsManifest404(String sid) {
            return beforeManifest(sid, "ps", "s", 0, 0, null) + beforeManifest(sid, "t", "s", 0, 1, null)
                    + beforeManifest(sid, "ps", "f", 1_500, 2, null)
                    + beforeManifest(sid, "e", "f", 1_500, 3, null).replace(",v=2", ",ec=(\"manifestLoadError\"),v=2");
        }

        /**
         * hls.js (autoplay), a first segment that never comes, then the page is closed: starting ({@code ps} and
         * {@code t}, before the playlist), then silence but for its time-interval report at 30 s (with st: the
         * playlist was loaded, the segment asked for).
         */
        String hlsJsExit(String sid) {
            return beforeManifest(sid, "ps", "s", 0, 0, null) + beforeManifest(sid, "t", "s", 0, 1, null)
                    + line(sid, "t", "s", 30_000, 2, null);
        }

        /** The platform's events: play at 0, playing since 2 s, a 3 s stall from 15 s, paused at 25 s. */
        String playerEvents(String playbackId) {
            String event = "{\"event\":\"%s\",\"playback_id\":\"" + playbackId + "\",\"time\":%d,\"content_id\":\"" + content
                    + "\",\"content_type\":\"vod\"%s}\n";
            return event.formatted("play", t0, "") + event.formatted("playing", t0 + 10_000, ",\"seconds\":8")
                    + event.formatted("buffering", t0 + 15_000, "") + event.formatted("playing", t0 + 20_000, ",\"seconds\":2")
                    + event.formatted("pause", t0 + 25_000, "");
        }
    }

    /** The startup time the API gives for a time in a quantile: its bucket's value, whole ms. */
    static long bucketMs(long ms) {
        return Math.round(QoeRules.startupOfBucket(QoeRules.startupBucket(ms)));
    }

    /** As the API gives a percentage: 2 decimals. */
    static double percent(long part, long whole) {
        return Math.round(10_000.0 * part / whole) / 100.0;
    }

    /** CMCD reports to the collector's target for the account and job, once it acknowledged them. */
    static void postCmcd(int collectorPort, String account, String job, String reports, String userAgent) {
        Eventually.await(Duration.ofSeconds(30), "CMCD reports accepted", () -> Http.post(collectorPort,
                        "/cmcd/" + account + "/" + job, reports, "content-type", "application/cmcd", "user-agent", userAgent),
                reply -> reply.status() == 204);
    }

    /** Player events as NDJSON, once the collector acknowledged them. */
    static void postEvents(int collectorPort, String account, String ndjson, String userAgent) {
        Eventually.await(Duration.ofSeconds(30), "player events accepted", () -> Http.post(collectorPort,
                        "/v1/accounts/" + account + "/events", ndjson, "content-type", "application/x-ndjson",
                        "user-agent", userAgent),
                reply -> reply.status() == 204);
    }
}
