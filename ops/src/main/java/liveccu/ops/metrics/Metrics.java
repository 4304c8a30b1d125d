package liveccu.ops.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;

/** Builds the one meter registry of a service, bound once at start-up. */
public final class Metrics {

    /** Kafka Streams' store metrics, as Micrometer's {@code KafkaStreamsMetrics} names them. */
    private static final String STORE_METRICS = "kafka.stream.state.";
    /** How Kafka Streams names a store's tag: by its kind ({@code rocksdb.window.state.id}, {@code in.memory.state.id}, …). */
    private static final String STORE_TAG_SUFFIX = ".state.id";

    private Metrics() {
    }

    /** A Prometheus registry with JVM metrics, every meter tagged with the service's name. */
    public static PrometheusMeterRegistry newRegistry(String service) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // filters first: Micrometer applies them only to meters registered after them
        registry.config().commonTags("service", service).meterFilter(oneStoreTag());
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        // JvmGcMetrics holds a listener; it lives as long as the registry, i.e. the process.
        new JvmGcMetrics().bindTo(registry);
        return registry;
    }

    /**
     * Kafka Streams tags a store's metrics by the store's kind, but Prometheus takes one set of tag names per
     * metric: the stores of every kind but the first one registered were left out of {@code /metrics}. Each
     * kind's tag becomes {@code store} (store names are unique in a topology; their kinds are in its
     * description), and no other tag changes, so the tag count Micrometer's Kafka binder compares stays the same.
     */
    static MeterFilter oneStoreTag() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith(STORE_METRICS)) {
                    return id;
                }
                List<Tag> tags = new ArrayList<>();
                boolean renamed = false;
                for (Tag tag : id.getTagsAsIterable()) {
                    boolean storeTag = tag.getKey().endsWith(STORE_TAG_SUFFIX);
                    tags.add(storeTag ? Tag.of("store", tag.getValue()) : tag);
                    renamed |= storeTag;
                }
                return renamed ? id.replaceTags(tags) : id;
            }
        };
    }
}
