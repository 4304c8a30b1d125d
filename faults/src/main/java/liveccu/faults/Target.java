package liveccu.faults;

import java.util.Locale;

/**
 * One node a fault acts on: a Kafka broker by its node id, or an instance of a service by the name
 * the node control knows it by (1, 2, … on the local test cluster; a pod or host name elsewhere).
 * Written {@code role:id}, e.g. {@code broker:2}, {@code aggregator:1}; {@code broker:busiest} is the
 * broker that leads the busiest partitions, looked up in Kafka's metadata when the fault happens.
 */
public record Target(Role role, String id) {

    public static final String BUSIEST = "busiest";

    /** What a node is. */
    public enum Role {
        BROKER, COLLECTOR, AGGREGATOR, API;

        /** As the hook and the local cluster's files name it: broker, collector, aggregator, api. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Target {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("a node id is 1-100 letters, digits, '.', '_' or '-', not '" + id + "'");
        }
    }

    public static Target broker(int nodeId) {
        return new Target(Role.BROKER, Integer.toString(nodeId));
    }

    public static Target of(Role role, int instance) {
        return new Target(role, Integer.toString(instance));
    }

    /** Parses {@code role:id}. */
    public static Target parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "': a target is role:id, e.g. broker:2, broker:busiest, aggregator:1");
        }
        Role role;
        try {
            role = Role.valueOf(text.substring(0, colon).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': the role is broker, collector, aggregator or api");
        }
        String id = text.substring(colon + 1);
        boolean busiest = BUSIEST.equals(id);
        if (role == Role.BROKER && !busiest && !id.matches("\\d{1,9}") || role != Role.BROKER && busiest) {
            throw new IllegalArgumentException("'" + text + "': a broker is its node id or 'busiest'; a service, its instance");
        }
        return new Target(role, id);
    }

    public boolean isBusiestBroker() {
        return BUSIEST.equals(id);
    }

    /** The broker's node id. */
    public int nodeId() {
        if (role != Role.BROKER || isBusiestBroker()) {
            throw new IllegalStateException(this + " is not a broker with a node id");
        }
        return Integer.parseInt(id);
    }

    @Override
    public String toString() {
        return role.label() + ":" + id;
    }
}
