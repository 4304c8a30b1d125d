package liveccu.ops.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import liveccu.kafka.EmbeddedKafkaBroker;
import liveccu.model.TopicProvisioner;
import liveccu.model.Topics;
import liveccu.ops.http.HealthCheck;
import liveccu.testsupport.Eventually;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service that serves what it reads from a topic (the API, the sessions service) must show red
 * once its reader has stopped for good: it would otherwise answer with frozen numbers while an
 * orchestrator sees it healthy.
 */
class TopicReaderIT {

    @TempDir
    static Path dataDir;
    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedKafkaBroker(dataDir, 0).start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            new TopicProvisioner(admin, new TopicProvisioner.Settings(2, (short) 1, Duration.ofHours(1), Duration.ofDays(1), Duration.ofHours(1)))
                    .ensureAll(Duration.ofSeconds(60));
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.stop();
    }

    @Test
    void livenessFailsOnceAReaderHasStoppedForGoodAndNotBefore() {
        AtomicBoolean breakNow = new AtomicBoolean();
        // The owner's housekeeping fails with an Error, the worst kind: nothing below catches it.
        try (TopicReader<?> healthy = reader(() -> { });
             TopicReader<?> breaking = reader(() -> {
                 if (breakNow.get()) {
                     throw new AssertionError("the owner's housekeeping broke");
                 }
             })) {
            HealthCheck liveness = TopicReader.allReading(List.of(healthy, breaking));
            HealthCheck readiness = TopicReader.allCaughtUp(List.of(healthy, breaking));
            Eventually.await(Duration.ofSeconds(30), "both readers caught up", readiness::problem, Optional::isEmpty);
            assertEquals(Optional.empty(), liveness.problem());

            breakNow.set(true);

            Eventually.await(Duration.ofSeconds(30), "liveness down", liveness::problem,
                    problem -> problem.equals(Optional.of("stopped reading " + Topics.MINUTE_COUNTS.name())));
        }
    }

    @Test
    void closingAReaderIsNotAFailure() {
        TopicReader<?> reader = reader(() -> { });
        HealthCheck liveness = TopicReader.allReading(List.of(reader));
        Eventually.await(Duration.ofSeconds(30), "caught up", reader::notReadyReason, Optional::isEmpty);

        reader.close();

        assertEquals(Optional.empty(), liveness.problem());
    }

    private static TopicReader<?> reader(Runnable housekeeping) {
        TopicReader<?> reader = new TopicReader<>(broker.bootstrapServers(), "reader-test", Topics.MINUTE_COUNTS,
                TopicReader.From.BEGINNING, (key, value) -> { }, housekeeping);
        reader.start();
        return reader;
    }
}
