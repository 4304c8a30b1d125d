package liveccu.collector.publish;

import java.util.concurrent.CompletionStage;
import liveccu.model.Beacon;
import liveccu.model.RejectedBeacon;

/**
 * Where the beacon route hands what it received: {@link IntakePublisher} sends to Kafka; the route
 * tests keep it in memory, so the HTTP side is tested without a broker.
 */
public interface BeaconSink {

    /** Completes once the beacon is stored for good; fails with {@link IntakePublisher.KafkaUnavailable} when it cannot be now. */
    CompletionStage<Void> publish(Beacon beacon);

    /** Records a rejected beacon without waiting; false when it could not even be handed over. */
    boolean recordRejection(RejectedBeacon rejected);
}
