package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ./liveccu} as a newcomer meets it: the real launcher script in a child process, on a fresh
 * data directory, read line by line as a person reads the console.
 */
class LauncherIT {

    private static final Path PROJECT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    private static final Pattern BEACON_URL = Pattern.compile("beacons +http://localhost:(\\d+)/");
    private static final Pattern API_URL = Pattern.compile("query API +http://localhost:(\\d+)/");
    private static final String JOB = "142bbf588a574e018de94136a664cfaf";

    @TempDir
    Path dataDir;

    @Test
    void aFreshStartPrintsTheBannerCountsTheReadmeBeaconsAndStopsWithoutAnError() throws Exception {
        Map<String, String> env = freshSystem();
        env.put("CCU_TOKEN_SECRET", "a-shared-secret-of-at-least-32-bytes!"); // every service, the sessions one too
        try (Launched system = Launched.start(PROJECT, env, "all")) {
            system.awaitLine("live CCU is running", Duration.ofMinutes(2));
            assertTrue(system.output().contains("sessions   http://localhost:"), system.output());
            int collector = system.awaitNumber(BEACON_URL);
            int api = system.awaitNumber(API_URL);

            // The README's "From clone to your own beacon counted", as curl sends it.
            long now = System.currentTimeMillis() / 1000;
            for (String session : List.of("00000000000000000000000000000001", "00000000000000000000000000000002")) {
                assertEquals(200, Http.get(collector, beacon(session, now, "heartbeat")).status());
            }
            assertEquals(200, Http.get(collector, beacon("00000000000000000000000000000001", now, "csheartbeat")).status());
            Eventually.await(Duration.ofSeconds(30), "the README's beacons counted",
                    () -> Http.get(api, "/ccu?jobid=" + JOB).body(),
                    body -> body.contains("\"ssccu\":2") && body.contains("\"csccu\":1"));

            // A service started alone has the same runtime class path, and logs as much.
            Map<String, String> alone = Map.of("KAFKA_BOOTSTRAP_SERVERS", system.awaitKafka(), "CCU_API_PORT", "0",
                    "CCU_API_STATE_DIR", dataDir.resolve("api-alone").toString(), "LIVECCU_NO_BUILD", "1");
            try (Launched apiAlone = Launched.start(PROJECT, alone, "api")) {
                apiAlone.awaitLine("query API listening on port", Duration.ofMinutes(1));
                assertTrue(apiAlone.errorLines().isEmpty(), apiAlone.output());
            }

            system.stop();
            assertTrue(system.output().contains("live CCU stopped"), system.output());
            assertEquals(List.of(), system.errorLines(), "ERROR lines on a healthy start and stop:\n" + system.output());
        }
    }

    @ParameterizedTest
    @CsvSource({
            "CCU_KAFKA_PORT, embedded Kafka broker",
            "CCU_KAFKA_CONTROLLER_PORT, embedded Kafka broker's controller",
            "CCU_COLLECTOR_PORT, collector",
            "CCU_API_PORT, query API",
            "CCU_AGGREGATOR_PORT, aggregator's health and metrics server",
            "CCU_SESSIONS_PORT, sessions service"})
    void aBusyPortIsOneClearLineAndAFailedStart(String setting, String owner) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            Map<String, String> env = freshSystem();
            env.put(setting, Integer.toString(port));
            env.put("CCU_TOKEN_SECRET", "a-shared-secret-of-at-least-32-bytes!"); // runs the sessions service too

            try (Launched system = Launched.start(PROJECT, env, "all")) {
                int exit = system.awaitExit(Duration.ofMinutes(1));

                assertNotEquals(0, exit, system.output());
                List<String> errors = system.errorLines();
                assertEquals(1, errors.size(), system.output());
                assertTrue(errors.get(0).endsWith("live CCU cannot start: port " + port + " is already in use; the " + owner
                        + " needs it: stop what holds it, or set " + setting + " to another port"), system.output());
                assertFalse(system.output().contains("\tat "), "no stack trace:\n" + system.output());
            }
        }
    }

    @Test
    void theSimulatorWithNoSystemRunningSaysSoAndFails() throws Exception {
        // Something holds the port but never answers HTTP: the worst case, a silent hang.
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            String url = "http://127.0.0.1:" + silent.getLocalPort();
            try (Launched simulator = Launched.start(PROJECT, Map.of("LIVECCU_NO_BUILD", "1"), "simulate",
                    "--collector", url, "--api", url)) {
                int exit = simulator.awaitExit(Duration.ofSeconds(30));

                assertNotEquals(0, exit, simulator.output());
                assertTrue(simulator.output().contains("nothing answers at " + url + " (the collector): no answer within 3 s"),
                        simulator.output());
                assertTrue(simulator.output().contains("start the system first (./liveccu)"), simulator.output());
            }
        }
    }

    @Test
    void theTestCommandSaysWhatToInstallWhereItCannotInstall() throws Exception {
        // A machine without apt-get or sudo, and no browser or ffmpeg where the tests look for them.
        Path bin = Files.createDirectories(dataDir.resolve("bin"));
        for (String tool : List.of("bash", "dirname", "id")) {
            Path real = Path.of("/usr/bin", tool);
            Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
        }
        Map<String, String> env = Map.of("PATH", bin.toString(),
                "CCU_TEST_CHROMIUM", dataDir.resolve("no-chromium").toString(),
                "CCU_TEST_CHROMEDRIVER", dataDir.resolve("no-chromedriver").toString(),
                "CCU_TEST_FFMPEG", dataDir.resolve("no-ffmpeg").toString());

        try (Launched test = Launched.start(PROJECT, env, "test")) {
            int exit = test.awaitExit(Duration.ofSeconds(30));

            assertEquals(1, exit, test.output());
            assertTrue(test.output().contains("install: chromium chromium-driver ffmpeg"), test.output());
            assertFalse(test.output().contains("[INFO]"), "stopped before any build:\n" + test.output());
        }
    }

    private Map<String, String> freshSystem() {
        Map<String, String> env = new HashMap<>();
        env.put("CCU_DATA_DIR", dataDir.resolve("data").toString());
        env.put("CCU_KAFKA_PORT", "0");
        env.put("CCU_COLLECTOR_PORT", "0");
        env.put("CCU_API_PORT", "0");
        env.put("CCU_AGGREGATOR_PORT", "0");
        env.put("CCU_SESSIONS_PORT", "0");
        env.put("JAVA_OPTS", "-Xmx512m");
        env.put("LIVECCU_NO_BUILD", "1");
        return env;
    }

    private static String beacon(String session, long epochSeconds, String side) {
        return "/" + Viewers.randomHex32() + "/" + JOB + "/" + session + "/123456789/" + epochSeconds + "/" + side;
    }

    /** The launcher running as a child process, its console (stdout and stderr) kept line by line. */
    private static final class Launched implements AutoCloseable {

        private final Process process;
        private final Thread console;
        private final List<String> lines = new ArrayList<>();

        private Launched(Process process) {
            this.process = process;
            this.console = new Thread(this::readConsole, "launcher-console");
            console.setDaemon(true);
            console.start();
        }

        static Launched start(Path project, Map<String, String> env, String... arguments) throws IOException {
            List<String> command = new ArrayList<>(List.of(project.resolve("liveccu").toString()));
            command.addAll(List.of(arguments));
            ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            return new Launched(builder.start());
        }

        private void readConsole() {
            try (BufferedReader console = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = console.readLine(); line != null; line = console.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        /** Every line logged at ERROR, and what the Log4j status logger says when it has no provider. */
        List<String> errorLines() {
            return output().lines().filter(line -> line.contains(" ERROR ")).toList();
        }

        void awaitLine(String text, Duration timeout) {
            Eventually.await(timeout, "\"" + text + "\" on the console", this::output,
                    output -> output.contains(text) || !process.isAlive());
            assertTrue(output().contains(text), "the launcher ended before printing \"" + text + "\":\n" + output());
        }

        int awaitNumber(Pattern pattern) {
            Matcher matcher = pattern.matcher(output());
            assertTrue(matcher.find(), pattern + " in:\n" + output());
            return Integer.parseInt(matcher.group(1));
        }

        String awaitKafka() {
            Matcher matcher = Pattern.compile("Kafka +(\\S+) \\(embedded\\)").matcher(output());
            assertTrue(matcher.find(), output());
            return matcher.group(1);
        }

        /** The exit status, once the process has ended and its console has been read to the end. */
        int awaitExit(Duration timeout) throws InterruptedException {
            assertTrue(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS), "still running:\n" + output());
            console.join(Duration.ofSeconds(10).toMillis());
            return process.exitValue();
        }

        /** SIGTERM, as Ctrl-C or an orchestrator stops it, then the whole graceful shutdown. */
        void stop() throws InterruptedException {
            // Through the handle: Process.destroy() would also close the console before it is read to its end.
            process.toHandle().destroy();
            awaitExit(Duration.ofMinutes(1));
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }
}
