package liveccu.aggregator.qoe;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import liveccu.aggregator.playback.PlaybackCountSerde;
import liveccu.aggregator.qoe.QoeState.Mark;
import liveccu.model.CompactSerde;
import liveccu.model.ContentDimensions;

/**
 * A view's state in store {@code ccu-qoe-views}, compact ({@link CompactSerde}): it is read and rewritten with
 * every report of a playing view. States written as JSON before read as before.
 */
final class QoeStateSerde extends CompactSerde<QoeState> {

    QoeStateSerde() {
        super(QoeState.class);
    }

    @Override
    protected void write(QoeState s, DataOutput out) throws IOException {
        writeString(out, s.accountId());
        ContentDimensions c = s.content();
        out.writeBoolean(c != null);
        if (c != null) {
            PlaybackCountSerde.writeContent(out, c);
        }
        out.writeLong(s.contentTimeMs());
        writeString(out, s.contentType());
        writeLong(out, s.contentTypeTimeMs());
        writeString(out, s.deviceClass());
        writeString(out, s.os());
        writeString(out, s.browser());
        writeString(out, s.deviceId());
        writeLong(out, s.deviceTimeMs());
        writeString(out, s.country());
        writeLong(out, s.asn());
        writeString(out, s.asOrg());
        writeLong(out, s.geoTimeMs());
        out.writeLong(s.newestEventMs());
        out.writeLong(s.settledBeforeMs());
        writeLong(out, s.intentMs());
        writeLong(out, s.firstReportMs());
        out.writeBoolean(s.active());
        writeLong(out, s.firstPlayingMs());
        writeLong(out, s.lastPlayingMs());
        writeLong(out, s.lastFatalMs());
        writeLong(out, s.endMs());
        writeLong(out, s.msdTimeMs());
        writeLong(out, s.msd());
        writeLong(out, s.codeTimeMs());
        writeString(out, s.code());
        out.writeBoolean(s.settledMark() != null);
        if (s.settledMark() != null) {
            writeMark(out, s.settledMark());
        }
        out.writeBoolean(s.settledRunCounts());
        out.writeLong(s.settledPlayedMs());
        out.writeLong(s.settledRebufferMs());
        out.writeLong(s.settledRebuffers());
        List<String> flags = s.settledFlags();
        out.writeInt(flags == null ? -1 : flags.size());
        if (flags != null) {
            for (String flag : flags) {
                writeString(out, flag);
            }
        }
        List<Mark> marks = s.marks();
        out.writeInt(marks == null ? -1 : marks.size());
        if (marks != null) {
            for (Mark mark : marks) {
                writeMark(out, mark);
            }
        }
    }

    @Override
    protected QoeState read(DataInput in) throws IOException {
        String account = readString(in);
        ContentDimensions content = in.readBoolean() ? PlaybackCountSerde.readContent(in) : null;
        long contentTimeMs = in.readLong();
        String contentType = readString(in);
        Long contentTypeTimeMs = readLong(in);
        String deviceClass = readString(in);
        String os = readString(in);
        String browser = readString(in);
        String deviceId = readString(in);
        Long deviceTimeMs = readLong(in);
        String country = readString(in);
        Long asn = readLong(in);
        String asOrg = readString(in);
        Long geoTimeMs = readLong(in);
        long newestEventMs = in.readLong();
        long settledBeforeMs = in.readLong();
        Long intentMs = readLong(in);
        Long firstReportMs = readLong(in);
        boolean active = in.readBoolean();
        Long firstPlayingMs = readLong(in);
        Long lastPlayingMs = readLong(in);
        Long lastFatalMs = readLong(in);
        Long endMs = readLong(in);
        Long msdTimeMs = readLong(in);
        Long msd = readLong(in);
        Long codeTimeMs = readLong(in);
        String code = readString(in);
        Mark settledMark = in.readBoolean() ? readMark(in) : null;
        boolean settledRunCounts = in.readBoolean();
        long settledPlayedMs = in.readLong();
        long settledRebufferMs = in.readLong();
        long settledRebuffers = in.readLong();
        int n = in.readInt();
        List<String> flags = null;
        if (n >= 0) {
            flags = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                flags.add(readString(in));
            }
        }
        n = in.readInt();
        List<Mark> marks = null;
        if (n >= 0) {
            marks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                marks.add(readMark(in));
            }
        }
        return new QoeState(account, content, contentTimeMs, contentType, contentTypeTimeMs, deviceClass, os, browser,
                deviceId, deviceTimeMs, country, asn, asOrg, geoTimeMs, newestEventMs, settledBeforeMs, intentMs,
                firstReportMs, active, firstPlayingMs, lastPlayingMs, lastFatalMs, endMs, msdTimeMs, msd, codeTimeMs, code,
                settledMark, settledRunCounts, settledPlayedMs, settledRebufferMs, settledRebuffers, flags, marks);
    }

    private static void writeMark(DataOutput out, Mark m) throws IOException {
        out.writeLong(m.t());
        writeString(out, m.sta());
        out.writeBoolean(m.cmcd());
        writeLong(out, m.sn());
        writeString(out, m.e());
        out.writeLong(m.eventMs());
        out.writeLong(m.playedMs());
        writeLong(out, m.br());
    }

    private static Mark readMark(DataInput in) throws IOException {
        return new Mark(in.readLong(), readString(in), in.readBoolean(), readLong(in), readString(in), in.readLong(),
                in.readLong(), readLong(in));
    }
}
