package liveccu.ops.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    void usesDefaultsForUnsetAndBlankVariables() {
        Env env = new Env(Map.of("B", "  "));

        assertEquals(8080, env.integer("A", 8080, 0, 65535));
        assertEquals("x", env.string("B", "x"));
        assertEquals(Duration.ofMinutes(30), env.duration("C", Duration.ofMinutes(30), ChronoUnit.MINUTES, Duration.ofDays(1)));
        env.failIfInvalid();
    }

    @Test
    void reportsEveryInvalidSettingAtOnce() {
        Env env = new Env(Map.of("PORT", "eighty", "THREADS", "0", "GRACE_MINUTES", "5000"));
        env.integer("PORT", 8080, 0, 65535);
        env.integer("THREADS", 1, 1, 64);
        env.duration("GRACE_MINUTES", Duration.ofMinutes(30), ChronoUnit.MINUTES, Duration.ofDays(1));

        ConfigException e = assertThrows(ConfigException.class, env::failIfInvalid);

        assertEquals(3, e.errors().size());
        assertEquals("PORT=eighty: expected a whole number from 0 to 65535", e.errors().get(0));
        assertEquals("GRACE_MINUTES=5000: expected a whole number of minutes from 0 to 1440", e.errors().get(2));
    }

    @Test
    void aDefaultNeverOverridesAGivenValue() {
        Env env = new Env(Map.of("A", "given")).withDefault("A", "default").withDefault("B", "default");

        assertEquals("given", env.string("A", null));
        assertEquals("default", env.string("B", null));
    }

    @Test
    void anErrorFoundBeforeADefaultWasAddedIsStillReported() {
        Env given = new Env(Map.of("CCU_KAFKA_PORT", "abc"));
        given.integer("CCU_KAFKA_PORT", 9092, 0, 65535);
        Env withDefaults = given.withDefault("CCU_STATE_DIR", "data/streams");

        ConfigException e = assertThrows(ConfigException.class, withDefaults::failIfInvalid);
        assertEquals(List.of("CCU_KAFKA_PORT=abc: expected a whole number from 0 to 65535"), e.errors());
    }

    @Test
    void sharedSettingsRequireABootstrapServerWhenNoneIsImplied() {
        Env env = new Env(Map.of());
        PipelineSettings.read(env, null);

        ConfigException e = assertThrows(ConfigException.class, env::failIfInvalid);
        assertEquals(1, e.errors().size());
    }

    @Test
    void remembersEveryNameAskedForSetOrNotAcrossItsCopies() {
        Env env = new Env(Map.of("A", "1"));
        env.integer("A", 0, 0, 9);
        Env copy = env.withDefault("B", "x");
        copy.string("C", "y");
        copy.duration("D_MS", Duration.ZERO, ChronoUnit.MILLIS, Duration.ofSeconds(1));

        assertEquals(java.util.Set.of("A", "B", "C", "D_MS"), env.namesAskedFor());
    }
}
