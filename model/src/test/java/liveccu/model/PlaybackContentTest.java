package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A playback's content and content type from the set of its events ({@link PlaybackContent}), in any order. */
class PlaybackContentTest {

    /**
     * Events {@code MS:CONTENT_ID:TYPE} ({@code -}: not said); the playback's content id, its content type, and the
     * content type of the event naming the content (its own dimensions).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "hls.js autoplay: s before the playlist, st from the first p;  0:match:- 2:match:- 225:match:vod 30000:match:vod; match; vod;  -",
            "Shaka: t and r before the manifest, then st;                   0:match:- 7:match:- 1044:match:vod;               match; vod;  -",
            "a player event naming both;                                    0:news:live 5000:news:live;                       news;  live; live",
            "the type from an event naming no content;                      0:-:vod 10:match:-;                               match; vod;  -",
            "the content from its earliest event, the type from its own;    10:b:live 0:a:- 20:a:vod;                         a;     live; -",
            "a tie: the smaller text, whatever the order;                   5:m:vod 5:m:live 0:m:-;                           m;     live; -",
            "none says a type;                                              0:m:- 30000:m:-;                                  m;     -;    -",
            "no content, no type;                                           0:-:-;                                            -;     -;    -",
    })
    void theContentIsItsEarliestEventNamingOneAndTheTypeItsEarliestCarryingOne(String why, String events, String contentId,
                                                                              String contentType, String contentsOwnType) {
        List<PlayerEvent> list = parse(events);
        PlaybackContent inOrder = apply(list);
        assertEquals(contentId, inOrder.dimensions().contentId(), why);
        assertEquals(contentType, inOrder.dimensions().contentType(), why);
        assertEquals(contentType, inOrder.contentType(), why);
        assertEquals(contentsOwnType, inOrder.content().contentType(), why);

        Random random = new Random(24);
        for (int round = 0; round < 20; round++) {
            List<PlayerEvent> shuffled = new ArrayList<>(list);
            shuffled.addAll(list);
            Collections.shuffle(shuffled, random);
            assertEquals(inOrder, apply(shuffled), why + ": order " + round);
        }
    }

    @Test
    void anEventThatChangesNothingKeepsTheSameInstance() {
        PlaybackContent content = apply(parse("0:m:- 10:m:vod"));
        assertSame(content, content.with(parse("20:m:live").get(0)));
        assertSame(content, content.with(parse("10:m:vod").get(0)));
    }

    @Test
    void aStateWrittenBeforeTheRuleHasItsContentsTypeFromItsContentsTime() {
        // as a state was kept before: the content (with the type its earliest naming event said), no type fields
        ContentDimensions said = new ContentDimensions("m", "live", "web", null, null, null, null, null);
        PlaybackContent written = PlaybackContent.of(said, 1_000, null, null);
        assertEquals(new PlaybackContent(said, 1_000, "live", 1_000L), written);
        assertEquals(said, written.dimensions());
        // a later event's type changes nothing; an earlier one takes over, as for every other playback
        assertSame(written, written.with(parse("2000:m:vod").get(0)));
        assertEquals("vod", written.with(parse("500:-:vod").get(0)).dimensions().contentType());
        // the content said none: the first event after the upgrade that carries one gives it
        ContentDimensions unsaid = new ContentDimensions("m", null, "web", null, null, null, null, null);
        assertEquals("vod", PlaybackContent.of(unsaid, 1_000, null, null).with(parse("2000:m:vod").get(0)).contentType());
    }

    private static PlaybackContent apply(List<PlayerEvent> events) {
        PlaybackContent content = PlaybackContent.NONE;
        for (PlayerEvent event : events) {
            content = content.with(event);
        }
        return content;
    }

    private static List<PlayerEvent> parse(String events) {
        List<PlayerEvent> parsed = new ArrayList<>();
        for (String token : events.trim().split("\\s+")) {
            String[] parts = token.split(":");
            String id = "-".equals(parts[1]) ? null : parts[1];
            String type = "-".equals(parts[2]) ? null : parts[2];
            parsed.add(new PlayerEvent("cmcd", "cmcd", "acc", "pb", Long.parseLong(parts[0]), Long.parseLong(parts[0]), id, type,
                    "web", null, null, null, null, null, null, null, null, null, "UA", "ip", null));
        }
        return parsed;
    }
}
