package liveccu.aggregator.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import liveccu.aggregator.cdn.ContentCatalogue.Entry;
import liveccu.aggregator.cdn.ContentCatalogue.InvalidCatalogueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentCatalogueTest {

    private static final String GOOD = """
            content_id,path_pattern,bitrate_kbps,type
            ep42,/podcasts/ep42*.mp3,128,vod
            all-podcasts,/podcasts/*,64,vod

            radio-1,/live/radio1/*/chunk-*.aac,96,live
            "show, recorded",/dar/show.m3u8,256,dar
            exact,/exact.mp3,32,vod
            """;

    @TempDir
    Path dir;

    @Test
    void theFirstMatchingRowInFileOrderGivesTheContent() throws IOException {
        ContentCatalogue catalogue = ContentCatalogue.load(write(GOOD));

        assertEquals(5, catalogue.size());
        assertEquals(new Entry("ep42", 128, "vod"), catalogue.match("/podcasts/ep42.mp3"));
        assertEquals(new Entry("ep42", 128, "vod"), catalogue.match("/podcasts/ep42-part2.mp3"));
        // ep42's pattern wants .mp3 at the end: the broader row after it matches
        assertEquals(new Entry("all-podcasts", 64, "vod"), catalogue.match("/podcasts/ep42.ogg"));
        assertEquals(new Entry("all-podcasts", 64, "vod"), catalogue.match("/podcasts/"));
        assertEquals(new Entry("radio-1", 96, "live"), catalogue.match("/live/radio1/hi/chunk-7.aac"));
        assertEquals(new Entry("radio-1", 96, "live"), catalogue.match("/live/radio1/a/b/chunk-.aac"));
        assertEquals(new Entry("show, recorded", 256, "dar"), catalogue.match("/dar/show.m3u8"));
        assertEquals(new Entry("exact", 32, "vod"), catalogue.match("/exact.mp3"));
    }

    @Test
    void fileOrderDecidesWhateverTheTextBeforeTheFirstWildcard() throws IOException {
        ContentCatalogue broadFirst = ContentCatalogue.load(write("""
                content_id,path_pattern,bitrate_kbps,type
                short,/a*,1,vod
                any-mp3,*.mp3,2,vod
                ep1,/audio/ep1.mp3,3,vod
                """));
        ContentCatalogue specificFirst = ContentCatalogue.load(write("""
                content_id,path_pattern,bitrate_kbps,type
                ep1,/audio/ep1.mp3,3,vod
                any-mp3,*.mp3,2,vod
                short,/a*,1,vod
                """));

        assertEquals("short", broadFirst.match("/audio/ep1.mp3").contentId());
        assertEquals("any-mp3", broadFirst.match("/video/ep1.mp3").contentId());
        assertEquals("ep1", specificFirst.match("/audio/ep1.mp3").contentId());
        assertEquals("any-mp3", specificFirst.match("/audio/ep2.mp3").contentId());
        assertEquals("short", specificFirst.match("/audio/ep2.ogg").contentId());
    }

    @Test
    void aPathNoPatternMatchesWhollyHasNoContent() throws IOException {
        ContentCatalogue catalogue = ContentCatalogue.load(write(GOOD));

        assertNull(catalogue.match("/other/ep42.mp3"));
        assertNull(catalogue.match("/exact.mp3.bak"));
        assertNull(catalogue.match("/live/radio1/hi/chunk-7.aac.tmp"));
        assertNull(catalogue.match("/live/radio1/chunk-7.aac"));       // the middle * needs its slashes around it
        assertNull(catalogue.match(null));
        assertNull(catalogue.match("/other/ep42.mp3"));                 // remembered: the same answer
        assertNull(ContentCatalogue.EMPTY.match("/podcasts/ep42.mp3"));
    }

    @Test
    void aSpreadsheetsByteOrderMarkAndQuotesAreRead() throws IOException {
        ContentCatalogue catalogue = ContentCatalogue.load(write("\uFEFF" + GOOD));

        assertEquals(new Entry("show, recorded", 256, "dar"), catalogue.match("/dar/show.m3u8"));
    }

    @Test
    void aBadLineIsAnErrorNamingItsLine() throws IOException {
        assertEquals("line 3: bitrate_kbps must be a whole number above 0, was 'fast'", error("""
                content_id,path_pattern,bitrate_kbps,type
                ep1,/a/*,128,vod
                ep2,/b/*,fast,vod
                """));
        assertEquals("line 4: type must be one of vod, live, dar, was 'podcast'", error("""
                content_id,path_pattern,bitrate_kbps,type
                ep1,/a/*,128,vod

                ep2,/b/*,128,podcast
                """));
        assertEquals("line 2: 3 values, expected 4 (content_id,path_pattern,bitrate_kbps,type)", error("""
                content_id,path_pattern,bitrate_kbps,type
                ep1,/a/*,128
                """));
        assertEquals("line 2: content_id and path_pattern must not be empty", error("""
                content_id,path_pattern,bitrate_kbps,type
                ep1,,128,vod
                """));
        assertEquals("line 2: bitrate_kbps must be a whole number above 0, was '0'", error("""
                content_id,path_pattern,bitrate_kbps,type
                ep1,/a,0,vod
                """));
        assertEquals("line 1: the header must be content_id,path_pattern,bitrate_kbps,type", error("""
                content,pattern,bitrate,type
                ep1,/a/*,128,vod
                """));
        assertEquals("line 1: the header must be content_id,path_pattern,bitrate_kbps,type", error(""));
    }

    @Test
    void aMissingFileIsAnError() {
        InvalidCatalogueException e = assertThrows(InvalidCatalogueException.class,
                () -> ContentCatalogue.load(dir.resolve("absent.csv")));
        assertEquals(true, e.getMessage().startsWith("cannot read the file: "), e.getMessage());
    }

    private String error(String csv) throws IOException {
        Path file = write(csv);
        return assertThrows(InvalidCatalogueException.class, () -> ContentCatalogue.load(file)).getMessage();
    }

    private Path write(String csv) throws IOException {
        return Files.writeString(dir.resolve("catalogue.csv"), csv);
    }
}
