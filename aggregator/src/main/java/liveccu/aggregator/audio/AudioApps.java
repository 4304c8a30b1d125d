package liveccu.aggregator.audio;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which app an audio request came from, by its user agent: the property audio is counted under. The
 * table is data ({@code audio-apps.tsv} beside this class: our own rows, no public list copied); an
 * agent no row matches is {@link #OTHERS}. Also tells a podcast app's feed crawler from its player.
 */
final class AudioApps {

    static final String OTHERS = "Others";
    /** Any browser not named before it: a web player, or a bot pretending to be a browser (Yauaa decides). */
    static final String WEB = "Web";

    /**
     * Feed crawlers and sync services of podcast apps ({@code Pocket Casts Feed Parser},
     * {@code Overcast/1.0 Podcast Sync}, {@code Spotify-Feed-Parser}): they fetch for an index, nobody listens.
     */
    private static final Pattern FEED_FETCHER = Pattern.compile(
            "feed[ -]?(parser|fetcher)|podcast ?sync|crawler|spider|\\bbot\\b", Pattern.CASE_INSENSITIVE);

    private record Row(String app, Pattern agent) {
    }

    private final List<Row> rows;

    private AudioApps(List<Row> rows) {
        this.rows = rows;
    }

    /** The table shipped with the aggregator. */
    static AudioApps standard() {
        try (InputStream in = AudioApps.class.getResourceAsStream("audio-apps.tsv")) {
            return read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows of {@code app<TAB>regex}; blank lines and {@code #} comments skipped; a bad row names its line. */
    static AudioApps read(BufferedReader tsv) throws IOException {
        List<Row> rows = new ArrayList<>();
        int number = 0;
        for (String line = tsv.readLine(); line != null; line = tsv.readLine()) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] columns = line.split("\t");
            if (columns.length != 2 || columns[0].isBlank() || columns[1].isBlank()) {
                throw new IllegalArgumentException("line " + number + ": expected an app and a pattern, tab-separated");
            }
            try {
                rows.add(new Row(columns[0], Pattern.compile(columns[1], Pattern.CASE_INSENSITIVE)));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("line " + number + ": " + e.getDescription(), e);
            }
        }
        return new AudioApps(List.copyOf(rows));
    }

    /** The app of a user agent: its first matching row's, else {@link #OTHERS} (also for none). */
    String appOf(String userAgent) {
        if (userAgent != null) {
            for (Row row : rows) {
                if (row.agent().matcher(userAgent).find()) {
                    return row.app();
                }
            }
        }
        return OTHERS;
    }

    /** A named app or device people listen with: neither {@link #WEB} nor {@link #OTHERS}. */
    static boolean isListeningApp(String app) {
        return !OTHERS.equals(app) && !WEB.equals(app);
    }

    static boolean isFeedFetcher(String userAgent) {
        return userAgent != null && FEED_FETCHER.matcher(userAgent).find();
    }
}
