package liveccu.aggregator.qoe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import liveccu.model.JsonSerde;
import liveccu.model.QoeCount;
import liveccu.model.QoeDimensions;
import org.junit.jupiter.api.Test;

class QoeCountSerdeTest {

    private final QoeCountSerde serde = new QoeCountSerde();

    /** An hour with every dimension, startup buckets, and every sum distinct (a negative one: a change). */
    static QoeCount hour() {
        QoeDimensions d = new QoeDimensions("match-42", "live", "web-player", "Phone", "iOS", "Safari", "FR", 3215L,
                "Orange S.A.", "E_NETWORK");
        return new QoeCount("acct-7", QoeCount.HOUR_MS, 1_765_000_800_000L, d, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                Map.of(0, 3L, 4, 2L, 9, -1L), 14, 15, 16, 17, 18, 19, -20);
    }

    /** A minute: its dimensions beyond content and stream type absent, no startup bucket. */
    static QoeCount minute() {
        return QoeCount.zero("acct-7", QoeCount.MINUTE_MS, 1_765_000_860_000L, hour().dimensions().minute());
    }

    /** Every string absent. */
    static QoeCount nulls() {
        return QoeCount.zero(null, QoeCount.MINUTE_MS, 0, new QoeDimensions(null, null, null, null, null, null, null, null,
                null, null));
    }

    @Test
    void totalsReadBackAsWrittenInFewerBytesThanJson() {
        for (QoeCount c : List.of(hour(), minute(), nulls())) {
            byte[] bytes = serde.serializer().serialize("t", c);
            assertEquals(c, serde.deserializer().deserialize("t", bytes));
            int json = new JsonSerde<>(QoeCount.class).serializer().serialize("t", c).length;
            assertTrue(bytes.length < json * 3 / 4, bytes.length + " bytes, " + json + " as JSON");
        }
    }

    @Test
    void totalsWithoutDimensionsReadBack() {
        QoeCount c = QoeCount.zero("acct-7", QoeCount.MINUTE_MS, 0, null);
        assertEquals(c, serde.deserializer().deserialize("t", serde.serializer().serialize("t", c)));
    }

    @Test
    void totalsWrittenAsJsonBeforeStillRead() {
        for (QoeCount c : List.of(hour(), minute(), nulls())) {
            assertEquals(c, serde.deserializer().deserialize("t", new JsonSerde<>(QoeCount.class).serializer().serialize("t", c)));
        }
    }
}
