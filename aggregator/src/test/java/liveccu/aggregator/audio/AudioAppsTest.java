package liveccu.aggregator.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.StringReader;
import liveccu.aggregator.playback.DeviceClassifier;
import liveccu.model.AudioRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The app table and the bot rule on real agents, with the real Yauaa. */
class AudioAppsTest {

    private static final AudioApps APPS = AudioApps.standard();
    private static DeviceClassifier yauaa;

    @BeforeAll
    static void buildYauaa() {
        yauaa = DeviceClassifier.build(100);
    }

    /** agent, the app, Yauaa's device class, whether it is a bot by {@link AudioRules#isBot}. */
    private static final String[][] AGENTS = {
        {"AppleCoreMedia/1.0.0.20E247 (iPhone; U; CPU OS 16_4 like Mac OS X; en_us)", "Apple CoreMedia", "Phone", "listener"},
        {"Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0", "Apple Podcasts", "Mobile", "listener"},
        {"Spotify/8.8.0 iOS/16.5 (iPhone14,2)", "Spotify", "Phone", "listener"},
        {"Spotify/8.8.0 Android/33 (SM-G991B)", "Spotify", "Mobile", "listener"},
        // Yauaa reads the URL as a robot's; it is Overcast's player downloading the episode
        {"Overcast/3.0 (+http://overcast.fm/; iOS podcast app)", "Overcast", "Robot", "listener"},
        {"Overcast/1.0 Podcast Sync (+http://overcast.fm/)", "Overcast", "Robot", "bot"},
        {"PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)", "Pocket Casts", "Robot", "bot"},
        // an agent of the app's name alone: Yauaa says Hacker, the table knows the app
        {"Pocket Casts", "Pocket Casts", "Hacker", "listener"},
        {"TuneIn Radio/27.5 (Android 13)", "TuneIn", "Mobile", "listener"},
        {"TuneIn Radio Pro/27.5.1; iPhone14,2; iOS/16.5", "TuneIn", "Phone", "listener"},
        {"Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/90.0.4430.225 Safari/537.36 "
                + "CrKey/1.56.500000", "Chromecast", "Set-top box", "listener"},
        {"Roku/DVP-12.0 (12.0.0.4182-88)", "Roku", "Set-top box", "listener"},
        {"CastBox/8.22.1-211018089 (Linux;Android 11) ExoPlayerLib/2.10.4", "Castbox", "Mobile", "listener"},
        {"Podcast Addict/v5 - Dalvik/2.1.0 (Linux; U; Android 12; SM-A515F Build/SP1A.210812.016)", "Podcast Addict",
                "Mobile", "listener"},
        {"iHeartRadio/10.20.0 (Android 12; SM-G991U Build/SP1A.210812.016)", "iHeartRadio", "Mobile", "listener"},
        {"Deezer/7.0.0.4 (Android; 12; Mobile; fr) samsung SM-G991B", "Deezer", "Phone", "listener"},
        {"AmazonMusic/22.10.0 Android/12 SM-G991B", "Amazon Music", "Mobile", "listener"},
        {"AlexaMediaPlayer/2.1.4676.0 (Linux;Android 5.1.1) ExoPlayerLib/1.5.9", "Alexa", "Mobile", "listener"},
        {"Castro 2022.5/1234 CFNetwork/1335.0.3 Darwin/21.6.0", "Castro", "Mobile", "listener"},
        {"Linux UPnP/1.0 Sonos/70.3-35220 (ZPS1)", "Sonos", "Unknown", "listener"},
        // Yauaa says nothing of a bot here: the feed-fetcher rule does
        {"Spotify-Feed-Parser/1.0", "Spotify", "Unknown", "bot"},
        {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
                "Web", "Desktop", "listener"},
        {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Web", "Robot", "bot"},
        {"stagefright/1.2 (Linux;Android 12)", "Others", "Mobile", "listener"},
        {"iTMS", "Others", "Hacker", "bot"},
        {"curl/8.0.1", "Others", "Robot", "bot"},
        {"", "Others", "Hacker", "bot"},
    };

    @Test
    void recognisesEachAppAndTellsItsPlayerFromItsCrawler() {
        for (String[] agent : AGENTS) {
            String ua = agent[0];
            String app = APPS.appOf(ua);
            String deviceClass = yauaa.deviceClass(ua);
            assertEquals(agent[1], app, ua);
            assertEquals(agent[2], deviceClass, ua);
            boolean bot = AudioRules.isBot(AudioApps.isFeedFetcher(ua), AudioApps.isListeningApp(app), deviceClass);
            assertEquals("bot".equals(agent[3]), bot, ua);
        }
    }

    @Test
    void anUnknownOrMissingAgentIsOthers() {
        assertEquals(AudioApps.OTHERS, APPS.appOf("MyRadioPlayer/1.0"));
        assertEquals(AudioApps.OTHERS, APPS.appOf(null));
    }

    @Test
    void theFirstMatchingRowWins() throws Exception {
        AudioApps apps = AudioApps.read(new BufferedReader(new StringReader("# comment\n\nChromecast\tCrKey/\nWeb\t^Mozilla/\n")));
        assertEquals("Chromecast", apps.appOf("Mozilla/5.0 (X11) Chrome/90 CrKey/1.56"));
        assertEquals("Web", apps.appOf("Mozilla/5.0 (X11) Chrome/90"));
    }

    @Test
    void aBadRowNamesItsLine() {
        IllegalArgumentException noTab = assertThrows(IllegalArgumentException.class,
                () -> AudioApps.read(new BufferedReader(new StringReader("# apps\nSpotify ^Spotify\n"))));
        assertEquals("line 2: expected an app and a pattern, tab-separated", noTab.getMessage());
        IllegalArgumentException badPattern = assertThrows(IllegalArgumentException.class,
                () -> AudioApps.read(new BufferedReader(new StringReader("Spotify\t^Spotify(\n"))));
        assertEquals("line 1: Unclosed group", badPattern.getMessage());
    }
}
