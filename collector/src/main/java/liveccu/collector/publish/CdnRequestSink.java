package liveccu.collector.publish;

import java.util.concurrent.CompletionStage;
import liveccu.model.CdnRequest;

/**
 * Where the CDN log intake hands the requests of a batch: {@link IntakePublisher} sends them to
 * {@code ccu.cdn-requests} on the beacons' producer; route tests keep them in memory.
 */
public interface CdnRequestSink {

    /** Completes once Kafka has acknowledged the request; fails with {@link IntakePublisher.KafkaUnavailable} when it cannot take it now. */
    CompletionStage<Void> publish(CdnRequest request);
}
