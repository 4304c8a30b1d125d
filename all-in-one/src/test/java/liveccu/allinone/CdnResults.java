package liveccu.allinone;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import liveccu.model.CdnTraffic;
import liveccu.model.Topic;
import liveccu.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * CDN figures written to the results topics as the aggregator writes them: each period's totals on
 * ccu.cdn-minutes or ccu.cdn-hours (by its period), keyed by {@link CdnTraffic#key()}, so that the
 * query API can be tested from the topics on.
 */
final class CdnResults {

    private CdnResults() {
    }

    /** Writes the records in order (a later record of a key replaces an earlier one), once Kafka has them all. */
    static void write(String bootstrapServers, List<CdnTraffic> records) throws ExecutionException, InterruptedException {
        Topic<String, CdnTraffic> topic = Topics.CDN_MINUTES;  // (the hours' serdes are the same)
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            for (CdnTraffic record : records) {
                String name = record.periodMs() == CdnTraffic.MINUTE_MS ? Topics.CDN_MINUTES.name() : Topics.CDN_HOURS.name();
                producer.send(new ProducerRecord<>(name, record.key(), record)).get();
            }
        }
    }

    /** Totals of one period: requests, bytes, hits, misses, then the status groups 1xx to 5xx. */
    static CdnTraffic traffic(String account, long periodMs, long startMs, String zone, String host, String pop, String content,
                              long requests, long bytes, long hits, long misses, long s1, long s2, long s3, long s4, long s5) {
        return new CdnTraffic(account, periodMs, startMs, zone, host, pop, content, requests, bytes, hits, misses,
                s1, s2, s3, s4, s5);
    }
}
