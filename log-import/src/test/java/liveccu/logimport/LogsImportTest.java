package liveccu.logimport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The importer against a stand-in collector that records what it gets and answers as told. */
class LogsImportTest {

    record Received(String batchId, String firstLine, String token, String body) {
    }

    @TempDir
    Path dir;
    HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    /** Statuses to answer in turn before answering 204. */
    final List<Integer> answers = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/logs/files", exchange -> {
            requests.incrementAndGet();
            byte[] body;
            try (InputStream in = new GZIPInputStream(exchange.getRequestBody())) {
                body = in.readAllBytes();
            }
            int status = answers.isEmpty() ? 204 : answers.remove(0);
            if (status == 204) {
                received.add(new Received(exchange.getRequestHeaders().getFirst("x-ccu-log-batch"),
                        exchange.getRequestHeaders().getFirst("x-ccu-log-first-line"),
                        exchange.getRequestHeaders().getFirst("x-ccu-log-token"), new String(body, StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(204, -1);
            } else {
                byte[] error = ("{\"error\":\"told to answer " + status + "\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("retry-after", "0");
                exchange.sendResponseHeaders(status, error.length);
                exchange.getResponseBody().write(error);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of("import", "--source", "files", "--token", "files-token-0123456789",
                "--collector", "http://127.0.0.1:" + server.getAddress().getPort(), "--max-wait-seconds", "0"));
        all.addAll(List.of(args));
        CommandLine command = new CommandLine(new LogsMain());
        command.setOut(new PrintWriter(new StringWriter()));
        command.setErr(new PrintWriter(new StringWriter()));
        return command.execute(all.toArray(String[]::new));
    }

    private Path gzipFile(String name, String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    @Test
    void cloudFrontChunksEachCarryTheFieldsLineTheFilesBatchIdAndTheirFirstLine() throws Exception {
        String fields = "#Fields: date time c-ip cs-method cs-uri-stem sc-status sc-bytes";
        Path file = gzipFile("E2.2026-11-30-10.abcd.gz", "#Version: 1.0\n" + fields + "\nl1\nl2\nl3\nl4\n");
        assertEquals(0, run("--format", "cloudfront", "--chunk-lines", "3", file.toString()));
        String fingerprint = LogFile.fingerprint(file);
        assertEquals(List.of(new Received(fingerprint, "0", "files-token-0123456789", "#Version: 1.0\n" + fields + "\nl1\n"),
                new Received(fingerprint, "1", "files-token-0123456789", fields + "\nl2\nl3\nl4\n")), received);
        assertEquals(0, run(file.toString()), "a finished file");
        assertEquals(2, received.size(), "is skipped");
    }

    @Test
    void a503IsRetriedAndA401StopsKeepingWhatWasAcknowledged() throws Exception {
        Path file = Files.writeString(dir.resolve("access.log"), "a\nb\nc\n");
        answers.addAll(List.of(503, 503));
        assertEquals(0, run("--chunk-lines", "2", file.toString()));
        assertEquals(List.of("a\nb\n", "c\n"), received.stream().map(Received::body).toList());
        assertEquals(4, requests.get(), "two refused, then both chunks");

        Path other = Files.writeString(dir.resolve("other.log"), "d\ne\nf\n");
        answers.addAll(List.of(204, 401));
        assertEquals(1, run("--chunk-lines", "2", "--retries", "0", other.toString()));
        assertEquals(3, received.size(), "the first chunk of the other file");
        assertEquals(0, run("--chunk-lines", "2", other.toString()), "resumed");
        assertEquals(List.of("a\nb\n", "c\n", "d\ne\n", "f\n"), received.stream().map(Received::body).toList(),
                "the acknowledged chunk is not sent again");
    }

    @Test
    void maxChunksStopsAndAResumeKeepsTheChunkSizeItStartedWith() throws Exception {
        Path file = Files.writeString(dir.resolve("access.log"), "1\n2\n3\n4\n5\n");
        assertEquals(1, run("--chunk-lines", "2", "--max-chunks", "1", file.toString()));
        assertEquals(0, run("--chunk-lines", "4", file.toString()));
        String fingerprint = LogFile.fingerprint(file);
        assertEquals(List.of(fingerprint, fingerprint, fingerprint), received.stream().map(Received::batchId).toList());
        assertEquals(List.of("0", "2", "4"), received.stream().map(Received::firstLine).toList());
        assertEquals(List.of("1\n2\n", "3\n4\n", "5\n"), received.stream().map(Received::body).toList());
        assertTrue(Files.readString(dir.resolve(".liveccu-import.json")).contains("\"complete\" : true"));
    }

    @Test
    void aLineHasTheSameNumberHoweverTheFileIsCut() throws Exception {
        // blank and # lines have no number, wherever they are; every other line has one (the collector numbers bad lines too)
        String text = "#Version: 1.0\n#Fields: date time\nr0\n\nr1\n# a comment\nr2\n   \n  #Fields: time date\nbad\nr4\nr5\n";
        Path file = Files.writeString(dir.resolve("E3.log"), text);
        Map<Integer, Map<String, String>> byChunkLines = new TreeMap<>();
        for (int chunkLines : List.of(1, 2, 3, 5, 1000)) {
            received.clear();
            assertEquals(0, run("--chunk-lines", String.valueOf(chunkLines), "--state", dir.resolve("state-" + chunkLines).toString(),
                    file.toString()));
            byChunkLines.put(chunkLines, identities(received));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        String fingerprint = LogFile.fingerprint(file);
        List.of("r0", "r1", "r2", "bad", "r4", "r5").forEach(line -> expected.put(fingerprint + "#" + expected.size(), line));
        byChunkLines.forEach((chunkLines, identities) -> assertEquals(expected, identities, "in chunks of " + chunkLines + " lines"));
    }

    /** The chunks' lines as the collector numbers them (from the chunk's first line), by identity {@code batch#number}. */
    private static Map<String, String> identities(List<Received> chunks) {
        Map<String, String> identities = new LinkedHashMap<>();
        for (Received chunk : chunks) {
            long number = Long.parseLong(chunk.firstLine());
            for (String line : chunk.body().split("\n")) {
                if (!line.isBlank() && !line.strip().startsWith("#")) {
                    assertNull(identities.put(chunk.batchId() + "#" + number++, line), "one line per identity");
                }
            }
        }
        return identities;
    }
}
