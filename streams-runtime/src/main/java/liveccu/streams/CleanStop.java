package liveccu.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a crash, Kafka Streams starts from an empty state directory.
 *
 * <p>Under exactly-once, a store that a process left without a checkpoint (killed, out of memory, a
 * lost machine) is wiped and restored from its changelog anyway. Kafka Streams 4.3 opens those stores
 * at start-up, finds them corrupted, and leaves some of them open: every stream thread that then
 * restores them fails on {@code RocksDBException: lock hold by current process}, and so does each
 * thread that replaces it (issue 25, docs/operations-failover.md). Wiping the directory before the
 * client is made restores the same state from the same changelogs, without that path. A clean stop leaves a
 * marker so that the next start keeps its state (and its checkpoints: nothing to restore).
 */
public final class CleanStop {

    static final String MARKER = "stopped-cleanly";
    private static final Logger LOG = LoggerFactory.getLogger(CleanStop.class);

    private final Path marker;

    private CleanStop(Path marker) {
        this.marker = marker;
    }

    /**
     * Call before the Kafka Streams client is made (it opens the stores it finds): wipes the
     * application's local state when the last run left some without stopping cleanly, and forgets
     * the last clean stop (this run has not stopped yet).
     *
     * @param stateDir      the instance's {@code state.dir}
     * @param applicationId the application's id: its state is in {@code stateDir/applicationId}
     * @param name          the application in the log, e.g. {@code Kafka Streams}
     */
    public static CleanStop beforeStreams(Path stateDir, String applicationId, String name) {
        Path marker = stateDir.resolve(MARKER);
        Path state = stateDir.resolve(applicationId);
        try {
            if (!Files.deleteIfExists(marker) && Files.isDirectory(state)) {
                LOG.warn("{} did not stop cleanly last time: its local state is wiped and restored from the changelogs "
                        + "(under exactly-once a store without a checkpoint would be anyway)", name);
                Utils.delete(state.toFile());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe the state directory " + state, e);
        }
        return new CleanStop(marker);
    }

    /** Call with what {@code streams.close(…)} answered: only a close that finished in time is a clean stop. */
    public void stopped(boolean closedInTime) {
        if (!closedInTime) {
            return;
        }
        try {
            Files.createDirectories(marker.getParent());
            Files.writeString(marker, "Kafka Streams closed cleanly: the next start keeps the local state\n");
        } catch (IOException e) {
            LOG.warn("could not mark the clean stop in {}: the next start restores its state from the changelogs", marker, e);
        }
    }
}
