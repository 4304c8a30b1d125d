package liveccu.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import liveccu.aggregator.audio.AudioSettings;
import liveccu.aggregator.cdn.CdnRules;
import liveccu.model.CountingRules;
import liveccu.model.PlaybackRules;
import org.junit.jupiter.api.Test;

/**
 * The production topology's description — every sub-topology, processor, store and topic by name —
 * is the one in {@code topology-description.txt}. Running instances find their state by these names
 * and sub-topology numbers: a change here loses state on upgrade, so it must be deliberate (then the
 * snapshot is replaced, with the upgrade note that goes with it). On a mismatch the description built
 * is written to {@code target/topology-description.actual.txt} for a diff.
 */
class TopologyDescriptionTest {

    @Test
    void theTopologyKeepsEveryNameOfTheLastRelease() throws IOException {
        String built = AggregatorTopology.build(CountingRules.defaults(), Duration.ofSeconds(1), PlaybackRules.defaults(),
                CdnRules.defaults(), AudioSettings.defaults()).describe().toString();
        String snapshot;
        try (InputStream in = TopologyDescriptionTest.class.getResourceAsStream("topology-description.txt")) {
            snapshot = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!built.equals(snapshot)) {
            Files.writeString(Path.of("target", "topology-description.actual.txt"), built);
        }
        assertEquals(snapshot, built);
    }
}
