package liveccu.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import liveccu.aggregator.cdn.CdnRules;
import liveccu.aggregator.cdn.ContentCatalogue;
import liveccu.ops.config.ConfigException;
import liveccu.ops.config.Env;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CDN settings of {@link AggregatorConfig}: defaults, a catalogue file, and a bad one reported with the rest at start-up. */
class CdnSettingsTest {

    @TempDir
    Path dir;

    @Test
    void withoutSettingsBatchesAreRememberedAWeekHoursHeld35DaysAndNoPathIsAContent() {
        CdnRules cdn = AggregatorConfig.read(new Env(Map.of()), "127.0.0.1:9092").cdn();

        assertEquals(Duration.ofDays(7), cdn.redelivery());
        assertEquals(Duration.ofDays(35), cdn.lateHold());
        assertEquals(Duration.ofMinutes(5), cdn.maxFutureSkew());
        assertEquals(ContentCatalogue.EMPTY, cdn.catalogue());
    }

    @Test
    void theSettingsAndTheCatalogueFileAreRead() throws IOException {
        Path file = Files.writeString(dir.resolve("catalogue.csv"), "content_id,path_pattern,bitrate_kbps,type\nep1,/ep1*,64,vod\n");
        Env env = new Env(Map.of("CCU_CDN_REDELIVERY_DAYS", "3", "CCU_CDN_LATE_DAYS", "60",
                "CCU_CONTENT_CATALOGUE", file.toString()));
        CdnRules cdn = AggregatorConfig.read(env, "127.0.0.1:9092").cdn();
        env.failIfInvalid();

        assertEquals(Duration.ofDays(3), cdn.redelivery());
        assertEquals(Duration.ofDays(60), cdn.lateHold());
        assertEquals(new ContentCatalogue.Entry("ep1", 64, "vod"), cdn.catalogue().match("/ep1.mp3"));
        assertNull(cdn.catalogue().match("/ep2.mp3"));
    }

    @Test
    void aBadCatalogueIsAStartUpErrorNamingItsLineWithTheOtherErrors() throws IOException {
        Path file = Files.writeString(dir.resolve("catalogue.csv"),
                "content_id,path_pattern,bitrate_kbps,type\nep1,/ep1*,64,vod\nep2,/ep2*,fast,vod\n");
        Env env = new Env(Map.of("CCU_CONTENT_CATALOGUE", file.toString(), "CCU_CDN_LATE_DAYS", "soon"));
        AggregatorConfig.read(env, "127.0.0.1:9092");

        ConfigException e = assertThrows(ConfigException.class, env::failIfInvalid);
        assertEquals(List.of("CCU_CDN_LATE_DAYS=soon: expected a whole number of days from 0 to 366",
                "CCU_CONTENT_CATALOGUE=" + file + ": line 3: bitrate_kbps must be a whole number above 0, was 'fast'"), e.errors());
    }
}
