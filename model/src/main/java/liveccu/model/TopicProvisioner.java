package liveccu.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the topics a service needs when they are missing, with the operator's partition count,
 * replication and retention. Existing topics are left as they are, except for how long they keep
 * personal data: that is the operator's promise to viewers, so it is brought to the settings.
 */
public final class TopicProvisioner {

    /** CDN minutes serve the last day; three days leave room for a late log and a slow reader. */
    public static final Duration CDN_MINUTES_RETENTION = Duration.ofDays(3);
    /** QoE minutes serve the live view and the last day, like the CDN minutes. */
    public static final Duration QOE_MINUTES_RETENTION = Duration.ofDays(3);

    /**
     * The active segment is never deleted nor compacted: without a bound, a quiet partition's segment
     * rolls only after segment.ms (7 days), and records (erased ones too) outlive their retention by
     * that much. On a compacted topic this bounds when a segment rolls and when it is compacted.
     */
    private static final Duration PERSONAL_DATA_MAX_COMPACTION_LAG = Duration.ofDays(1);

    /**
     * @param partitions          partitions of every topic: the unit of parallelism of the aggregator
     * @param replication         replicas per partition (3 on a production cluster)
     * @param beaconRetention     how long raw and rejected beacons (and raw player events) are kept
     * @param resultsRetention    how long per-minute counts (and playback counts) are kept
     * @param viewerDataRetention how long viewer sessions (personal data: user ids, viewer data) are kept
     */
    public record Settings(int partitions, short replication, Duration beaconRetention, Duration resultsRetention,
                           Duration viewerDataRetention) {
    }

    private final Admin admin;
    private final Settings settings;

    public TopicProvisioner(Admin admin, Settings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /**
     * Blocks until every missing topic is created, and the personal-data topic's retention is the
     * setting's, or the timeout passes.
     *
     * @return what it changed on existing topics, one line each, for the caller to log (empty: nothing)
     */
    public List<String> ensureAll(Duration timeout) throws InterruptedException, TimeoutException {
        NewTopic viewerSessions = personalData(Topics.VIEWER_SESSIONS.name());
        ensure(List.of(shortLived(Topics.BEACONS.name()), shortLived(Topics.REJECTED.name()), shortLived(Topics.DEAD_LETTERS),
                shortLived(Topics.PLAYER_EVENTS.name()), shortLived(Topics.CDN_REQUESTS.name()),
                compacted(Topics.MINUTE_COUNTS.name()), compacted(Topics.PLAYBACK_COUNTS.name()),
                compacted(Topics.PLAYBACK_RETENTION.name()), compacted(Topics.CDN_HOURS.name()),
                compactedFor(Topics.CDN_MINUTES.name(), CDN_MINUTES_RETENTION), compacted(Topics.QOE_HOURS.name()),
                compactedFor(Topics.QOE_MINUTES.name(), QOE_MINUTES_RETENTION), viewerSessions,
                keptForever(Topics.API_KEYS.name()), longLived(Topics.AUDIT.name())), timeout);
        ensureErasures(timeout);
        return enforceRetention(viewerSessions, timeout);
    }

    /**
     * The erasures topic, with exactly as many partitions as the beacons topic (whatever the settings
     * say now): an erasure is keyed by session like a beacon, and must land on the partition whose
     * aggregator task holds that session. With any other count it would silently miss, so a
     * mismatch stops the start-up.
     */
    private void ensureErasures(Duration timeout) throws InterruptedException, TimeoutException {
        int beaconPartitions = partitions(Topics.BEACONS.name(), timeout);
        ensure(List.of(new NewTopic(Topics.VIEWER_ERASURES.name(), beaconPartitions, settings.replication())
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.viewerDataRetention().toMillis())))),
                timeout);
        int erasurePartitions = partitions(Topics.VIEWER_ERASURES.name(), timeout);
        if (erasurePartitions != beaconPartitions) {
            throw new IllegalStateException("topic " + Topics.VIEWER_ERASURES.name() + " has " + erasurePartitions
                    + " partitions but " + Topics.BEACONS.name() + " has " + beaconPartitions
                    + ": erasures would miss their sessions; delete " + Topics.VIEWER_ERASURES.name()
                    + " (once no erasure is pending) and start again to recreate it");
        }
    }

    private int partitions(String topic, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .get(topic).partitions().size();
            } catch (ExecutionException e) {
                // On a cluster, the broker asked may not know yet a topic another broker just created
                // (metadata reaches the brokers one by one): ask again, as allLed does.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot describe topic " + topic, e.getCause());
                }
                Thread.sleep(100);
            }
        }
    }

    /** A topic with the operator's partitions and replication that keeps the latest record per key. */
    public NewTopic compacted(String name) {
        return new NewTopic(name, settings.partitions(), settings.replication()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.resultsRetention().toMillis())));
    }

    /** A compacted topic that keeps its records only {@code retention} (results that serve a short past). */
    public NewTopic compactedFor(String name, Duration retention) {
        return new NewTopic(name, settings.partitions(), settings.replication()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis())));
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

    /**
     * A compacted topic of personal data, kept only {@code viewerDataRetention}; its segments roll and
     * are compacted within a day, so records past their retention, and those erased (tombstoned),
     * leave the disk soon after instead of a week later.
     */
    public NewTopic personalData(String name) {
        Duration lag = min(PERSONAL_DATA_MAX_COMPACTION_LAG, settings.viewerDataRetention());
        return new NewTopic(name, settings.partitions(), settings.replication()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.viewerDataRetention().toMillis()),
                TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Long.toString(lag.toMillis())));
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

    /**
     * Brings an existing topic's retention settings ({@code retention.ms}, {@code max.compaction.lag.ms})
     * to those {@code wanted} has, changing only those that differ. A topic created before the setting
     * existed (or with another value) would otherwise keep personal data for as long as it was first told to.
     *
     * @return what it changed, e.g. {@code "topic t: retention.ms 34560000000 -> 172800000"}; empty when nothing
     */
    public List<String> enforceRetention(NewTopic wanted, Duration timeout) throws InterruptedException, TimeoutException {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, wanted.name());
        try {
            Config current = admin.describeConfigs(List.of(topic)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            Collection<AlterConfigOp> changes = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            for (String name : List.of(TopicConfig.RETENTION_MS_CONFIG, TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG)) {
                String value = wanted.configs().get(name);
                ConfigEntry entry = current.get(name);
                String was = entry == null ? null : entry.value();
                if (value != null && !value.equals(was)) {
                    changes.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
                    changed.add("topic " + wanted.name() + ": " + name + " " + was + " -> " + value);
                }
            }
            if (!changes.isEmpty()) {
                admin.incrementalAlterConfigs(Map.of(topic, changes)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            return changed;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot bring the retention of topic " + wanted.name() + " to the settings",
                    e.getCause());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
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
