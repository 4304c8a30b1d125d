package liveccu.aggregator.playback;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import liveccu.model.CompactSerde;
import liveccu.model.ContentDimensions;
import liveccu.model.PlaybackCount;

/** Playback counts or changes to them, compact ({@link CompactSerde}): inside the aggregator only. */
public final class PlaybackCountSerde extends CompactSerde<PlaybackCount> {

    public PlaybackCountSerde() {
        super(PlaybackCount.class);
    }

    @Override
    protected void write(PlaybackCount value, DataOutput out) throws IOException {
        writeString(out, value.accountId());
        writeContent(out, value.content());
        out.writeLong(value.hourStartMs());
        out.writeLong(value.starts());
        out.writeLong(value.streams());
        out.writeLong(value.playedMs());
        out.writeLong(value.downloads());
        out.writeLong(value.iabDownloads());
        out.writeLong(value.devices());
        writeString(out, value.devicesSketch());
        writeString(out, value.device());
    }

    @Override
    protected PlaybackCount read(DataInput in) throws IOException {
        String account = readString(in);
        ContentDimensions content = readContent(in);
        return new PlaybackCount(account, content, in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), readString(in), readString(in));
    }

    /** A content's dimensions, field by field (also inside the QoE's view states). */
    public static void writeContent(DataOutput out, ContentDimensions c) throws IOException {
        writeString(out, c.contentId());
        writeString(out, c.contentType());
        writeString(out, c.property());
        writeString(out, c.category());
        writeString(out, c.distributor());
        writeString(out, c.producer());
        writeString(out, c.show());
        writeString(out, c.zone());
        writeString(out, c.deviceClass());
        writeString(out, c.source());
    }

    public static ContentDimensions readContent(DataInput in) throws IOException {
        return new ContentDimensions(readString(in), readString(in), readString(in), readString(in), readString(in),
                readString(in), readString(in), readString(in), readString(in), readString(in));
    }
}
