package liveccu.collector.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import liveccu.ops.config.ConfigException;
import liveccu.ops.config.Env;
import org.junit.jupiter.api.Test;

class LogSettingsTest {

    private static final String TOKEN_A = "cf-token-0123456789";
    private static final String TOKEN_B = "files-token-0123456789";

    @Test
    void sourcesWithTheirFormatAccountZoneAndToken() {
        Env env = new Env(Map.of("CCU_LOG_SOURCES", "cf-main:cloudflare:123456789, files:combined:acme:zone-eu",
                "CCU_LOG_SOURCE_TOKENS", "cf-main=" + TOKEN_A + ",files=" + TOKEN_B, "CCU_LOG_MAX_LINES", "1000"));
        LogSettings settings = LogSettings.read(env);
        env.failIfInvalid();
        assertEquals(new LogSource("cf-main", LogFormat.CLOUDFLARE, "123456789", "cf-main", TOKEN_A), settings.sources().get("cf-main"));
        assertEquals(new LogSource("files", LogFormat.COMBINED, "acme", "zone-eu", TOKEN_B), settings.sources().get("files"));
        assertEquals(List.of(16 << 20, 64 << 20, 1000, 2), List.of(settings.maxBodyBytes(), settings.maxInflatedBytes(),
                settings.maxLines(), settings.batchesInFlight()));
        assertFalse(settings.toString().contains(TOKEN_A) || settings.toString().contains(TOKEN_B), settings.toString());
        assertTrue(settings.sources().get("cf-main").acceptsToken(TOKEN_A));
        assertFalse(settings.sources().get("cf-main").acceptsToken(TOKEN_B));
        assertFalse(settings.sources().get("cf-main").acceptsToken(null));
    }

    @Test
    void noSourcesByDefault() {
        Env env = new Env(Map.of());
        assertTrue(LogSettings.read(env).sources().isEmpty());
        env.failIfInvalid();
    }

    @Test
    void everyMistakeAtOnceAndNoTokenInAnyMessage() {
        Env env = new Env(Map.of("CCU_LOG_SOURCES", "cf-main:cloudflare:123456789,bad:akamai:1,x:combined:1,y:fastly:1",
                "CCU_LOG_SOURCE_TOKENS", "cf-main=short,other=" + TOKEN_B + ",y=" + TOKEN_A));
        LogSettings.read(env);
        ConfigException e = assertThrows(ConfigException.class, env::failIfInvalid);
        String message = e.getMessage();
        for (String expected : List.of("CCU_LOG_SOURCE_TOKENS entry 1 is not name=token", "'bad:akamai:1' is not name:format:accountid",
                "log source x has no token", "log source cf-main has no token", "CCU_LOG_SOURCE_TOKENS names other")) {
            assertTrue(message.contains(expected), expected + " in " + message);
        }
        assertFalse(message.contains("short") || message.contains(TOKEN_B) || message.contains(TOKEN_A), message);
    }
}
