package liveccu.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics a service needs when they are missing, with the operator's partition count,
 * replication and retention. Existing topics are left exactly as they are.
 */
public final class TopicProvisioner {

    /**
     * @param partitions        partitions of every topic: the unit of parallelism of the aggregator
     * @param replication       replicas per partition (3 on a production cluster)
     * @param beaconRetention   how long raw and rejected beacons are kept
     * @param resultsRetention  how long per-minute counts and viewer sessions are kept
     */
    public record Settings(int partitions, short replication, Duration beaconRetention, Duration resultsRetention) {
    }

    private final Admin admin;
    private final Settings settings;

    public TopicProvisioner(Admin admin, Settings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /** Blocks until every missing topic is created or the timeout passes. */
    public void ensureAll(Duration timeout) throws InterruptedException, TimeoutException {
        String beaconRetention = Long.toString(settings.beaconRetention().toMillis());
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(topic(Topics.BEACONS, Map.of(TopicConfig.RETENTION_MS_CONFIG, beaconRetention)));
        wanted.add(topic(Topics.REJECTED, Map.of(TopicConfig.RETENTION_MS_CONFIG, beaconRetention)));
        wanted.add(new NewTopic(Topics.DEAD_LETTERS, settings.partitions(), settings.replication())
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, beaconRetention)));
        Map<String, String> compactedResults = Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.resultsRetention().toMillis()));
        wanted.add(topic(Topics.MINUTE_COUNTS, compactedResults));
        wanted.add(topic(Topics.VIEWER_SESSIONS, compactedResults));
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    // Another instance created it first: that is fine.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics", e.getCause());
        }
    }

    private NewTopic topic(Topic<?, ?> topic, Map<String, String> configs) {
        return new NewTopic(topic.name(), settings.partitions(), settings.replication()).configs(configs);
    }
}
