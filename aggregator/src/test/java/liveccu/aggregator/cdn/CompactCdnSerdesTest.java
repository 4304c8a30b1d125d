package liveccu.aggregator.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import liveccu.model.CdnRequest;
import liveccu.model.CdnTraffic;
import liveccu.model.CompactSerde;
import liveccu.model.JsonSerde;
import org.junit.jupiter.api.Test;

class CompactCdnSerdesTest {

    private static final CdnRequest FULL = new CdnRequest("batch", 7, "123", "cdn-1", "combined", "zone-1", 1_000, 2_000,
            "hash", "GET", "cdn.example.com", "/podcasts/ép42.mp3", 206, 1_000_000, 0L, 999_999L, "Spotify/8.8", "-", "CDG",
            "HIT", 12L);
    private static final CdnRequest SPARSE = new CdnRequest("batch", 8, "123", "cdn-1", "combined", null, 1_000, 2_000,
            "hash", "GET", null, "/x", 200, 5, null, null, null, null, null, "OTHER", null);

    @Test
    void aMatchedLineReadsBackWithWhatTheAudioReadsWithOrWithoutContentAndAbsentValues() {
        MatchedRequestSerde serde = new MatchedRequestSerde();
        for (MatchedRequest m : new MatchedRequest[] {
                new MatchedRequest(FULL, new ContentCatalogue.Entry("ep42", 128, "vod")), new MatchedRequest(SPARSE, null)}) {
            CdnRequest r = m.request();
            CdnRequest audioFields = new CdnRequest(r.batchId(), r.line(), r.accountId(), r.source(), null, null, r.timeMs(),
                    r.receivedAtMs(), r.ipHash(), r.method(), null, r.path(), r.status(), r.bytes(), r.rangeStart(),
                    r.rangeEnd(), r.userAgent(), null, null, null, null);
            assertEquals(new MatchedRequest(audioFields, m.content()),
                    serde.deserializer().deserialize("t", serde.serializer().serialize("t", m)));
            // records in flight in the repartition topic at an upgrade: every field, compact or (before that) JSON
            assertEquals(m, serde.deserializer().deserialize("t", everyField(m)));
            assertEquals(m, serde.deserializer().deserialize("t", new JsonSerde<>(MatchedRequest.class).serializer().serialize("t", m)));
        }
    }

    /** The compact layout the audio repartition had before it carried only what the audio reads. */
    private static byte[] everyField(MatchedRequest m) {
        CdnRequest r = m.request();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);  // CompactSerde's format
            for (Object field : new Object[] {r.batchId(), r.line(), r.accountId(), r.source(), r.format(), r.zone(),
                    r.timeMs(), r.receivedAtMs(), r.ipHash(), r.method(), r.host(), r.path(), r.status(), r.bytes(),
                    new Long[] {r.rangeStart()}, new Long[] {r.rangeEnd()}, r.userAgent(), r.referrer(), r.pop(),
                    r.cacheStatus(), new Long[] {r.durationMs()}}) {
                if (field instanceof Integer i) {
                    out.writeInt(i);
                } else if (field instanceof Long l) {
                    out.writeLong(l);
                } else if (field instanceof Long[] optional) {
                    CompactSerde.writeLong(out, optional[0]);
                } else {
                    CompactSerde.writeString(out, (String) field);
                }
            }
            out.writeBoolean(m.content() != null);
            if (m.content() != null) {
                CompactSerde.writeString(out, m.content().contentId());
                out.writeInt(m.content().bitrateKbps());
                CompactSerde.writeString(out, m.content().type());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Test
    void trafficReadsBackAsWrittenAndAsJsonBefore() {
        CdnTrafficSerde serde = new CdnTrafficSerde();
        CdnTraffic t = new CdnTraffic("123", CdnTraffic.MINUTE_MS, 60_000, "zone-1", null, "CDG", "ep42", 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertEquals(t, serde.deserializer().deserialize("t", serde.serializer().serialize("t", t)));
        assertEquals(t, serde.deserializer().deserialize("t", new JsonSerde<>(CdnTraffic.class).serializer().serialize("t", t)));
    }
}
