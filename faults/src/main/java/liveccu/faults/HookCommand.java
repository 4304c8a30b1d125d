package liveccu.faults;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator's own way to kill, stop and start nodes: an executable run as
 * {@code HOOK kill|stop|start broker|collector|aggregator|api ID}, which returns when the action is
 * done and exits 0 (else the fault stops with its exit status). Its output goes to ours. Examples
 * for Docker Compose and Kubernetes are in {@code deploy/faults/hooks/}.
 */
public final class HookCommand implements NodeControl {

    private static final long TIMEOUT_MINUTES = 10;

    private final Path hook;

    public HookCommand(Path hook) {
        this.hook = hook;
    }

    @Override
    public void kill(Target target) throws Exception {
        run("kill", target);
    }

    @Override
    public void stop(Target target) throws Exception {
        run("stop", target);
    }

    @Override
    public void start(Target target) throws Exception {
        run("start", target);
    }

    private void run(String action, Target target) throws Exception {
        Process process = new ProcessBuilder(List.of(hook.toString(), action, target.role().label(), target.id()))
                .inheritIO().start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(hook + " " + action + " " + target + " did not finish within " + TIMEOUT_MINUTES + " min");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(hook + " " + action + " " + target.role().label() + " " + target.id()
                    + " exited with " + process.exitValue());
        }
    }
}
