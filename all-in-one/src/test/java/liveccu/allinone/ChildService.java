package liveccu.allinone;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service in its own JVM, started from the packaged classpath exactly as an operator runs it, so
 * that a test can kill it for real (SIGKILL) rather than close it politely.
 */
final class ChildService implements AutoCloseable {

    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target");

    private final Process process;
    private final int port;

    private ChildService(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code mainClass} with the given environment and waits until its readiness endpoint
     * answers 200 on {@code portVariable}, which is set to a free port.
     */
    static ChildService start(String mainClass, String portVariable, Map<String, String> env, Path log) {
        int port = freePort();
        String classpath = TARGET.resolve("lib") + File.separator + "*" + File.pathSeparator + TARGET.resolve("liveccu.jar");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, mainClass))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().put(portVariable, Integer.toString(port));
        try {
            ChildService child = new ChildService(builder.start(), port);
            Eventually.await(Duration.ofSeconds(60), mainClass + " ready (log: " + log + ")", child::readyStatus,
                    status -> status == 200 || !child.process.isAlive());
            if (!child.process.isAlive()) {
                throw new AssertionError(mainClass + " exited with " + child.process.exitValue() + "; see " + log);
            }
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    private int readyStatus() {
        try {
            return Http.get(port, "/health/ready").status();
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    /** SIGKILL: no shutdown hook, no commit, no flush — a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then wait for the graceful shutdown. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
