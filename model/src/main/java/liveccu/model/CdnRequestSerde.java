package liveccu.model;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A CDN log line on {@link Topics#CDN_REQUESTS}, compact ({@link CompactSerde}): every field of {@link CdnRequest}
 * in its order, without the names. Reading a line's JSON was a fifth of the stream threads' time for a CDN
 * line, and a log import writes one record per line (Snowplow's and Divolte's collectors write their intake in a
 * binary schema for the same reason). A line written as JSON (by a collector of an earlier version, or by hand)
 * still reads.
 *
 * <p>After the format byte, a layout byte ({@value #EVERY_FIELD}): a later version that adds a field writes
 * another, and reads this one.
 */
public final class CdnRequestSerde extends CompactSerde<CdnRequest> {

    static final int EVERY_FIELD = 1;

    public CdnRequestSerde() {
        super(CdnRequest.class);
    }

    @Override
    protected void write(CdnRequest r, DataOutput out) throws IOException {
        out.writeByte(EVERY_FIELD);
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
    }

    @Override
    protected CdnRequest read(DataInput in) throws IOException {
        int layout = in.readUnsignedByte();
        if (layout != EVERY_FIELD) {
            throw new IOException("unknown layout " + layout + " of a CDN line (written by a newer collector?)");
        }
        return readAfterBatchId(readString(in), in);
    }

    /**
     * The fields that {@link #write} writes after the batch id, in that order: also the aggregator's repartition of
     * an earlier version, which wrote every field the same way ({@code MatchedRequestSerde}).
     */
    public static CdnRequest readAfterBatchId(String batchId, DataInput in) throws IOException {
        return new CdnRequest(batchId, in.readInt(), readString(in), readString(in), readString(in), readString(in),
                in.readLong(), in.readLong(), readString(in), readString(in), readString(in), readString(in), in.readInt(),
                in.readLong(), readLong(in), readLong(in), readString(in), readString(in), readString(in), readString(in),
                readLong(in));
    }
}
