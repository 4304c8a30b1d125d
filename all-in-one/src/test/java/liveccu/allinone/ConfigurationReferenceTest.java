package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import liveccu.ops.config.ConfigException;
import liveccu.ops.config.Env;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the one configuration reference: every setting the code reads is in it,
 * exactly once, and nothing else is. Likewise every setting the deployment files set, and every
 * setting the docs name.
 *
 * <p>What the code reads is found two ways, because neither alone sees everything:
 * <ul>
 *   <li><b>Asked at run time.</b> The services' settings are read through {@link Env}, which remembers
 *       every name it is asked for. The all-in-one's {@link LocalSystem#start} reads its own settings and
 *       then every service's (the collector's, the aggregator's, the API's and, with a token key, the
 *       sessions service's) before it starts anything, and stops at the first setting error: given two
 *       equal Kafka ports it reads everything and starts nothing. Names built from constants, settings
 *       read only in some branch of a config class, and new settings of an existing config class are all
 *       seen, with no list here to keep up to date.</li>
 *   <li><b>Read outside {@code Env}.</b> The command lines' defaults ({@code ${env:NAME}} in picocli
 *       options, and log4j2's configuration), {@code System.getenv} of a literal name in any module's code (the
 *       benchmarks, the browser tests), the {@code liveccu} script's {@code ${NAME:-default}} and the
 *       image's {@code ENV} in the Dockerfile: found by scanning those files for exactly those forms.</li>
 * </ul>
 * A guard ties the two together: every {@code "CCU_…"} string constant in main code must be among
 * the names found, so a setting read by a service that {@link LocalSystem} does not start (a new
 * service) fails here until this test reads it too, rather than being missed silently.
 */
class ConfigurationReferenceTest {

    private static final Path PROJECT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    private static final Path REFERENCE = PROJECT.resolve("docs/configuration.md");
    private static final Pattern SETTING = Pattern.compile("\\bCCU_[A-Z0-9]+(?:_[A-Z0-9]+)*\\b");
    /** A row of a table whose first column is headed "variable": one setting, in backticks, ★ for a secret. */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([A-Z][A-Z0-9_]*)`(?:\\s*★)?\\s*\\|");

    @Test
    void everySettingTheCodeReadsIsDocumentedOnceAndNothingElseIs() {
        Set<String> read = readByTheCode();
        Map<String, Integer> rows = documentedRows(REFERENCE);
        Map<String, Integer> removed = removedRows(REFERENCE);

        List<String> problems = new ArrayList<>();
        for (String name : read) {
            if (!rows.containsKey(name) && !removed.containsKey(name)) {
                problems.add(name + " is read by the code but not in docs/configuration.md");
            }
        }
        removed.forEach((name, count) -> {
            if (count > 1 || rows.containsKey(name)) {
                problems.add(name + " is listed as removed and again in docs/configuration.md");
            }
        });
        rows.forEach((name, count) -> {
            if (count > 1) {
                problems.add(name + " has " + count + " rows in docs/configuration.md");
            }
            if (!read.contains(name)) {
                problems.add(name + " is in docs/configuration.md but no code reads it: remove its row");
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void noOtherPageHasAConfigurationTable() {
        for (Path page : pages()) {
            if (!page.equals(REFERENCE)) {
                assertEquals(Map.of(), documentedRows(page),
                        PROJECT.relativize(page) + " lists settings in a table: they belong in docs/configuration.md (link to it)");
            }
        }
    }

    @Test
    void everySettingTheDocsNameIsInTheReference() {
        Set<String> documented = new TreeSet<>(documentedRows(REFERENCE).keySet());
        documented.addAll(removedRows(REFERENCE).keySet());
        List<String> unknown = new ArrayList<>();
        for (Path page : pages()) {
            for (String name : settingsNamedIn(page)) {
                if (!documented.contains(name)) {
                    unknown.add(PROJECT.relativize(page) + " names " + name);
                }
            }
        }
        assertEquals(List.of(), unknown, "settings named in the docs that docs/configuration.md does not document");
    }

    @Test
    void everySettingTheDeploymentFilesSetIsReadAndDocumented() throws IOException {
        Set<String> read = readByTheCode();
        Set<String> documented = documentedRows(REFERENCE).keySet();
        List<Path> files = new ArrayList<>(List.of(PROJECT.resolve("docker-compose.yml"), PROJECT.resolve("Dockerfile")));
        try (Stream<Path> deploy = Files.walk(PROJECT.resolve("deploy"))) {
            deploy.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".md")).forEach(files::add);
        }
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            Set<String> names = settingsNamedIn(file);
            if (text(file).contains("KAFKA_BOOTSTRAP_SERVERS")) {
                names.add("KAFKA_BOOTSTRAP_SERVERS");
            }
            for (String name : names) {
                if (!read.contains(name)) {
                    problems.add(PROJECT.relativize(file) + " sets " + name + ", which no code reads");
                } else if (!documented.contains(name)) {
                    problems.add(PROJECT.relativize(file) + " sets " + name + ", which docs/configuration.md does not document");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** What the code reads, both ways (see the class comment), checked against the main code's constants. */
    static Set<String> readByTheCode() {
        Set<String> read = new TreeSet<>(askedAtRunTime());
        read.addAll(readOutsideEnv());
        Set<String> constants = mainSources(".java").stream()
                .flatMap(file -> matches(Pattern.compile("\"(CCU_[A-Z0-9_]*[A-Z0-9])\""), text(file)).stream())
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        constants.removeAll(read);
        assertEquals(Set.of(), constants, "setting names in main code that this test did not see read: read the config"
                + " class that uses them in askedAtRunTime(), or scan the form that reads them in readOutsideEnv()");
        return read;
    }

    private static Set<String> askedAtRunTime() {
        // Equal ports are a setting error: LocalSystem reads every setting, then refuses to start anything.
        Env env = new Env(Map.of("CCU_KAFKA_PORT", "1", "CCU_KAFKA_CONTROLLER_PORT", "1",
                "CCU_TOKEN_SECRET", "a-shared-secret-of-at-least-32-bytes!")); // so the sessions service is read too
        ConfigException refused = assertThrows(ConfigException.class, () -> LocalSystem.start(env));
        assertTrue(refused.errors().toString().contains("must differ from CCU_KAFKA_PORT"), refused.errors().toString());
        Set<String> asked = env.namesAskedFor();
        for (String service : List.of("CCU_COLLECTOR_PORT", "CCU_AGGREGATOR_PORT", "CCU_API_PORT", "CCU_SESSIONS_PORT")) {
            assertTrue(asked.contains(service), "LocalSystem no longer reads " + service + " before it starts: " + asked);
        }
        return asked;
    }

    private static Set<String> readOutsideEnv() {
        Set<String> read = new TreeSet<>();
        Pattern fromEnv = Pattern.compile("\\$\\{env:([A-Z][A-Z0-9_]*)"); // picocli and log4j2
        Pattern getenv = Pattern.compile("getenv\\(\\)\\.getOrDefault\\(\"([A-Z][A-Z0-9_]*)\"|getenv\\(\"([A-Z][A-Z0-9_]*)\"");
        for (Path file : mainSources(".java")) {
            read.addAll(matches(fromEnv, text(file)));
        }
        for (Path file : mainSources(".xml")) {
            read.addAll(matches(fromEnv, text(file)));
        }
        try (Stream<Path> all = Files.walk(PROJECT)) {
            all.filter(f -> f.toString().endsWith(".java") && !f.toString().contains("/target/"))
                    .forEach(f -> read.addAll(matches(getenv, text(f))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The launcher reads its environment as ${NAME:-default}; its own variables are plain $NAME.
        read.addAll(matches(Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):-"), text(PROJECT.resolve("liveccu"))));
        // The image's settings: ENV NAME=value \ NAME=value
        Matcher env = Pattern.compile("(?m)^ENV((?:[^\\n]*\\\\\\n)*[^\\n]*)").matcher(text(PROJECT.resolve("Dockerfile")));
        while (env.find()) {
            read.addAll(matches(Pattern.compile("([A-Z][A-Z0-9_]*)="), env.group(1)));
        }
        return read;
    }

    /** Setting name → how many rows of "variable" tables in {@code page} name it. */
    static Map<String, Integer> documentedRows(Path page) {
        return rows(page, "variable");
    }

    /**
     * Removed setting → how many rows of "removed variable" tables name it: names an old installation may
     * still set, which the docs may mention; the code may read one only to refuse it.
     */
    static Map<String, Integer> removedRows(Path page) {
        return rows(page, "removed variable");
    }

    private static Map<String, Integer> rows(Path page, String firstColumn) {
        Map<String, Integer> rows = new TreeMap<>();
        Pattern header = Pattern.compile("^\\|\\s*" + Pattern.quote(firstColumn) + "\\s*\\|.*");
        String[] lines = text(page).split("\n");
        boolean inTable = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (!line.startsWith("|")) {
                inTable = false;
            } else if (i + 1 < lines.length && lines[i + 1].matches("^\\|\\s*:?-+.*")) {
                inTable = header.matcher(line).matches(); // a table's header: is it the kind asked for?
                i++;
            } else if (inTable) {
                Matcher row = ROW.matcher(line);
                if (row.find()) {
                    rows.merge(row.group(1), 1, Integer::sum);
                }
            }
        }
        return rows;
    }

    /** The docs a reader reads: README.md, docs/*.md (but the benchmarks' log, a history), deploy/README.md. */
    static List<Path> pages() {
        List<Path> pages = new ArrayList<>(List.of(PROJECT.resolve("README.md"), PROJECT.resolve("deploy/README.md")));
        try (Stream<Path> docs = Files.list(PROJECT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md") && !p.endsWith("benchmarks.md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    private static Set<String> settingsNamedIn(Path file) {
        return new TreeSet<>(matches(SETTING, text(file)));
    }

    private static List<Path> mainSources(String suffix) {
        try (Stream<Path> all = Files.walk(PROJECT)) {
            return all.filter(Files::isRegularFile)
                    .filter(f -> f.toString().contains("/src/main/") && !f.toString().contains("/target/"))
                    .filter(f -> f.toString().endsWith(suffix))
                    .filter(f -> !f.toString().contains("/webroot/"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            for (int group = 1; group <= m.groupCount(); group++) {
                if (m.group(group) != null) {
                    found.add(m.group(group));
                }
            }
            if (m.groupCount() == 0) {
                found.add(m.group());
            }
        }
        return found;
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }
}
