package liveccu.streams;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CleanStop} over a state directory laid out by hand as a killed instance leaves it. */
class CleanStopTest {

    private static final String APP = "clean-stop-test";

    @TempDir
    Path stateDir;

    @Test
    void aStartAfterACrashWipesTheLocalState() throws Exception {
        Path task = taskWithState();
        CleanStop.beforeStreams(stateDir, APP, "Kafka Streams");
        assertFalse(Files.exists(task), "the task's state left by a crash is wiped before the start");
    }

    @Test
    void aStartAfterACleanStopKeepsTheLocalStateAndForgetsTheStop() throws Exception {
        CleanStop running = CleanStop.beforeStreams(stateDir, APP, "Kafka Streams");
        Path task = taskWithState();
        running.stopped(true);
        CleanStop.beforeStreams(stateDir, APP, "Kafka Streams");
        assertTrue(Files.exists(task), "a clean stop keeps the state for the next start");
        assertFalse(Files.exists(stateDir.resolve(CleanStop.MARKER)), "a running instance has not stopped cleanly yet");
    }

    @Test
    void aCloseThatTimedOutIsNoCleanStop() throws Exception {
        CleanStop running = CleanStop.beforeStreams(stateDir, APP, "Kafka Streams");
        Path task = taskWithState();
        running.stopped(false);
        assertFalse(Files.exists(stateDir.resolve(CleanStop.MARKER)));
        CleanStop.beforeStreams(stateDir, APP, "Kafka Streams");
        assertFalse(Files.exists(task));
    }

    @Test
    void theFirstRunsCleanStopIsMarkedToo() {
        CleanStop.beforeStreams(stateDir.resolve("not-yet"), APP, "Kafka Streams").stopped(true);
        assertTrue(Files.exists(stateDir.resolve("not-yet").resolve(CleanStop.MARKER)));
    }

    /** What a killed instance leaves: a task directory with a store's files and no clean-stop marker. */
    private Path taskWithState() throws Exception {
        Path task = Files.createDirectories(stateDir.resolve(APP).resolve("0_0").resolve("some-store"));
        Files.writeString(task.resolve("000001.sst"), "rows");
        return task;
    }
}
