package liveccu.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nodes of a cluster running as processes on this machine ({@code ./liveccu cluster}, the
 * failover tests), each described by files in one directory:
 * <ul>
 *   <li>{@code ROLE-ID.start} — a shell script that {@code exec}s the node's JVM (written by whoever
 *       laid out the cluster)</li>
 *   <li>{@code ROLE-ID.pid} — the running process, written at each start</li>
 *   <li>{@code ROLE-ID.log} — its output, appended by every start</li>
 *   <li>{@code ROLE-ID.port} — a service's HTTP port (a broker's client port)</li>
 * </ul>
 * A start returns once the node serves: a broker once it logged that it listens, a service once its
 * readiness answers 200.
 */
public final class LocalProcesses implements NodeControl {

    /** What every node logs once it serves ("kafka node 2 listening on port N", "aggregator … health and metrics on port N"). */
    private static final Pattern SERVING = Pattern.compile("(?:listening|health and metrics) on port (\\d+)\\D");

    private final Path dir;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** @param startTimeout how long a start may take until the node serves
     *  @param stopTimeout  how long a graceful stop may take before the process is killed */
    public LocalProcesses(Path dir, Duration startTimeout, Duration stopTimeout) {
        this.dir = dir.toAbsolutePath();
        this.startTimeout = startTimeout;
        this.stopTimeout = stopTimeout;
    }

    public LocalProcesses(Path dir) {
        this(dir, Duration.ofMinutes(3), Duration.ofMinutes(2));
    }

    public Path dir() {
        return dir;
    }

    public Path file(Target target, String suffix) {
        return dir.resolve(target.role().label() + "-" + target.id() + suffix);
    }

    /** The running process of the node, if any. */
    public Optional<ProcessHandle> process(Target target) {
        Path pidFile = file(target, ".pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public boolean isRunning(Target target) {
        return process(target).isPresent();
    }

    /** The node's HTTP port (a broker: its client port). */
    public int port(Target target) {
        try {
            return Integer.parseInt(Files.readString(file(target, ".port")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("no port recorded for " + target + " in " + dir, e);
        }
    }

    @Override
    public void kill(Target target) throws Exception {
        Optional<ProcessHandle> process = process(target);
        if (process.isEmpty()) {
            return;  // already gone: the fault holds
        }
        process.get().destroyForcibly();
        process.get().onExit().get(30, TimeUnit.SECONDS);
    }

    /**
     * Suspends the node (SIGSTOP): it holds its connections and answers nothing, as a machine that
     * hangs or a network that drops packets, rather than one that refuses connections.
     */
    public void freeze(Target target) throws Exception {
        signal(target, "STOP");
    }

    /** Resumes a frozen node (SIGCONT). */
    public void thaw(Target target) throws Exception {
        signal(target, "CONT");
    }

    private void signal(Target target, String signal) throws Exception {
        ProcessHandle process = process(target).orElseThrow(() -> new IllegalStateException(target + " is not running"));
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public void stop(Target target) throws Exception {
        Optional<ProcessHandle> process = process(target);
        if (process.isEmpty()) {
            return;
        }
        process.get().destroy();
        try {
            process.get().onExit().get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            process.get().destroyForcibly();
            process.get().onExit().get(30, TimeUnit.SECONDS);
            throw new IllegalStateException(target + " did not stop within " + stopTimeout + " of SIGTERM; killed it");
        }
    }

    @Override
    public void start(Target target) throws Exception {
        Path script = file(target, ".start");
        if (!Files.exists(script)) {
            throw new IllegalArgumentException("no " + target + " in " + dir + " (no " + script.getFileName() + ")");
        }
        Optional<ProcessHandle> running = process(target);
        if (running.isPresent()) {
            throw new IllegalStateException(target + " is already running (pid " + running.get().pid() + ")");
        }
        Path log = file(target, ".log");
        long logFrom = Files.exists(log) ? Files.size(log) : 0;
        Process process = new ProcessBuilder(List.of("bash", script.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Files.writeString(file(target, ".pid"), Long.toString(process.pid()));
        long deadline = System.nanoTime() + startTimeout.toNanos();
        await(deadline, () -> servingPort(log, logFrom) > 0 || !process.isAlive(), target + " logging that it serves (log: " + log + ")");
        if (!process.isAlive()) {
            throw new IllegalStateException(target + " exited with " + process.exitValue() + " while starting; see " + log);
        }
        if (target.role() != Target.Role.BROKER) {
            int port = port(target);
            await(deadline, () -> readyStatus(port) == 200 || !process.isAlive(), target + " ready on port " + port + " (log: " + log + ")");
            if (!process.isAlive()) {
                throw new IllegalStateException(target + " exited with " + process.exitValue() + " while starting; see " + log);
            }
        }
    }

    private int readyStatus(int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The port in the first "… on port N" line written to the log since {@code from}; 0 while there is none. */
    private static int servingPort(Path log, long from) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(from);
            byte[] written = new byte[(int) Math.max(0, file.length() - from)];
            file.readFully(written);
            Matcher matcher = SERVING.matcher(new String(written, StandardCharsets.UTF_8));
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void await(long deadlineNanos, BooleanSupplier done, String what) throws InterruptedException {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
