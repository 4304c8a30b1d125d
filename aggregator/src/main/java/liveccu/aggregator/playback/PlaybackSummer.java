package liveccu.aggregator.playback;

import liveccu.model.PlaybackCount;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Adds the playbacks' changes to their hour's totals (one window per content and hour) and sends the
 * new totals on: the newest record of a key on the results topic is the hour's totals.
 */
final class PlaybackSummer implements Processor<String, PlaybackCount, String, PlaybackCount> {

    private ProcessorContext<String, PlaybackCount> context;
    private WindowStore<String, PlaybackCount> hours;

    @Override
    public void init(ProcessorContext<String, PlaybackCount> context) {
        this.context = context;
        this.hours = context.getStateStore(PlaybackTopology.HOURS_STORE);
    }

    @Override
    public void process(Record<String, PlaybackCount> record) {
        PlaybackCount change = record.value();
        String content = change.accountId() + "|" + PlaybackCount.contentKey(change.content());
        PlaybackCount known = hours.fetch(content, change.hourStartMs());
        PlaybackCount totals = known == null ? change : known.plus(change);
        hours.put(content, totals, change.hourStartMs());
        context.forward(new Record<>(totals.key(), totals, record.timestamp()));
    }
}
