package liveccu.aggregator.qoe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import liveccu.aggregator.qoe.QoeState.Mark;
import liveccu.model.ContentDimensions;
import liveccu.model.JsonSerde;
import org.junit.jupiter.api.Test;

class QoeStateSerdeTest {

    private final QoeStateSerde serde = new QoeStateSerde();

    /** A playing view with every field set and distinct, {@code marks} open marks. */
    static QoeState playing(int marks) {
        List<Mark> open = new ArrayList<>();
        for (int i = 0; i < marks; i++) {
            open.add(i % 2 == 0
                    ? new Mark(1_765_000_000_000L + i * 10_000, "p", true, (long) i, "t", 1_765_000_000_000L + i * 10_000, 0, 4_500L)
                    : new Mark(1_765_000_000_000L + i * 10_000, "r", false, null, "buffering", 1_765_000_000_500L + i * 10_000, 0, null));
        }
        return new QoeState("acct-7",
                new ContentDimensions("match-42", "live", "web-player", "sport", "dist", "prod", "show", "zone", "Phone", "cmcd"),
                1_764_999_990_000L, "live", 1_764_999_990_001L, "Phone", "iOS", "Safari", "dev-1", 1_764_999_990_002L, "FR",
                3215L, "Orange S.A.", 1_764_999_990_003L, 1_765_000_200_000L, 1_764_999_999_000L, 1_764_999_990_004L,
                1_764_999_990_005L, true, 1_764_999_990_006L, 1_765_000_190_000L, 1_765_000_195_000L, 1_765_000_199_000L,
                1_764_999_990_007L, 12_345L, 1_765_000_195_001L, "E_NETWORK",
                new Mark(1_764_999_998_000L, "r", true, 99L, "ps", 1_764_999_998_000L, 2_000, 3_000L), true, 600_000, 4_000, 2,
                List.of("60000:1764999960000:p", "3600000:1764997200000:r"), open);
    }

    @Test
    void aStateReadsBackAsWrittenInFewerBytesThanJson() {
        for (QoeState s : List.of(playing(0), playing(15), QoeState.empty("acct-7"), QoeState.empty(null))) {
            byte[] bytes = serde.serializer().serialize("t", s);
            assertEquals(s, serde.deserializer().deserialize("t", bytes));
            int json = new JsonSerde<>(QoeState.class).serializer().serialize("t", s).length;
            assertTrue(bytes.length < json * 3 / 4, bytes.length + " bytes, " + json + " as JSON");
        }
    }

    @Test
    void aStateWithoutContentOrListsReadsBack() {
        QoeState s = playing(1);
        QoeState bare = new QoeState(s.accountId(), null, s.contentTimeMs(), s.contentType(), s.contentTypeTimeMs(),
                s.deviceClass(), s.os(), s.browser(), s.deviceId(), s.deviceTimeMs(), s.country(), s.asn(), s.asOrg(),
                s.geoTimeMs(), s.newestEventMs(), s.settledBeforeMs(), s.intentMs(), s.firstReportMs(), s.active(),
                s.firstPlayingMs(), s.lastPlayingMs(), s.lastFatalMs(), s.endMs(), s.msdTimeMs(), s.msd(), s.codeTimeMs(),
                s.code(), s.settledMark(), s.settledRunCounts(), s.settledPlayedMs(), s.settledRebufferMs(),
                s.settledRebuffers(), null, null);
        assertEquals(bare, serde.deserializer().deserialize("t", serde.serializer().serialize("t", bare)));
    }

    @Test
    void aStateWrittenAsJsonBeforeStillReads() {
        for (QoeState s : List.of(playing(15), QoeState.empty("acct-7"))) {
            assertEquals(s, serde.deserializer().deserialize("t", new JsonSerde<>(QoeState.class).serializer().serialize("t", s)));
        }
    }
}
