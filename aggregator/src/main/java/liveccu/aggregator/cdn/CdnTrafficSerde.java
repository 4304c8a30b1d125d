package liveccu.aggregator.cdn;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import liveccu.model.CdnTraffic;
import liveccu.model.CompactSerde;

/** CDN figures or changes to them, compact ({@link CompactSerde}): the repartition and the sums' stores. */
final class CdnTrafficSerde extends CompactSerde<CdnTraffic> {

    CdnTrafficSerde() {
        super(CdnTraffic.class);
    }

    @Override
    protected void write(CdnTraffic t, DataOutput out) throws IOException {
        writeString(out, t.accountId());
        out.writeLong(t.periodMs());
        out.writeLong(t.periodStartMs());
        writeString(out, t.zone());
        writeString(out, t.host());
        writeString(out, t.pop());
        writeString(out, t.contentId());
        out.writeLong(t.requests());
        out.writeLong(t.bytes());
        out.writeLong(t.hits());
        out.writeLong(t.misses());
        out.writeLong(t.status1xx());
        out.writeLong(t.status2xx());
        out.writeLong(t.status3xx());
        out.writeLong(t.status4xx());
        out.writeLong(t.status5xx());
    }

    @Override
    protected CdnTraffic read(DataInput in) throws IOException {
        return new CdnTraffic(readString(in), in.readLong(), in.readLong(), readString(in), readString(in), readString(in),
                readString(in), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong());
    }
}
