package liveccu.aggregator.playback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import liveccu.aggregator.ChangedPeriods;
import liveccu.model.DeviceSketches;
import liveccu.model.PlaybackCount;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Adds the playbacks' changes to their hour's totals (one window per content and hour) and sends the
 * new totals on: the newest record of a key on the results topic is the hour's totals. One instance per
 * source of changes, each with its own two stores ({@link PlaybackTopology#sumChanges}).
 *
 * <p>Devices, exactly: for each content, hour and device, how many starts and downloads of its
 * playbacks the hour holds (store {@code ccu-playback-hour-devices}, key {@code content#device}); a
 * device counts while that is above zero. So the hour's set is bounded by the hour's devices (one entry
 * each, ~130 bytes on disk), and a change that takes a device's last start away (its playback's
 * content or device decided otherwise by an earlier event, or a bot found) takes the device away too.
 * The hour's sketch gains each new device; it is rebuilt from the set when one leaves (rare).
 *
 * <p>The sketch (up to 2.8 KB) has a store of its own, {@code ccu-NAME-hour-sketches}, written only when the
 * hour's set of devices changes (once per device, content and hour); the totals' store {@code ccu-NAME-hours}
 * holds the totals without it (~150 bytes), rewritten at every change. The record sent joins the two. An hour
 * written by an earlier version carries its sketch in its totals: that sketch is the hour's (only an earlier
 * version writes one there, so it is newer than any in the sketch store), and the hour's next change moves it
 * to the sketch store.
 *
 * <p>A change's device is read only when its starts or downloads move: changes that only add time, streams or IAB
 * downloads may come summed, without one (audio's, {@code combine-audio-additions}).
 *
 * <p>The new totals go out at every change, or, for a source of many small changes (audio from CDN logs), once
 * per interval for every hour changed in it (store {@code ccu-NAME-changed-hours}, in memory,
 * changelogged, cached: a crash between a change and the sending loses nothing): an hour's record, which
 * carries its devices' sketch, is then written once per interval rather than once per change.
 */
final class PlaybackSummer implements Processor<String, PlaybackCount, String, PlaybackCount> {

    private final String hoursStore;
    private final String devicesStore;
    private final String sketchesStore;
    private final String changedStore;
    private final Duration sendEvery;
    private ProcessorContext<String, PlaybackCount> context;
    private WindowStore<String, PlaybackCount> hours;
    private WindowStore<String, Long> devices;
    private WindowStore<String, String> sketches;
    private ChangedPeriods changed;

    /**
     * @param changedStore null to send an hour's totals at every change; else the store of the hours changed
     *                     since their totals were last sent, which go out every {@code sendEvery} (wall-clock)
     */
    PlaybackSummer(String hoursStore, String devicesStore, String sketchesStore, String changedStore, Duration sendEvery) {
        this.hoursStore = hoursStore;
        this.devicesStore = devicesStore;
        this.sketchesStore = sketchesStore;
        this.changedStore = changedStore;
        this.sendEvery = sendEvery;
    }

    @Override
    public void init(ProcessorContext<String, PlaybackCount> context) {
        this.context = context;
        this.hours = context.getStateStore(hoursStore);
        this.devices = context.getStateStore(devicesStore);
        this.sketches = context.getStateStore(sketchesStore);
        if (changedStore != null) {
            this.changed = new ChangedPeriods(context, context.getStateStore(changedStore), sendEvery, this::sendTotals);
        }
    }

    @Override
    public void process(Record<String, PlaybackCount> record) {
        PlaybackCount change = record.value();
        String content = change.accountId() + "|" + PlaybackCount.contentKey(change.content());
        long hour = change.hourStartMs();
        PlaybackCount known = hours.fetch(content, hour);
        // an hour written by an earlier version: its sketch, in its totals, moves to the sketch store now
        String writtenBefore = known == null ? null : known.devicesSketch();
        PlaybackCount totals = (known == null
                ? new PlaybackCount(change.accountId(), change.content(), hour, 0, 0, 0, 0)
                : known.withDevices(known.devices(), null)).plus(change);
        String sketch = null;
        boolean sketchChanged = false;
        long activations = change.starts() + change.downloads();
        if (change.device() != null && activations != 0) {
            String deviceKey = content + "#" + change.device();
            Long held = devices.fetch(deviceKey, hour);
            long before = held == null ? 0 : held;
            long after = before + activations;
            devices.put(deviceKey, after > 0 ? after : null, hour);
            if (before <= 0 && after > 0) {
                sketch = DeviceSketches.with(writtenBefore != null ? writtenBefore : sketches.fetch(content, hour), change.device());
                totals = totals.withDevices(totals.devices() + 1, null);
                sketchChanged = true;
            } else if (before > 0 && after <= 0) {
                sketch = DeviceSketches.of(devicesOf(content, hour));
                totals = totals.withDevices(totals.devices() - 1, null);
                sketchChanged = true;
            }
        }
        if (sketchChanged) {
            sketches.put(content, sketch, hour);  // null, no device left: deleted
        } else if (writtenBefore != null) {
            sketch = writtenBefore;
            sketches.put(content, sketch, hour);
        }
        hours.put(content, totals, hour);
        if (changed == null) {
            PlaybackCount sent = totals.withDevices(totals.devices(),
                    sketchChanged || writtenBefore != null ? sketch : sketchOf(content, totals));
            context.forward(new Record<>(sent.key(), sent, record.timestamp()));
        } else {
            changed.changed(content, hour, record.timestamp());
        }
    }

    /** Sends the totals of an hour changed since the last time, with the newest time of its changes. */
    private void sendTotals(String content, long hour, long newestChangeMs) {
        PlaybackCount totals = hours.fetch(content, hour);
        if (totals != null) {
            PlaybackCount withSketch = totals.withDevices(totals.devices(), sketchOf(content, totals));
            context.forward(new Record<>(withSketch.key(), withSketch, newestChangeMs));
        }
    }

    /**
     * The sketch of the hour's devices: the one its stored totals carry if an earlier version wrote them,
     * else the sketch store's; none while the hour has no device.
     */
    private String sketchOf(String content, PlaybackCount totals) {
        if (totals.devicesSketch() != null) {
            return totals.devicesSketch();
        }
        return totals.devices() > 0 ? sketches.fetch(content, totals.hourStartMs()) : null;
    }

    /** The devices the content's hour holds ('#' never occurs in a content key: its values are URL-encoded). */
    private List<String> devicesOf(String content, long hour) {
        List<String> held = new ArrayList<>();
        // device ids are hex digits: every key of this content lies between "#" and "#g"
        try (KeyValueIterator<Windowed<String>, Long> all = devices.fetch(content + "#", content + "#g", hour, hour)) {
            while (all.hasNext()) {
                KeyValue<Windowed<String>, Long> entry = all.next();
                String key = entry.key.key();
                if (entry.value != null && entry.value > 0) {
                    held.add(key.substring(key.lastIndexOf('#') + 1));
                }
            }
        }
        return held;
    }
}
