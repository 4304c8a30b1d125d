package liveccu.aggregator.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import liveccu.model.CdnRequest;
import liveccu.model.CdnTraffic;
import liveccu.model.JsonSerde;
import org.junit.jupiter.api.Test;

class CompactCdnSerdesTest {

    private static final CdnRequest FULL = new CdnRequest("batch", 7, "123", "cdn-1", "combined", "zone-1", 1_000, 2_000,
            "hash", "GET", "cdn.example.com", "/podcasts/ép42.mp3", 206, 1_000_000, 0L, 999_999L, "Spotify/8.8", "-", "CDG",
            "HIT", 12L);
    private static final CdnRequest SPARSE = new CdnRequest("batch", 8, "123", "cdn-1", "combined", null, 1_000, 2_000,
            "hash", "GET", null, "/x", 200, 5, null, null, null, null, null, "OTHER", null);

    @Test
    void aMatchedLineReadsBackAsWrittenWithOrWithoutContentAndAbsentValues() {
        MatchedRequestSerde serde = new MatchedRequestSerde();
        for (MatchedRequest m : new MatchedRequest[] {
                new MatchedRequest(FULL, new ContentCatalogue.Entry("ep42", 128, "vod")), new MatchedRequest(SPARSE, null)}) {
            assertEquals(m, serde.deserializer().deserialize("t", serde.serializer().serialize("t", m)));
            // a record in flight in the repartition topic at an upgrade was JSON
            assertEquals(m, serde.deserializer().deserialize("t", new JsonSerde<>(MatchedRequest.class).serializer().serialize("t", m)));
        }
    }

    @Test
    void trafficReadsBackAsWrittenAndAsJsonBefore() {
        CdnTrafficSerde serde = new CdnTrafficSerde();
        CdnTraffic t = new CdnTraffic("123", CdnTraffic.MINUTE_MS, 60_000, "zone-1", null, "CDG", "ep42", 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertEquals(t, serde.deserializer().deserialize("t", serde.serializer().serialize("t", t)));
        assertEquals(t, serde.deserializer().deserialize("t", new JsonSerde<>(CdnTraffic.class).serializer().serialize("t", t)));
    }
}
