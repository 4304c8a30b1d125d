package liveccu.aggregator.qoe;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import liveccu.model.CompactSerde;
import liveccu.model.QoeCount;
import liveccu.model.QoeDimensions;

/**
 * A period's QoE totals or a change to them, compact ({@link CompactSerde}): the repartitions and window stores
 * of {@link QoeTopology}, which only the aggregator reads (the results topics stay JSON). Fetching and putting
 * the totals at every change was mostly JSON; totals written as JSON before read as before.
 */
final class QoeCountSerde extends CompactSerde<QoeCount> {

    QoeCountSerde() {
        super(QoeCount.class);
    }

    @Override
    protected void write(QoeCount c, DataOutput out) throws IOException {
        writeString(out, c.accountId());
        out.writeLong(c.periodMs());
        out.writeLong(c.periodStartMs());
        QoeDimensions d = c.dimensions();
        out.writeBoolean(d != null);
        if (d != null) {
            writeString(out, d.contentId());
            writeString(out, d.streamType());
            writeString(out, d.property());
            writeString(out, d.deviceClass());
            writeString(out, d.os());
            writeString(out, d.browser());
            writeString(out, d.country());
            writeLong(out, d.asn());
            writeString(out, d.asOrg());
            writeString(out, d.errorCode());
        }
        out.writeLong(c.views());
        out.writeLong(c.playingViews());
        out.writeLong(c.rebufferingViews());
        out.writeLong(c.playedMs());
        out.writeLong(c.rebufferMs());
        out.writeLong(c.rebuffers());
        out.writeLong(c.bitrateKbpsMs());
        out.writeLong(c.bitrateMs());
        out.writeLong(c.failures());
        out.writeLong(c.startupFailures());
        out.writeLong(c.exitsBeforeStart());
        out.writeLong(c.startups());
        out.writeLong(c.startupMsSum());
        out.writeInt(c.startupBuckets().size());
        for (Map.Entry<Integer, Long> bucket : c.startupBuckets().entrySet()) {
            out.writeInt(bucket.getKey());
            out.writeLong(bucket.getValue());
        }
        out.writeLong(c.scored());
        out.writeLong(c.scoreSum());
        out.writeLong(c.successSum());
        out.writeLong(c.startupScored());
        out.writeLong(c.startupScoreSum());
        out.writeLong(c.smoothnessScored());
        out.writeLong(c.smoothnessSum());
    }

    @Override
    protected QoeCount read(DataInput in) throws IOException {
        String account = readString(in);
        long periodMs = in.readLong();
        long periodStartMs = in.readLong();
        QoeDimensions d = in.readBoolean()
                ? new QoeDimensions(readString(in), readString(in), readString(in), readString(in), readString(in),
                        readString(in), readString(in), readLong(in), readString(in), readString(in))
                : null;
        long views = in.readLong();
        long playingViews = in.readLong();
        long rebufferingViews = in.readLong();
        long playedMs = in.readLong();
        long rebufferMs = in.readLong();
        long rebuffers = in.readLong();
        long bitrateKbpsMs = in.readLong();
        long bitrateMs = in.readLong();
        long failures = in.readLong();
        long startupFailures = in.readLong();
        long exitsBeforeStart = in.readLong();
        long startups = in.readLong();
        long startupMsSum = in.readLong();
        int n = in.readInt();
        Map<Integer, Long> buckets = n == 0 ? Map.of() : new TreeMap<>();
        for (int i = 0; i < n; i++) {
            buckets.put(in.readInt(), in.readLong());
        }
        return new QoeCount(account, periodMs, periodStartMs, d, views, playingViews, rebufferingViews, playedMs, rebufferMs,
                rebuffers, bitrateKbpsMs, bitrateMs, failures, startupFailures, exitsBeforeStart, startups, startupMsSum,
                buckets, in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong());
    }
}
