package liveccu.aggregator.cdn;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import liveccu.model.CdnRequest;
import liveccu.model.CdnRequestSerde;
import liveccu.model.CompactSerde;

/**
 * A line with its catalogue content, compact ({@link CompactSerde}), as the audio repartition carries it: only
 * the fields the audio tracker reads. The line's format, zone, host, referrer, PoP, cache status and duration
 * read back as null (about a sixth of a podcast log line's record, once more at every hop).
 *
 * <p>After the format byte, a layout byte: {@value #AUDIO_FIELDS} for this one. A record of the earlier layout
 * (every field; in flight in the topic at an upgrade) has there its batch id's presence flag, 1, and still
 * reads, whole.
 */
public final class MatchedRequestSerde extends CompactSerde<MatchedRequest> {

    static final int AUDIO_FIELDS = 2;
    private static final int EVERY_FIELD = 1;

    public MatchedRequestSerde() {
        super(MatchedRequest.class);
    }

    @Override
    protected void write(MatchedRequest value, DataOutput out) throws IOException {
        CdnRequest r = value.request();
        out.writeByte(AUDIO_FIELDS);
        writeString(out, r.batchId());
        out.writeInt(r.line());
        writeString(out, r.accountId());
        writeString(out, r.source());
        out.writeLong(r.timeMs());
        out.writeLong(r.receivedAtMs());
        writeString(out, r.ipHash());
        writeString(out, r.method());
        writeString(out, r.path());
        out.writeInt(r.status());
        out.writeLong(r.bytes());
        writeLong(out, r.rangeStart());
        writeLong(out, r.rangeEnd());
        writeString(out, r.userAgent());
        writeContent(out, value.content());
    }

    @Override
    protected MatchedRequest read(DataInput in) throws IOException {
        int layout = in.readUnsignedByte();
        CdnRequest request;
        if (layout == AUDIO_FIELDS) {
            request = new CdnRequest(readString(in), in.readInt(), readString(in), readString(in), null, null, in.readLong(),
                    in.readLong(), readString(in), readString(in), null, readString(in), in.readInt(), in.readLong(),
                    readLong(in), readLong(in), readString(in), null, null, null, null);
        } else {
            request = CdnRequestSerde.readAfterBatchId(layout == EVERY_FIELD ? in.readUTF() : null, in);
        }
        return new MatchedRequest(request, readContent(in));
    }

    private static void writeContent(DataOutput out, ContentCatalogue.Entry content) throws IOException {
        out.writeBoolean(content != null);
        if (content != null) {
            writeString(out, content.contentId());
            out.writeInt(content.bitrateKbps());
            writeString(out, content.type());
        }
    }

    private static ContentCatalogue.Entry readContent(DataInput in) throws IOException {
        return in.readBoolean() ? new ContentCatalogue.Entry(readString(in), in.readInt(), readString(in)) : null;
    }
}
