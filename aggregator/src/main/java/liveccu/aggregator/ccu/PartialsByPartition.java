package liveccu.aggregator.ccu;

import java.util.HashMap;
import java.util.Map;

/** The latest partial of each input partition for one job's minute. */
record PartialsByPartition(Map<Integer, Partial> byPartition) {

    static final PartialsByPartition EMPTY = new PartialsByPartition(Map.of());

    /** Partials replace the previous one of their partition: re-delivery is harmless. */
    PartialsByPartition with(int partition, Partial partial) {
        Map<Integer, Partial> next = new HashMap<>(byPartition);
        next.put(partition, partial);
        return new PartialsByPartition(next);
    }

    Partial total() {
        return byPartition.values().stream().reduce(Partial.EMPTY, Partial::plus);
    }
}
