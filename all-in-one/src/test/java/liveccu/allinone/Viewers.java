package liveccu.allinone;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import liveccu.model.CountingRules;
import liveccu.model.Side;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import liveccu.testsupport.RandomIds;

/** Beacons as encoders and players send them, and the counts and viewer reports the API answers with. */
final class Viewers {

    static final String API_KEY = "test-api-key";
    static final String ACCOUNT = "123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalSystem system;

    Viewers(LocalSystem system) {
        this.system = system;
    }

    static String randomHex32() {
        return RandomIds.hex32();
    }

    /** The start of the UTC minute {@code minutesAgo} before the current one, epoch seconds. */
    static long minuteAgo(int minutesAgo) {
        return CountingRules.minuteStart(System.currentTimeMillis()) / 1000 - 60L * minutesAgo;
    }

    static String beaconPath(String job, String session, Side side, String time) {
        return beaconPath(job, session, ACCOUNT, side, time);
    }

    static String beaconPath(String job, String session, String account, Side side, String time) {
        return "/" + randomHex32() + "/" + job + "/" + session + "/" + account + "/" + time + "/" + side.pathSuffix();
    }

    Http.Reply beacon(String job, String session, Side side, long epochSeconds) {
        return Http.get(system.collectorPort(), beaconPath(job, session, side, Long.toString(epochSeconds)));
    }

    /** Sends until the collector answers 200, as an SSAI service retries a refused beacon. */
    void beaconUntilAccepted(String job, String session, Side side, long epochSeconds) {
        Eventually.await(Duration.ofSeconds(60), "beacon accepted", () -> beacon(job, session, side, epochSeconds),
                reply -> reply.status() == 200);
    }

    /** The seed-compatible query, as JSON objects, newest first. */
    List<Map<String, Object>> ccu(String job, long inSeconds, long outSeconds) {
        return answer(ccuQuery(job, inSeconds, outSeconds));
    }

    private static String ccuQuery(String job, long inSeconds, long outSeconds) {
        return "/ccu?jobid=" + job + "&in=" + inSeconds + "&out=" + outSeconds;
    }

    private List<Map<String, Object>> answer(String query) {
        Http.Reply reply = Http.get(system.apiPort(), query, "x-api-key", API_KEY);
        if (reply.status() != 200) {
            throw new AssertionError("query answered " + reply.status() + ": " + reply.body());
        }
        return parse(reply.body());
    }

    static List<Map<String, Object>> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {time, ssccu, csccu} of each minute, newest first: what a count comparison needs. */
    List<List<Object>> counts(String job, long inSeconds, long outSeconds) {
        return counts(ccuQuery(job, inSeconds, outSeconds));
    }

    /** The same for any CCU query ({@code /ccu…?…}: per job, account or tracking id). */
    List<List<Object>> counts(String query) {
        List<List<Object>> counts = new ArrayList<>();
        for (Map<String, Object> minute : answer(query)) {
            counts.add(List.of(minute.get("time"), ((Number) minute.get("ssccu")).longValue(),
                    ((Number) minute.get("csccu")).longValue()));
        }
        return counts;
    }

    /** Waits until the API shows exactly these counts for the job. */
    void awaitCounts(String job, long inSeconds, long outSeconds, List<List<Object>> expected) {
        awaitCounts(ccuQuery(job, inSeconds, outSeconds), expected);
    }

    /** Waits until the API answers exactly these counts to a CCU query. */
    void awaitCounts(String query, List<List<Object>> expected) {
        Eventually.await(Duration.ofSeconds(60), query + " shows " + expected, () -> counts(query), expected::equals);
    }

    /** The viewer report's rows (JSON objects) for {@code query}, e.g. {@code "jobid=J&in=S&out=S"}. */
    List<Map<String, Object>> viewerReport(String query) {
        Http.Reply reply = Http.get(system.apiPort(), "/viewers?" + query, "x-api-key", API_KEY);
        if (reply.status() != 200) {
            throw new AssertionError("viewer report answered " + reply.status() + ": " + reply.body());
        }
        return parse(reply.body());
    }

    /**
     * Waits until the viewer report for {@code query} has exactly the {@code expected} rows, in any
     * order, each row cut down to {@code columns} (a null is a column without a value); returns the
     * full rows. Fails when {@code timeout} passes first, with the rows last seen.
     */
    List<Map<String, Object>> awaitViewerReport(String query, List<String> columns, List<List<Object>> expected,
                                                Duration timeout) {
        List<List<Object>> wanted = sorted(expected);
        return Eventually.await(timeout, "viewer report " + query + " with " + columns + " " + wanted,
                () -> viewerReport(query),
                rows -> wanted.equals(sorted(rows.stream().map(row -> project(row, columns)).toList())));
    }

    private static List<Object> project(Map<String, Object> row, List<String> columns) {
        List<Object> values = new ArrayList<>();
        columns.forEach(column -> values.add(row.get(column)));
        return values;
    }

    private static List<List<Object>> sorted(List<List<Object>> rows) {
        return rows.stream().sorted(Comparator.comparing(Object::toString)).toList();
    }

    /** Starts, streams, time_s and downloads summed over the rows of a {@code /playback…} answer. */
    static List<Double> playbackTotals(int apiPort, String query) {
        Http.Reply reply = Http.get(apiPort, query, "x-api-key", API_KEY);
        if (reply.status() != 200) {
            throw new AssertionError("playback query answered " + reply.status() + ": " + reply.body());
        }
        List<String> columns = List.of("starts", "streams", "time_s", "downloads");
        double[] sums = new double[columns.size()];
        for (Map<String, Object> row : parse(reply.body())) {
            for (int i = 0; i < columns.size(); i++) {
                sums[i] += ((Number) row.get(columns.get(i))).doubleValue();
            }
        }
        return List.of(sums[0], sums[1], sums[2], sums[3]);
    }

    static List<Object> minute(long epochSeconds, long ssccu, long csccu) {
        return List.of(java.time.Instant.ofEpochSecond(epochSeconds).toString().replace("Z", ".000Z"), ssccu, csccu);
    }

    static Map<String, String> testEnv(java.nio.file.Path dataDir) {
        return Map.of(
                "CCU_DATA_DIR", dataDir.toString(),
                "CCU_KAFKA_PORT", "0",
                "CCU_COLLECTOR_PORT", "0",
                "CCU_API_PORT", "0",
                "CCU_AGGREGATOR_PORT", "0",
                "CCU_API_KEY", API_KEY,
                "CCU_COLLECTOR_EVENT_LOOPS", "2",
                "CCU_STREAM_THREADS", "2",
                "CCU_TOPIC_PARTITIONS", "4",
                "CCU_COMMIT_INTERVAL_MS", "100");
    }
}
