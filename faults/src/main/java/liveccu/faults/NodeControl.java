package liveccu.faults;

/**
 * How nodes are killed, stopped and started: the part of a fault that depends on where the cluster
 * runs. {@link LocalProcesses} acts on the processes of the local test cluster; {@link HookCommand}
 * runs an operator's own script (systemd, Docker Compose, Kubernetes…). Each call returns when its
 * action is done.
 */
public interface NodeControl {

    /** SIGKILL or its equivalent: no shutdown, no flush. Returns once the node is gone. */
    void kill(Target target) throws Exception;

    /** A graceful stop (SIGTERM): a broker moves its leadership away first. Returns once it has stopped. */
    void stop(Target target) throws Exception;

    /** Starts the node again with its data. Returns once it serves (the local cluster) or once started (a hook). */
    void start(Target target) throws Exception;
}
