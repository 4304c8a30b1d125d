package liveccu.model;

import java.time.Duration;
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
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the topics a service needs when they are missing, with the operator's partition count,
 * replication and retention. Existing topics are left exactly as they are.
 */
public final class TopicProvisioner {

    /**
     * @param partitions        partitions of every topic: the unit of parallelism of the aggregator
     * @param replication       replicas per partition (3 on a production cluster)
     * @param beaconRetention   how long raw and rejected beacons (and raw player events) are kept
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
        ensure(List.of(shortLived(Topics.BEACONS.name()), shortLived(Topics.REJECTED.name()), shortLived(Topics.DEAD_LETTERS),
                shortLived(Topics.PLAYER_EVENTS.name()),
                compacted(Topics.MINUTE_COUNTS.name()), compacted(Topics.VIEWER_SESSIONS.name()),
                keptForever(Topics.API_KEYS.name()), longLived(Topics.AUDIT.name())), timeout);
    }

    /** A topic with the operator's partitions and replication that keeps the latest record per key. */
    public NewTopic compacted(String name) {
        return new NewTopic(name, settings.partitions(), settings.replication()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.resultsRetention().toMillis())));
    }

    /** One partition that keeps the latest record per key for ever: small, and read whole by every instance. */
    public NewTopic keptForever(String name) {
        return new NewTopic(name, 1, settings.replication()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    /** A topic with the operator's partitions and replication, kept as long as results. */
    public NewTopic longLived(String name) {
        return new NewTopic(name, settings.partitions(), settings.replication())
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.resultsRetention().toMillis())));
    }

    /** A topic with the operator's partitions and replication, kept as long as raw beacons. */
    public NewTopic shortLived(String name) {
        return new NewTopic(name, settings.partitions(), settings.replication())
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.beaconRetention().toMillis())));
    }

    /**
     * Creates those of the topics that are missing; blocks until the brokers' metadata has them (every
     * partition with a leader) or the timeout passes. Without that wait, a Kafka Streams application
     * started right after could find its source topic missing and fail a thread (a fresh install's
     * console then showed MissingSourceTopicException at ERROR).
     */
    public void ensure(List<NewTopic> wanted, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        create(wanted, timeout);
        List<String> names = wanted.stream().map(NewTopic::name).toList();
        while (!allLed(names, timeout)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + names + " not in the brokers' metadata after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private boolean allLed(List<String> names, Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).values().stream()
                    .allMatch(topic -> topic.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // created, not yet known to the broker that answered
            }
            throw new IllegalStateException("cannot describe topics " + names, e.getCause());
        }
    }

    private void create(List<NewTopic> wanted, Duration timeout) throws InterruptedException, TimeoutException {
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
}
