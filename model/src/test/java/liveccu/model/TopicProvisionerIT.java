package liveccu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import liveccu.kafka.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topic provisioning against a real broker, where an install already has topics: existing topics
 * are left alone, except that the viewer-sessions topic (personal data) is brought to the
 * configured retention; erasures get exactly the beacons' partitions. A new broker for each test.
 */
class TopicProvisionerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration VIEWER_DATA_RETENTION = Duration.ofHours(48);
    private static final Duration RESULTS_RETENTION = Duration.ofDays(400);

    @TempDir
    Path dataDir;
    EmbeddedKafkaBroker broker;
    Admin admin;

    @BeforeEach
    void startBroker() {
        broker = new EmbeddedKafkaBroker(dataDir, 0).start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterEach
    void stopBroker() {
        admin.close();
        broker.stop();
    }

    @Test
    void bringsAnExistingViewerSessionsTopicToTheViewerDataRetentionOnce() throws Exception {
        // as an install before the setting created it: compacted, with the results' 400 days
        admin.createTopics(List.of(new NewTopic(Topics.VIEWER_SESSIONS.name(), 3, (short) 1).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete",
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(RESULTS_RETENTION.toMillis())))))
                .all().get(30, TimeUnit.SECONDS);
        TopicProvisioner provisioner = new TopicProvisioner(admin,
                new TopicProvisioner.Settings(2, (short) 1, Duration.ofHours(6), RESULTS_RETENTION, VIEWER_DATA_RETENTION));

        List<String> changed = provisioner.ensureAll(TIMEOUT);
        List<String> changedAgain = provisioner.ensureAll(TIMEOUT);   // a second service starting

        Config config = config(Topics.VIEWER_SESSIONS.name());
        assertEquals(Long.toString(VIEWER_DATA_RETENTION.toMillis()), config.get(TopicConfig.RETENTION_MS_CONFIG).value());
        assertEquals(Long.toString(Duration.ofDays(1).toMillis()), config.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG).value(),
                "segments roll and are compacted within a day, so expired and erased records leave the disk");
        assertEquals("compact,delete", config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        assertEquals(List.of("topic ccu.viewer-sessions: retention.ms " + RESULTS_RETENTION.toMillis() + " -> "
                        + VIEWER_DATA_RETENTION.toMillis(),
                "topic ccu.viewer-sessions: max.compaction.lag.ms " + Long.MAX_VALUE + " -> " + Duration.ofDays(1).toMillis()),
                changed, "what it changed, for the log");
        assertEquals(List.of(), changedAgain, "nothing left to change, nothing said");
        assertEquals(3, partitions(Topics.VIEWER_SESSIONS.name()), "otherwise left alone");
        assertEquals(Long.toString(RESULTS_RETENTION.toMillis()),
                config(Topics.MINUTE_COUNTS.name()).get(TopicConfig.RETENTION_MS_CONFIG).value(), "counts keep theirs");
    }

    @Test
    void createsTheErasuresTopicWithTheBeaconsTopicsPartitionsWhateverTheSettingSaysNow() throws Exception {
        // beacons created by an earlier start with 3 partitions; the setting says 2 today
        admin.createTopics(List.of(new NewTopic(Topics.BEACONS.name(), 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        TopicProvisioner provisioner = new TopicProvisioner(admin,
                new TopicProvisioner.Settings(2, (short) 1, Duration.ofHours(6), RESULTS_RETENTION, VIEWER_DATA_RETENTION));

        provisioner.ensureAll(TIMEOUT);

        assertEquals(3, partitions(Topics.VIEWER_ERASURES.name()), "an erasure lands where its session's beacons do");
        assertEquals(Long.toString(VIEWER_DATA_RETENTION.toMillis()),
                config(Topics.VIEWER_ERASURES.name()).get(TopicConfig.RETENTION_MS_CONFIG).value(), "kept as long as viewer data");
        assertEquals(2, partitions(Topics.VIEWER_SESSIONS.name()), "new topics otherwise follow the setting");
    }

    @Test
    void refusesToStartWhenErasuresAndBeaconsDifferInPartitions() throws Exception {
        admin.createTopics(List.of(new NewTopic(Topics.BEACONS.name(), 3, (short) 1),
                new NewTopic(Topics.VIEWER_ERASURES.name(), 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        TopicProvisioner provisioner = new TopicProvisioner(admin,
                new TopicProvisioner.Settings(2, (short) 1, Duration.ofHours(6), RESULTS_RETENTION, VIEWER_DATA_RETENTION));

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> provisioner.ensureAll(TIMEOUT));
        assertTrue(refused.getMessage().contains("erasures would miss their sessions"), refused.getMessage());
    }

    private int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
    }

    private Config config(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    }
}
