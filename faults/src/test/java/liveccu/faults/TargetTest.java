package liveccu.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import liveccu.faults.Target.Role;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How the fault tool's command line names nodes and durations. */
class TargetTest {

    @ParameterizedTest
    @CsvSource({"broker:2, BROKER, 2", "broker:busiest, BROKER, busiest", "aggregator:1, AGGREGATOR, 1",
            "COLLECTOR:2, COLLECTOR, 2", "api:api-7f9c, API, api-7f9c"})
    void aTargetIsRoleColonId(String text, Role role, String id) {
        Target target = Target.parse(text);
        assertEquals(role, target.role());
        assertEquals(id, target.id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"broker", "broker:", "broker:kafka-1", "aggregator:busiest", "zookeeper:1", "api:a b", "api:x;rm"})
    void anythingElseIsRefusedWithTheReason(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Target.parse(text));
        assertTrue(error.getMessage().length() > 10, error.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "5s, 5000", "2m, 120000", "1h, 3600000"})
    void durationsAreWrittenAsOperatorsWriteThem(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), FaultsMain.duration(text));
    }
}
