package liveccu.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import liveccu.aggregator.audio.AudioSettings;
import liveccu.model.AudioRules;
import liveccu.ops.config.ConfigException;
import liveccu.ops.config.Env;
import org.junit.jupiter.api.Test;

/** The audio settings of {@link AggregatorConfig}: defaults, values read, bad ones reported with the rest at start-up. */
class AudioSettingsTest {

    @Test
    void withoutSettings70000Bytes25SecondsA48HourOpenWindowAndStatesKept8Days() {
        AudioSettings audio = AggregatorConfig.read(new Env(Map.of()), "127.0.0.1:9092").audio();

        assertEquals(AudioRules.defaults(), audio.rules());
        assertEquals(new AudioRules(70_000, Duration.ofSeconds(25), Duration.ofHours(48)), audio.rules());
        assertEquals(Duration.ofDays(8), audio.stateRetention());
        assertEquals(Duration.ofDays(7), audio.lateLimit());
    }

    @Test
    void theSettingsAreRead() {
        Env env = new Env(Map.of("CCU_AUDIO_MIN_BYTES", "1000", "CCU_AUDIO_STREAM_SECONDS", "30", "CCU_AUDIO_OPEN_HOURS", "72",
                "CCU_AUDIO_STATE_DAYS", "36"));
        AudioSettings audio = AggregatorConfig.read(env, "127.0.0.1:9092").audio();
        env.failIfInvalid();

        assertEquals(new AudioRules(1_000, Duration.ofSeconds(30), Duration.ofHours(72)), audio.rules());
        assertEquals(Duration.ofDays(36), audio.stateRetention());
        assertEquals(Duration.ofDays(35), audio.lateLimit());
    }

    @Test
    void badValuesAreStartUpErrorsTogether() {
        Env env = new Env(Map.of("CCU_AUDIO_MIN_BYTES", "-1", "CCU_AUDIO_STREAM_SECONDS", "soon", "CCU_AUDIO_OPEN_HOURS", "0",
                "CCU_AUDIO_STATE_DAYS", "1"));
        AggregatorConfig.read(env, "127.0.0.1:9092");

        ConfigException e = assertThrows(ConfigException.class, env::failIfInvalid);
        assertEquals(List.of("CCU_AUDIO_MIN_BYTES=-1: expected a whole number from 0 to 1000000000",
                "CCU_AUDIO_STREAM_SECONDS=soon: expected a whole number of seconds from 0 to 3600",
                "CCU_AUDIO_OPEN_HOURS=0: expected a whole number from 1 to 8784",
                "CCU_AUDIO_STATE_DAYS=1: expected a whole number from 2 to 366"), e.errors());
    }
}
