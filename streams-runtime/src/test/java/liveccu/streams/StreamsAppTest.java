package liveccu.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StreamsApp} with a client that is never started: no broker needed, its state directory is real. */
class StreamsAppTest {

    private static final String APP = "streams-app-test";

    @TempDir
    Path stateDir;

    @Test
    void aCloseInTimeMarksACleanStopInTheClientsStateDirectory() {
        StreamsApp app = create();
        app.close();
        assertTrue(Files.exists(stateDir.resolve(CleanStop.MARKER)), "the next start keeps the state");
    }

    @Test
    void theStateACrashLeftIsWipedBeforeTheClientIsMade() throws Exception {
        Path store = Files.createDirectories(stateDir.resolve(APP).resolve("0_0").resolve("some-store"));
        StreamsApp app = create();
        try {
            assertFalse(Files.exists(store));
        } finally {
            app.close();
        }
    }

    @Test
    void notReadyBeforeItStartsYetNotFailed() {
        StreamsApp app = create();
        try {
            assertEquals(Optional.of("Kafka Streams is CREATED"), app.notReadyReason());
            assertEquals(Optional.empty(), app.failedReason());
            assertFalse(app.isRunning());
        } finally {
            app.close();
        }
    }

    private StreamsApp create() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in").to("out");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return StreamsApp.create("Kafka Streams", builder.build(), props, Duration.ofSeconds(60), new SimpleMeterRegistry());
    }
}
