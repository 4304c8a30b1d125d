package liveccu.aggregator.playback;

import java.util.ArrayList;
import java.util.List;
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
 */
final class PlaybackSummer implements Processor<String, PlaybackCount, String, PlaybackCount> {

    private final String hoursStore;
    private final String devicesStore;
    private ProcessorContext<String, PlaybackCount> context;
    private WindowStore<String, PlaybackCount> hours;
    private WindowStore<String, Long> devices;

    PlaybackSummer(String hoursStore, String devicesStore) {
        this.hoursStore = hoursStore;
        this.devicesStore = devicesStore;
    }

    @Override
    public void init(ProcessorContext<String, PlaybackCount> context) {
        this.context = context;
        this.hours = context.getStateStore(hoursStore);
        this.devices = context.getStateStore(devicesStore);
    }

    @Override
    public void process(Record<String, PlaybackCount> record) {
        PlaybackCount change = record.value();
        String content = change.accountId() + "|" + PlaybackCount.contentKey(change.content());
        long hour = change.hourStartMs();
        PlaybackCount known = hours.fetch(content, hour);
        PlaybackCount totals = (known == null
                ? new PlaybackCount(change.accountId(), change.content(), hour, 0, 0, 0, 0) : known).plus(change);
        long activations = change.starts() + change.downloads();
        if (change.device() != null && activations != 0) {
            String deviceKey = content + "#" + change.device();
            Long held = devices.fetch(deviceKey, hour);
            long before = held == null ? 0 : held;
            long after = before + activations;
            devices.put(deviceKey, after > 0 ? after : null, hour);
            if (before <= 0 && after > 0) {
                totals = totals.withDevices(totals.devices() + 1, DeviceSketches.with(totals.devicesSketch(), change.device()));
            } else if (before > 0 && after <= 0) {
                totals = totals.withDevices(totals.devices() - 1, DeviceSketches.of(devicesOf(content, hour)));
            }
        }
        hours.put(content, totals, hour);
        context.forward(new Record<>(totals.key(), totals, record.timestamp()));
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
