package liveccu.aggregator.cdn;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import liveccu.aggregator.CompactSerde;
import liveccu.model.CdnRequest;

/** A line with its catalogue content, compact ({@link CompactSerde}): what the audio repartition carries. */
public final class MatchedRequestSerde extends CompactSerde<MatchedRequest> {

    public MatchedRequestSerde() {
        super(MatchedRequest.class);
    }

    @Override
    protected void write(MatchedRequest value, DataOutput out) throws IOException {
        CdnRequest r = value.request();
        writeString(out, r.batchId());
        out.writeInt(r.line());
        writeString(out, r.accountId());
        writeString(out, r.source());
        writeString(out, r.format());
        writeString(out, r.zone());
        out.writeLong(r.timeMs());
        out.writeLong(r.receivedAtMs());
        writeString(out, r.ipHash());
        writeString(out, r.method());
        writeString(out, r.host());
        writeString(out, r.path());
        out.writeInt(r.status());
        out.writeLong(r.bytes());
        writeLong(out, r.rangeStart());
        writeLong(out, r.rangeEnd());
        writeString(out, r.userAgent());
        writeString(out, r.referrer());
        writeString(out, r.pop());
        writeString(out, r.cacheStatus());
        writeLong(out, r.durationMs());
        ContentCatalogue.Entry content = value.content();
        out.writeBoolean(content != null);
        if (content != null) {
            writeString(out, content.contentId());
            out.writeInt(content.bitrateKbps());
            writeString(out, content.type());
        }
    }

    @Override
    protected MatchedRequest read(DataInput in) throws IOException {
        CdnRequest request = new CdnRequest(readString(in), in.readInt(), readString(in), readString(in), readString(in),
                readString(in), in.readLong(), in.readLong(), readString(in), readString(in), readString(in), readString(in),
                in.readInt(), in.readLong(), readLong(in), readLong(in), readString(in), readString(in), readString(in),
                readString(in), readLong(in));
        ContentCatalogue.Entry content = in.readBoolean()
                ? new ContentCatalogue.Entry(readString(in), in.readInt(), readString(in)) : null;
        return new MatchedRequest(request, content);
    }
}
