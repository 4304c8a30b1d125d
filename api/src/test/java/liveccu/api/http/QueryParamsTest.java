package liveccu.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import liveccu.ops.http.HttpFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryParamsTest {

    @ParameterizedTest(name = "accountid [{0}]")
    @CsvSource(nullValues = "NULL", value = {"NULL", "''", "'has space'", "'slash/es'"})
    void accountIdsAreCheckedLikeTheCollectorDoes(String account) {
        HttpFailure failure = assertThrows(HttpFailure.class, () -> QueryParams.accountId(account));
        assertEquals("accountid is required: 1-64 of A-Z a-z 0-9 . _ -", failure.getMessage());
    }

    @Test
    void trackingIdsAreFreeTextUpTo128Characters() {
        assertEquals("reseller/7 gold", QueryParams.trackingId("reseller/7 gold"));
        assertEquals(400, assertThrows(HttpFailure.class, () -> QueryParams.trackingId("t".repeat(129))).status());
        assertEquals(400, assertThrows(HttpFailure.class, () -> QueryParams.trackingId(null)).status());
    }

    @Test
    void aRangeIsFromAndToInUnixSecondsToAfterFromAndAtMostTheMaximum() {
        assertEquals(new QueryParams.Range(1_534_640_040_000L, 1_534_640_160_000L),
                QueryParams.range(Map.of("from", "1534640040", "to", "1534640160")::get, Duration.ofDays(1)));
        assertEquals("to must be after from", assertThrows(HttpFailure.class,
                () -> QueryParams.range(Map.of("from", "1534640040", "to", "1534640040")::get, Duration.ofDays(1))).getMessage());
        assertEquals("the range is at most 1 days (what this API keeps)", assertThrows(HttpFailure.class,
                () -> QueryParams.range(Map.of("from", "1534000000", "to", "1534640040")::get, Duration.ofDays(1))).getMessage());
        assertEquals("from is required: Unix time in whole seconds", assertThrows(HttpFailure.class,
                () -> QueryParams.range(Map.of("to", "1534640040")::get, Duration.ofDays(1))).getMessage());
    }

    @Test
    void theFormatIsJsonByDefaultOrCsv() {
        assertFalse(QueryParams.csv(null));
        assertFalse(QueryParams.csv("json"));
        assertTrue(QueryParams.csv("csv"));
        assertEquals("format must be json or csv", assertThrows(HttpFailure.class, () -> QueryParams.csv("xml")).getMessage());
    }
}
