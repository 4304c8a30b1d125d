package liveccu.aggregator;

import java.time.Duration;
import liveccu.aggregator.audio.AudioSettings;
import liveccu.aggregator.audio.AudioTopology;
import liveccu.aggregator.ccu.CcuTopology;
import liveccu.aggregator.cdn.CdnRules;
import liveccu.aggregator.cdn.CdnTopology;
import liveccu.aggregator.playback.PlaybackTopology;
import liveccu.aggregator.qoe.QoeTopology;
import liveccu.aggregator.viewers.ViewerSessionsTopology;
import liveccu.model.CountingRules;
import liveccu.model.PlaybackRules;
import liveccu.model.PlayerEvent;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;

/**
 * The aggregator's one topology: each feature's topology added to one builder.
 *
 * <pre>
 *  ccu.beacons ─► … ─► ccu.minute-counts (CCU per audience and minute: {@link CcuTopology})
 *      └ on time ─► track-viewer-sessions ─► ccu.viewer-sessions (one record per session: {@link ViewerSessionsTopology})
 *
 *  ccu.player-events ─► … ─► ccu.playback-counts (playback metrics per content and hour: {@link PlaybackTopology})
 *                    └ on time ─► … ─► ccu.qoe-minutes, ccu.qoe-hours (quality of experience: {@link QoeTopology})
 *
 *  ccu.cdn-requests ─► … ─► ccu.cdn-minutes, ccu.cdn-hours (CDN figures from access logs: {@link CdnTopology})
 *                   └─► … ─► ccu.playback-counts (audio consumption from the same lines, source cdn-log: {@link AudioTopology})
 * </pre>
 *
 * <p>The features are added in the order they always were: sub-topologies keep their numbers, so their
 * tasks and state stay where they are (TopologyDescriptionTest holds every name to a snapshot).
 */
public final class AggregatorTopology {

    private AggregatorTopology() {
    }

    /**
     * @param rules         what a count is (grace for late beacons, clock skew)
     * @param flushInterval how often the CCU count's first stage forwards changed partial counts, and the CDN
     *                      figures and audio their lines' summed changes
     * @param playback      what the playback metrics are (the stream threshold)
     * @param cdn           what the CDN figures are (holds, redelivery, the content catalogue)
     * @param audio         what audio consumption from CDN logs is, and how long its states are kept
     */
    public static Topology build(CountingRules rules, Duration flushInterval, PlaybackRules playback, CdnRules cdn,
                                 AudioSettings audio) {
        StreamsBuilder builder = new StreamsBuilder();
        ViewerSessionsTopology.addTo(builder, CcuTopology.addTo(builder, rules, flushInterval));
        KStream<String, PlayerEvent> playerEvents = PlaybackTopology.addTo(builder, rules, playback);
        AudioTopology.addTo(builder, CdnTopology.addTo(builder, cdn, flushInterval), audio, flushInterval);
        // last: the sub-topologies above keep their numbers; its tracker joins the playback's (one source per topic)
        QoeTopology.addTo(builder, playerEvents, rules);
        return builder.build();
    }
}
