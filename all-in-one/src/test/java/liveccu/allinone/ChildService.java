package liveccu.allinone;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;

/**
 * A service in its own JVM, started from the packaged classpath exactly as an operator runs it, so
 * that a test can kill it for real (SIGKILL) rather than close it politely.
 */
final class ChildService implements AutoCloseable {

    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target");
    /**
     * What each service logs once it serves: "collector listening on port N (…)", "query API listening
     * on port N", "sessions service listening on port N (…)", "aggregator running (…); health and
     * metrics on port N". The digits must be followed by something, so a half-written line never counts.
     */
    private static final Pattern BOUND_PORT = Pattern.compile("(?:listening|health and metrics) on port (\\d+)\\D");

    private final Process process;
    private final int port;

    private ChildService(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code mainClass} with the given environment and {@code portVariable} set to 0, so the
     * service binds a free port itself (no other process can take it in between); learns that port
     * from the line the service logs to {@code log}, then waits until its readiness endpoint answers 200.
     */
    static ChildService start(String mainClass, String portVariable, Map<String, String> env, Path log) {
        String classpath = TARGET.resolve("lib") + File.separator + "*" + File.pathSeparator + TARGET.resolve("liveccu.jar");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, mainClass))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().put(portVariable, "0");
        if (!env.containsKey("CCU_LOG_LEVEL")) {
            builder.environment().put("CCU_LOG_LEVEL", "INFO");  // the bound port is on an INFO line
        }
        try {
            long logFrom = Files.exists(log) ? Files.size(log) : 0;  // a reused log: only what this start writes
            Process process = builder.start();
            int port = Eventually.await(Duration.ofSeconds(60), mainClass + " logging its port (log: " + log + ")",
                    () -> boundPort(log, logFrom), bound -> bound > 0 || !process.isAlive());
            if (port <= 0) {
                throw new AssertionError(mainClass + " exited with " + process.waitFor() + " before listening; see " + log);
            }
            ChildService child = new ChildService(process, port);
            Eventually.await(Duration.ofSeconds(60), mainClass + " ready (log: " + log + ")", child::readyStatus,
                    status -> status == 200 || !child.process.isAlive());
            if (!child.process.isAlive()) {
                throw new AssertionError(mainClass + " exited with " + child.process.exitValue() + "; see " + log);
            }
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The port in the first "… on port N" line written to the log since {@code from}; 0 while there is none. */
    private static int boundPort(Path log, long from) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(from);
            byte[] written = new byte[(int) Math.max(0, file.length() - from)];
            file.readFully(written);
            Matcher matcher = BOUND_PORT.matcher(new String(written, StandardCharsets.UTF_8));
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
        } catch (IOException e) {
            return 0;  // not created yet
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
}
