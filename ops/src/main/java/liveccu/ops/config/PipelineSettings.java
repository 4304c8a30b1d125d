package liveccu.ops.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import liveccu.model.CountingRules;
import liveccu.model.TopicProvisioner;

/**
 * Settings every service shares: where Kafka is, how topics are created, and what a count is.
 * Read from the same environment variables by every service, so one deployment file sets them once.
 */
public record PipelineSettings(String bootstrapServers, TopicProvisioner.Settings topics, CountingRules rules) {

    public static final String BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    /**
     * How long viewer sessions (user ids, viewer data: personal data) are kept: both the topic's
     * retention and the API's report window, so that the two can never disagree.
     */
    public static final String VIEWER_DATA_RETENTION = "CCU_VIEWER_DATA_RETENTION_HOURS";

    /** Reads the shared settings; {@code defaultBootstrap} applies when KAFKA_BOOTSTRAP_SERVERS is unset. */
    public static PipelineSettings read(Env env, String defaultBootstrap) {
        String bootstrap = env.string(BOOTSTRAP_SERVERS, defaultBootstrap);
        var topics = new TopicProvisioner.Settings(
                env.integer("CCU_TOPIC_PARTITIONS", 6, 1, 10_000),
                (short) env.integer("CCU_TOPIC_REPLICATION", 1, 1, 32),
                env.duration("CCU_BEACON_RETENTION_HOURS", Duration.ofHours(6), ChronoUnit.HOURS, Duration.ofDays(365)),
                env.duration("CCU_RESULT_RETENTION_DAYS", Duration.ofDays(400), ChronoUnit.DAYS, Duration.ofDays(36_500)),
                env.duration(VIEWER_DATA_RETENTION, Duration.ofHours(48), ChronoUnit.HOURS, Duration.ofDays(36_500)));
        if (topics.viewerDataRetention().isZero()) {
            env.error(VIEWER_DATA_RETENTION + "=0: viewer reports need at least 1 hour of viewer sessions");
        }
        var rules = new CountingRules(
                env.duration("CCU_GRACE_MINUTES", CountingRules.DEFAULT_GRACE, ChronoUnit.MINUTES, Duration.ofDays(1)),
                env.duration("CCU_MAX_FUTURE_SKEW_SECONDS", CountingRules.DEFAULT_MAX_FUTURE_SKEW, ChronoUnit.SECONDS,
                        Duration.ofDays(1)));
        if (bootstrap == null) {
            env.error(BOOTSTRAP_SERVERS + " is not set: give the Kafka cluster, e.g. kafka-1:9092,kafka-2:9092");
        }
        return new PipelineSettings(bootstrap, topics, rules);
    }
}
