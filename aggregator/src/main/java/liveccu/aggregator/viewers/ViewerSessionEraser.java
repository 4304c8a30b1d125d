package liveccu.aggregator.viewers;

import liveccu.model.ViewerErasure;
import liveccu.model.ViewerSession;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Erases a viewer session on an operator's request: deletes it from the state store the tracker
 * keeps it in, and publishes a tombstone, so that every API's report drops it and compaction removes
 * it from the topic. Both in the same exactly-once transaction, like the tracker's writes. Once the
 * store has forgotten it, a later beacon of the session starts a new record from that beacon alone:
 * the erased minutes and viewer data cannot come back from here.
 *
 * <p>The tombstone goes out whether or not the store still held the session: one that went idle
 * left the store but its last record is still on the topic.
 */
final class ViewerSessionEraser implements Processor<String, ViewerErasure, String, ViewerSession> {

    private ProcessorContext<String, ViewerSession> context;
    private KeyValueStore<String, ViewerSession> sessions;

    @Override
    public void init(ProcessorContext<String, ViewerSession> context) {
        this.context = context;
        this.sessions = context.getStateStore(ViewerSessionsTopology.SESSIONS_STORE);
    }

    @Override
    public void process(Record<String, ViewerErasure> record) {
        // The key is what routed the erasure to this partition: the store is keyed the same way.
        String sessionId = record.key();
        if (sessionId == null) {
            return;
        }
        sessions.delete(sessionId);
        context.forward(new Record<String, ViewerSession>(sessionId, null, record.timestamp()));
    }
}
