package liveccu.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class StoreMetricTagsTest {

    @Test
    void everyKindOfStoreIsScraped() {
        PrometheusMeterRegistry registry = Metrics.newRegistry("aggregator");
        // as Kafka Streams names them: the tag key says the store's kind
        Gauge.builder("kafka.stream.state.size.all.mem.tables", () -> 1).tag("rocksdb-window-state-id", "minutes")
                .tag("task-id", "0_0").register(registry);
        Gauge.builder("kafka.stream.state.size.all.mem.tables", () -> 2).tag("rocksdb-state-id", "sessions")
                .tag("task-id", "0_0").register(registry);
        Gauge.builder("kafka.stream.thread.poll.rate", () -> 3).tag("thread-id", "t").register(registry);

        String scrape = registry.scrape();
        assertTrue(scrape.contains("kafka_stream_state_size_all_mem_tables{service=\"aggregator\",store=\"minutes\",store_type=\"rocksdb-window\",task_id=\"0_0\"} 1.0"), scrape);
        assertTrue(scrape.contains("kafka_stream_state_size_all_mem_tables{service=\"aggregator\",store=\"sessions\",store_type=\"rocksdb\",task_id=\"0_0\"} 2.0"), scrape);
        assertTrue(scrape.contains("kafka_stream_thread_poll_rate{service=\"aggregator\",thread_id=\"t\"} 3.0"), scrape);
    }
}
