package liveccu.allinone;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import liveccu.logimport.LogsMain;
import liveccu.model.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import picocli.CommandLine;

/** What the CDN log ITs share: bodies as CDNs send them, the importer run in this JVM, and no raw client IP on any topic. */
final class CdnLogs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CdnLogs() {
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** The hex SHA-256 of the bytes: a pushed batch's id without {@code X-CCU-Log-Batch}, a file's for the importer. */
    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static String fingerprint(Path file) throws Exception {
        return sha256(Files.readAllBytes(file));
    }

    /** Runs {@code ./liveccu logs import} in this JVM against the collector; its exit status and what it printed. */
    static Map.Entry<Integer, String> importLogs(int collectorPort, String source, String token, Path state, String... args) {
        List<String> all = new ArrayList<>(List.of("import", "--source", source, "--token", token,
                "--collector", "http://127.0.0.1:" + collectorPort, "--state", state.toString(), "--max-wait-seconds", "1"));
        all.addAll(List.of(args));
        StringWriter printed = new StringWriter();
        CommandLine command = new CommandLine(new LogsMain());
        command.setOut(new PrintWriter(printed, true));
        command.setErr(new PrintWriter(printed, true));
        int status = command.execute(all.toArray(String[]::new));
        return Map.entry(status, printed.toString());
    }

    /**
     * A Cloudflare Logpush line (the fields a Logpush job sends) of a request for media.example.com served at
     * {@code timeMs} by the CDG colo from its cache.
     *
     * @param range the requested bytes, {@code first-last}, or null
     */
    static String cloudflareLine(long timeMs, String ip, String userAgent, String method, String path, int status, long bytes,
                                 String range) {
        ObjectNode line = JSON.createObjectNode().put("EdgeStartTimestamp", Instant.ofEpochMilli(timeMs).toString())
                .put("EdgeEndTimestamp", Instant.ofEpochMilli(timeMs + 40).toString()).put("ClientIP", ip)
                .put("ClientRequestMethod", method).put("ClientRequestHost", "media.example.com").put("ClientRequestURI", path)
                .put("EdgeResponseStatus", status).put("EdgeResponseBytes", bytes).put("ClientRequestUserAgent", userAgent)
                .put("EdgeColoCode", "CDG").put("CacheCacheStatus", "hit").put("RayID", "7f1a2b3c4d5e6f70");
        if (range != null) {
            line.putObject("RequestHeaders").put("range", "bytes=" + range);
        }
        return line.toString();
    }

    /** Reads every record of every topic (Kafka's own aside) as text, fails on the first holding one of the IPs; how many it read. */
    static int assertNoRawIpOnAnyTopic(String bootstrapServers, List<String> ips) throws Exception {
        Set<String> topics;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            topics = admin.listTopics(new ListTopicsOptions().listInternal(false)).names().get();
        }
        int records = 0;
        for (String topic : topics) {
            for (ConsumerRecord<String, String> record : TopicContents.read(bootstrapServers,
                    new Topic<>(topic, Serdes.String(), Serdes.String()))) {
                records++;
                for (String ip : ips) {
                    assertFalse(String.valueOf(record.key()).contains(ip) || String.valueOf(record.value()).contains(ip),
                            "raw client IP on " + topic + ": " + record.value());
                }
            }
        }
        return records;
    }
}
