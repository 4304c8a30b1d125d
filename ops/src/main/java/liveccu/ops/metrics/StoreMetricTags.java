package liveccu.ops.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka Streams tags a store's metrics by the store's kind ({@code rocksdb-state-id},
 * {@code rocksdb-window-state-id}, {@code in-memory-state-id}…), and Prometheus keeps one set of tag keys
 * per metric name: the first kind registered won and every other store's RocksDB metrics were dropped
 * (the session stores' among them). Here every kind becomes the same two tags, {@code store} and
 * {@code store_type} ({@code rocksdb}, {@code rocksdb-window}, …). Every service's registry has it
 * ({@link Metrics#newRegistry}); only the ones running Kafka Streams have such meters.
 */
final class StoreMetricTags implements MeterFilter {

    private static final String STATE_METRICS = "kafka.stream.state";
    private static final String STORE_KIND_SUFFIX = "-state-id";

    @Override
    public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(STATE_METRICS)) {
            return id;
        }
        List<Tag> tags = new ArrayList<>();
        for (Tag tag : id.getTagsAsIterable()) {
            String key = tag.getKey();
            if (key.endsWith(STORE_KIND_SUFFIX)) {
                tags.add(Tag.of("store", tag.getValue()));
                tags.add(Tag.of("store.type", key.substring(0, key.length() - STORE_KIND_SUFFIX.length())));
            } else {
                tags.add(tag);
            }
        }
        return id.replaceTags(tags);
    }
}
