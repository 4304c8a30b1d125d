package liveccu.aggregator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The periods a summer changed since it last sent their totals, for summers that send once per interval
 * instead of at every change (the QoE's, the audio's), and their sending: every interval while any waits
 * ({@link SendWhilePending}). Kept in a changelogged store (key {@code key@start}, value the newest time of its
 * changes), so that a crash between a change and its send loses nothing: the restored store still names the period.
 */
public final class ChangedPeriods {

    /** Between a period's key and its start. */
    private static final char AT = '@';

    private final KeyValueStore<String, Long> changed;
    private final SendWhilePending sending;

    /** What to do with each changed period when they are sent. */
    @FunctionalInterface
    public interface Send {
        void send(String key, long periodStartMs, long newestChangeMs);
    }

    /**
     * The store to add to the topology for it: in memory (a few keys per interval), changelogged (so a restart
     * still sends what a crash left unsent), cached (a key changed many times within a commit is written once).
     */
    public static StoreBuilder<KeyValueStore<String, Long>> store(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.Long())
                .withCachingEnabled();
    }

    /**
     * @param changed a {@link #store} connected to the processor
     * @param every   how often the changed periods are handed to {@code send} (wall-clock), then forgotten
     */
    public ChangedPeriods(ProcessorContext<?, ?> context, KeyValueStore<String, Long> changed, Duration every, Send send) {
        this.changed = changed;
        this.sending = new SendWhilePending(context, every, changed, () -> sendAll(changed, (key, newestChangeMs) -> {
            int at = key.lastIndexOf(AT);
            send.send(key.substring(0, at), Long.parseLong(key.substring(at + 1)), newestChangeMs);
        }));
    }

    public void changed(String key, long periodStartMs, long changeMs) {
        String entry = key + AT + periodStartMs;
        Long newest = changed.get(entry);
        changed.put(entry, newest == null ? changeMs : Math.max(newest, changeMs));
        sending.changed();
    }

    /**
     * Hands every entry of a store of what waits for the next interval (changed periods, dirty partial counts,
     * summed changes) to {@code send}, then deletes them all: in one exactly-once commit, what was sent is gone.
     */
    public static <K, V> void sendAll(KeyValueStore<K, V> store, BiConsumer<K, V> send) {
        List<K> sent = new ArrayList<>();
        try (KeyValueIterator<K, V> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<K, V> entry = all.next();
                send.accept(entry.key, entry.value);
                sent.add(entry.key);
            }
        }
        sent.forEach(store::delete);
    }
}
