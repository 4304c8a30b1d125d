package liveccu.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * What a Kafka cluster says about itself, through the Admin API: its live brokers, the active
 * controller, every partition's leader and in-sync replicas, and which partitions are written to
 * most. Faults are aimed and their effect is waited for with this, never with a guess.
 */
public final class ClusterView implements AutoCloseable {

    private static final long CALL_SECONDS = 15;

    /** One partition as the cluster's metadata describes it; leader -1: none (offline). */
    public record PartitionState(TopicPartition partition, int leader, List<Integer> replicas, List<Integer> isr) {
        public boolean underReplicated() {
            return isr.size() < replicas.size();
        }

        public boolean offline() {
            return leader < 0;
        }
    }

    /** A partition and how many records were written to it per second during a sample. */
    public record Load(TopicPartition partition, int leader, double recordsPerSecond) {
    }

    private final Admin admin;

    public ClusterView(String bootstrapServers) {
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "ccu-faults",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** The brokers the cluster lists as alive (registered and not fenced), by node id. */
    public Set<Integer> liveBrokers() throws Exception {
        return admin.describeCluster().nodes().get(CALL_SECONDS, TimeUnit.SECONDS).stream()
                .map(Node::id).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The node id of the active controller (the KRaft quorum's leader). */
    public int activeController() throws Exception {
        return admin.describeMetadataQuorum().quorumInfo().get(CALL_SECONDS, TimeUnit.SECONDS).leaderId();
    }

    /** Every partition of the topics {@code topics} accepts (internal topics included), in name order. */
    public List<PartitionState> partitions(Predicate<String> topics) throws Exception {
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(CALL_SECONDS, TimeUnit.SECONDS).stream().filter(topics).collect(Collectors.toCollection(TreeSet::new));
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get(CALL_SECONDS, TimeUnit.SECONDS);
        List<PartitionState> states = new ArrayList<>();
        for (String name : names) {
            for (TopicPartitionInfo info : descriptions.get(name).partitions()) {
                states.add(new PartitionState(new TopicPartition(name, info.partition()),
                        info.leader() == null || info.leader().isEmpty() ? -1 : info.leader().id(),
                        info.replicas().stream().map(Node::id).toList(), info.isr().stream().map(Node::id).toList()));
            }
        }
        return states;
    }

    public List<PartitionState> allPartitions() throws Exception {
        return partitions(topic -> true);
    }

    /**
     * The partitions of {@code topics} by write rate, busiest first: their end offsets read twice,
     * {@code sample} apart (a measurement window, so the one place this tool sleeps).
     */
    public List<Load> busiest(Predicate<String> topics, Duration sample) throws Exception {
        List<PartitionState> partitions = partitions(topics);
        Map<TopicPartition, Long> before = endOffsets(partitions);
        long startedNanos = System.nanoTime();
        Thread.sleep(sample.toMillis());
        Map<TopicPartition, Long> after = endOffsets(partitions);
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        List<PartitionState> now = partitions(topics);
        List<Load> loads = new ArrayList<>();
        for (PartitionState state : now) {
            Long from = before.get(state.partition());
            Long to = after.get(state.partition());
            if (from != null && to != null) {
                loads.add(new Load(state.partition(), state.leader(), (to - from) / seconds));
            }
        }
        loads.sort(Comparator.comparingDouble(Load::recordsPerSecond).reversed());
        return loads;
    }

    /**
     * The broker that leads the most writes among {@code loads}: records per second summed by leader,
     * highest first (ties: lower node id).
     */
    public static Map<Integer, Double> writesByLeader(List<Load> loads) {
        Map<Integer, Double> byLeader = new TreeMap<>();
        for (Load load : loads) {
            if (load.leader() >= 0) {
                byLeader.merge(load.leader(), load.recordsPerSecond(), Double::sum);
            }
        }
        return byLeader.entrySet().stream()
                .sorted(Map.Entry.<Integer, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    /** Moves each partition's leadership back to its first replica where it is in sync (what Kafka does every 5 min by itself). */
    public void electPreferredLeaders() throws Exception {
        Set<TopicPartition> partitions = new java.util.HashSet<>();
        for (PartitionState state : allPartitions()) {
            if (!state.replicas().isEmpty() && state.leader() != state.replicas().get(0) && state.isr().contains(state.replicas().get(0))) {
                partitions.add(state.partition());
            }
        }
        if (partitions.isEmpty()) {
            return;
        }
        try {
            admin.electLeaders(ElectionType.PREFERRED, partitions).all().get(CALL_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // ELECTION_NOT_NEEDED and the like for some partitions: the others moved.
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.ElectionNotNeededException)) {
                throw e;
            }
        }
    }

    /**
     * The end offsets (high watermarks: what is acknowledged) of the topics' partitions whose leader
     * answers; a partition without a reachable leader is left out.
     */
    public Map<TopicPartition, Long> endOffsets(Predicate<String> topics) throws Exception {
        return endOffsets(partitions(topics));
    }

    private Map<TopicPartition, Long> endOffsets(Collection<PartitionState> partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.stream().filter(p -> !p.offline()).forEach(p -> latest.put(p.partition(), OffsetSpec.latest()));
        ListOffsetsResult result = admin.listOffsets(latest);
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (TopicPartition partition : latest.keySet()) {
            try {
                ends.put(partition, result.partitionResult(partition).get(CALL_SECONDS, TimeUnit.SECONDS).offset());
            } catch (java.util.concurrent.ExecutionException e) {
                // its leader is unreachable right now: no rate for it in this sample
            }
        }
        return ends;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
