package liveccu.ops.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void storesOfEveryKindShowUnderOneTagWhileOtherMetersKeepTheirs() {
        PrometheusMeterRegistry registry = Metrics.newRegistry("aggregator");
        // the tag keys Kafka Streams gives a window store's and an in-memory store's metrics, as Micrometer spells them
        Gauge.builder("kafka.stream.state.put.rate", () -> 1).tags("task.id", "0_0", "rocksdb.window.state.id", "ccu-partials")
                .register(registry);
        Gauge.builder("kafka.stream.state.put.rate", () -> 2).tags("task.id", "0_0", "in.memory.state.id", "ccu-dirty")
                .register(registry);
        Gauge.builder("kafka.consumer.records.lag", () -> 3).tags("topic", "t", "partition.id", "0").register(registry);

        String scraped = registry.scrape();
        assertTrue(scraped.contains("kafka_stream_state_put_rate{service=\"aggregator\",store=\"ccu-partials\",task_id=\"0_0\"} 1.0"), scraped);
        assertTrue(scraped.contains("kafka_stream_state_put_rate{service=\"aggregator\",store=\"ccu-dirty\",task_id=\"0_0\"} 2.0"), scraped);
        assertTrue(scraped.contains("kafka_consumer_records_lag{partition_id=\"0\",service=\"aggregator\",topic=\"t\"} 3.0"), scraped);
    }
}
