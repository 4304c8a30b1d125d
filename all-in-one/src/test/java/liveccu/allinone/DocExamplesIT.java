package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code curl} example of the README and docs/*.md runs as written against one real system
 * (embedded broker, every service, real HTTP), started once for all of them.
 *
 * <p>Each fenced {@code sh} block that calls {@code curl} runs on its own with bash, in an empty
 * directory, exactly as a reader would paste it, with two differences only: the documented
 * {@code localhost:8080}, {@code 8081} and {@code 8083} become the test system's ports, and
 * {@code ./liveccu} with no arguments (the blocks that start the system) does nothing, since the
 * system runs already. The system is started as those blocks say: without {@code CCU_API_KEY}
 * (open, as {@code ./liveccu} starts), with the viewer-token secret the token examples sign with, and
 * with the log source the CDN log example names; {@code KEY}, the key the query examples send, is any
 * value, as the docs say of an open system.
 *
 * <p>A {@code curl} passes when it answers what the example documents — a comment on its line or the
 * comment lines right after it that start with a status ({@code # HTTP/1.1 204 No Content},
 * {@code # 403 {"error_code":…}}) — and otherwise a 2xx; every curl of a block must have run.
 * deploy/README.md's examples are left out: they run against the Docker Compose deployment, with its
 * secrets.
 */
class DocExamplesIT {

    private static final Path PROJECT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    static final String TOKEN_SECRET = "a-shared-secret-of-at-least-32-bytes!";
    static final String LOG_SOURCE = "files:combined:123456789";
    static final String LOG_TOKEN = "files=a-token-of-at-least-16-characters";
    private static final Pattern FENCE = Pattern.compile("^(\\s*)```(\\w*)\\s*$");
    private static final Pattern CURL = Pattern.compile("(^|[\\s|;&(`])curl\\s");
    private static final Pattern DOCUMENTED_STATUS = Pattern.compile("^#\\s*(?:HTTP/[\\d.]+\\s+)?([1-5]\\d\\d)\\b");
    private static final Pattern RECORD = Pattern.compile("^@@curl (\\d+) (\\d{3})$");
    /** Records each curl's script line and status on stderr, then passes its output on unchanged. */
    private static final String PRELUDE = """
            curl() {
              local out rc
              out=$(mktemp)
              command curl -w '%{stderr}@@curl '"${BASH_LINENO[0]}"' %{http_code}\\n' "$@" > "$out"; rc=$?
              cat "$out"; rm -f "$out"
              return $rc
            }
            """;

    @TempDir
    static Path dataDir;
    static LocalSystem system;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>(Viewers.testEnv(dataDir));
        env.remove("CCU_API_KEY");
        env.put("CCU_SESSIONS_PORT", "0");
        env.put("CCU_TOKEN_SECRET", TOKEN_SECRET);
        env.put("CCU_LOG_SOURCES", LOG_SOURCE);
        env.put("CCU_LOG_SOURCE_TOKENS", LOG_TOKEN);
        system = LocalSystem.start(new Env(env));
        for (int port : List.of(system.collectorPort(), system.apiPort(), system.sessionsPort().orElseThrow())) {
            Eventually.await(Duration.ofSeconds(90), "port " + port + " ready",
                    () -> Http.get(port, "/health/ready").status(), status -> status == 200);
        }
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCurlExampleRunsAsWritten() {
        List<Example> examples = examples();
        assertFalse(examples.isEmpty(), "no curl examples found in README.md and docs/");
        return examples.stream().map(example -> DynamicTest.dynamicTest(example.name(), () -> run(example)));
    }

    /** One fenced sh block that calls curl: its text, and where it starts in its page. */
    record Example(Path page, int firstLine, List<String> lines) {
        String name() {
            return PROJECT.relativize(page) + ":" + firstLine;
        }
    }

    static List<Example> examples() {
        List<Path> pages = new ArrayList<>(List.of(PROJECT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(PROJECT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Example> examples = new ArrayList<>();
        for (Path page : pages) {
            List<String> lines = read(page);
            for (int i = 0; i < lines.size(); i++) {
                Matcher open = FENCE.matcher(lines.get(i));
                if (!open.matches() || open.group(2).isEmpty()) {
                    continue;
                }
                String indent = open.group(1);
                List<String> block = new ArrayList<>();
                int j = i + 1;
                for (; j < lines.size() && !lines.get(j).trim().equals("```"); j++) {
                    String line = lines.get(j);
                    block.add(line.startsWith(indent) ? line.substring(indent.length()) : line);
                }
                if (List.of("sh", "bash", "shell").contains(open.group(2))
                        && block.stream().anyMatch(line -> CURL.matcher(line.replaceFirst("#.*", "")).find())) {
                    examples.add(new Example(page, i + 2, block));
                }
                i = j;
            }
        }
        return examples;
    }

    private void run(Example example) throws Exception {
        Path dir = Files.createTempDirectory(dataDir, "example");
        Path stub = dir.resolve("liveccu");
        Files.writeString(stub, "#!/bin/sh\n[ $# -eq 0 ] && exit 0\n"
                + "echo \"DocExamplesIT runs no './liveccu $*': give the example the system it needs instead\" >&2\nexit 97\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));

        List<String> prelude = PRELUDE.lines().toList();
        List<String> script = new ArrayList<>(prelude);
        for (String line : example.lines()) {
            script.add(line.replace("localhost:8080", "localhost:" + system.collectorPort())
                    .replace("localhost:8081", "localhost:" + system.apiPort())
                    .replace("localhost:8083", "localhost:" + system.sessionsPort().orElseThrow()));
        }
        Path file = dir.resolve("example.sh");
        Files.write(file, script, StandardCharsets.UTF_8);

        ProcessBuilder builder = new ProcessBuilder("bash", file.toString()).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        builder.environment().put("KEY", "any-key-on-an-open-system");
        builder.environment().put("HOME", dir.toString());
        Process process = builder.start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(example.name() + " did not finish within 90 s");
        }
        String stderr = Files.readString(dir.resolve("stderr"));
        String output = "stdout:\n" + Files.readString(dir.resolve("stdout")) + "\nstderr:\n" + stderr;

        Map<Integer, Integer> curlLines = curlCommands(example.lines(), prelude.size());
        Map<Integer, List<Integer>> answered = new HashMap<>();
        for (String line : stderr.split("\n")) {
            Matcher record = RECORD.matcher(line.trim());
            if (record.matches()) {
                answered.computeIfAbsent(commandOf(curlLines, Integer.parseInt(record.group(1))), k -> new ArrayList<>())
                        .add(Integer.parseInt(record.group(2)));
            }
        }
        List<String> failures = new ArrayList<>();
        curlLines.values().stream().distinct().sorted().forEach(start -> {
            int docLine = example.firstLine() + start - prelude.size() - 1;
            Optional<Integer> documented = documentedStatus(example.lines(), start - prelude.size() - 1);
            List<Integer> statuses = answered.getOrDefault(start, List.of());
            if (statuses.isEmpty()) {
                failures.add("line " + docLine + ": this curl never answered");
            }
            for (int status : statuses) {
                boolean ok = documented.map(expected -> expected == status).orElse(status >= 200 && status < 300);
                if (!ok) {
                    failures.add("line " + docLine + ": answered " + status + ", documented "
                            + documented.map(String::valueOf).orElse("a 2xx"));
                }
            }
        });
        assertEquals(List.of(), failures, example.name() + "\n" + String.join("\n", example.lines()) + "\n" + output);
    }

    /**
     * Script line (1-based, in the whole script) of every line of a curl command → the line the
     * command starts on: bash may report any line of a command continued with {@code \}.
     */
    private static Map<Integer, Integer> curlCommands(List<String> lines, int offset) {
        Map<Integer, Integer> commands = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!CURL.matcher(lines.get(i).replaceFirst("\\s#.*", "")).find() || lines.get(i).trim().startsWith("#")) {
                continue;
            }
            int start = i + offset + 1;
            int j = i;
            commands.put(start, start);
            while (lines.get(j).endsWith("\\") && j + 1 < lines.size()) {
                j++;
                commands.put(j + offset + 1, start);
            }
            // a command starting on an earlier line (e.g. printf … \ | curl …) is reported from there
            int k = i;
            while (k > 0 && lines.get(k - 1).endsWith("\\")) {
                k--;
                commands.put(k + offset + 1, start);
            }
        }
        return commands;
    }

    private static int commandOf(Map<Integer, Integer> curlLines, int scriptLine) {
        return curlLines.getOrDefault(scriptLine, scriptLine);
    }

    /** The status a curl's example documents: in a comment on its last line, or in the comment lines after it. */
    private static Optional<Integer> documentedStatus(List<String> lines, int index) {
        int last = index;
        while (lines.get(last).endsWith("\\") && last + 1 < lines.size()) {
            last++;
        }
        List<String> comments = new ArrayList<>();
        Matcher trailing = Pattern.compile("\\s(#.*)$").matcher(lines.get(last));
        if (trailing.find()) {
            comments.add(trailing.group(1));
        }
        for (int i = last + 1; i < lines.size() && lines.get(i).trim().startsWith("#"); i++) {
            comments.add(lines.get(i).trim());
        }
        for (String comment : comments) {
            Matcher status = DOCUMENTED_STATUS.matcher(comment);
            if (status.find()) {
                return Optional.of(Integer.parseInt(status.group(1)));
            }
        }
        return Optional.empty();
    }

    private static List<String> read(Path page) {
        try {
            return Files.readAllLines(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
