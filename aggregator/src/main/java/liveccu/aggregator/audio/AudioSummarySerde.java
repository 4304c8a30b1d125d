package liveccu.aggregator.audio;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import liveccu.aggregator.audio.AudioState.IabWindow;
import liveccu.aggregator.audio.AudioState.Range;
import liveccu.aggregator.audio.AudioState.Summary;
import liveccu.aggregator.audio.AudioState.Window;
import liveccu.model.CompactSerde;

/** A state's summary in store {@code ccu-audio-summaries}, compact ({@link CompactSerde}); summaries written as JSON read as before. */
final class AudioSummarySerde extends CompactSerde<Summary> {

    AudioSummarySerde() {
        super(Summary.class);
    }

    @Override
    protected void write(Summary s, DataOutput out) throws IOException {
        writeString(out, s.accountId());
        writeString(out, s.device());
        writeString(out, s.app());
        AudioContent content = s.content();
        writeString(out, content.contentId());
        writeString(out, content.contentType());
        out.writeInt(content.bitrateKbps());
        out.writeLong(content.id3Bytes());
        out.writeLong(s.newestMs());
        out.writeLong(s.settledBeforeMs());
        Window window = s.window();
        out.writeBoolean(window != null);
        if (window != null) {
            out.writeLong(window.anchorMs());
            out.writeBoolean(window.start());
            out.writeLong(window.settledBytes());
        }
        IabWindow iab = s.iabWindow();
        out.writeBoolean(iab != null);
        if (iab != null) {
            out.writeLong(iab.anchorMs());
            out.writeInt(iab.ranges().size());
            for (Range range : iab.ranges()) {
                out.writeLong(range.first());
                out.writeLong(range.last());
            }
        }
    }

    @Override
    protected Summary read(DataInput in) throws IOException {
        String account = readString(in);
        String device = readString(in);
        String app = readString(in);
        AudioContent content = new AudioContent(readString(in), readString(in), in.readInt(), in.readLong());
        long newestMs = in.readLong();
        long settledBeforeMs = in.readLong();
        Window window = in.readBoolean() ? new Window(in.readLong(), in.readBoolean(), in.readLong()) : null;
        IabWindow iab = null;
        if (in.readBoolean()) {
            long anchorMs = in.readLong();
            int n = in.readInt();
            List<Range> ranges = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ranges.add(new Range(in.readLong(), in.readLong()));
            }
            iab = new IabWindow(anchorMs, List.copyOf(ranges));
        }
        return new Summary(account, device, app, content, newestMs, settledBeforeMs, window, iab);
    }
}
