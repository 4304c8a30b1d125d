package liveccu.collector.cdn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import liveccu.collector.intake.BatchParse.LineRejection;
import liveccu.collector.intake.EventTime;
import liveccu.collector.intake.IpHasher;
import liveccu.model.CdnRequest;
import liveccu.model.CountingRules;
import liveccu.model.RejectReason;

/**
 * The one definition of what a batch of access-log lines gives: its requests, each with its identity
 * {@code (batchId, line)} and the client IP replaced by its keyed hash, and the lines that are not
 * requests, with why. Pure apart from hashing: text in, records out; no HTTP or Kafka.
 *
 * <p>A line's number counts the batch's requests and bad lines in order from the batch's first line's
 * number (0 for a pushed body; for a chunk of a file, its first line's number in the file), not blank
 * lines or lines starting with {@code #} (CloudFront's directives; no format's request starts so), so the
 * same body always gives the same identities. The importer counts a file's lines by this same rule,
 * whatever the source's format, so a line's number in a file does not depend on where the file was cut.
 * One bad line never costs the others; more lines than the limit refuse the whole batch.
 */
public final class LogBatchParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a batch gives. */
    public sealed interface Result permits Batch, Refused, ValidationProbe {
    }

    /** @param rejected the bad lines, by number, in order */
    public record Batch(List<CdnRequest> requests, List<LineRejection> rejected) implements Result {
    }

    public record Refused(RejectReason reason, String message) implements Result {
    }

    /** Cloudflare's test upload when a Logpush job is created ({@code {"content":"tests"}}): answered 2xx, counts nothing. */
    public record ValidationProbe() implements Result {
    }

    private final CountingRules rules;
    private final IpHasher ipHasher;
    private final int maxLines;

    public LogBatchParser(CountingRules rules, IpHasher ipHasher, int maxLines) {
        this.rules = rules;
        this.ipHasher = ipHasher;
        this.maxLines = maxLines;
    }

    /** @param firstLine the number of the batch's first line */
    public Result parse(LogSource source, String batchId, int firstLine, String body, long receivedAtMs) {
        if (source.format() == LogFormat.CLOUDFLARE && isCloudflareTestUpload(body)) {
            return new ValidationProbe();
        }
        LineParser parser = source.format().newParser();
        List<CdnRequest> requests = new ArrayList<>();
        List<LineRejection> rejected = new ArrayList<>();
        int count = 0;
        for (Iterator<String> lines = body.lines().iterator(); lines.hasNext(); ) {
            String text = lines.next();
            if (text.isBlank()) {
                continue;
            }
            String stripped = text.strip();
            LineParser.Result result = parser.parse(stripped);
            // no format's request starts with #: such a line has no number in any format, as the importer (knowing none) counts
            if (result instanceof LineParser.Directive || stripped.startsWith("#")) {
                continue;
            }
            if (count == maxLines) {
                return new Refused(RejectReason.TOO_MANY_LOG_LINES, "more than " + maxLines + " lines in one batch: send smaller batches");
            }
            int number = firstLine + count;
            if (result instanceof LineParser.Bad bad) {
                rejected.add(new LineRejection(number, RejectReason.BAD_LOG_LINE, bad.message()));
            } else {
                AccessLine line = ((LineParser.Parsed) result).line();
                String timeProblem = EventTime.problem(line.timeMs(), receivedAtMs, rules);
                if (timeProblem != null) {
                    rejected.add(new LineRejection(number, RejectReason.BAD_LOG_LINE, timeProblem));
                } else {
                    requests.add(request(source, batchId, number, line, receivedAtMs));
                }
            }
            count++;
        }
        return new Batch(requests, rejected);
    }

    private CdnRequest request(LogSource source, String batchId, int number, AccessLine line, long receivedAtMs) {
        ByteRange range = line.range();
        return new CdnRequest(batchId, number, source.accountId(), source.name(), source.format().wireName(), source.zone(),
                line.timeMs(), receivedAtMs, ipHasher.hash(line.clientIp(), line.timeMs()), line.method(), line.host(),
                line.path(), line.status(), line.bytes(), range == null ? null : range.start(), range == null ? null : range.end(),
                line.userAgent(), line.referrer(), line.pop(), line.cacheStatus(), line.durationMs());
    }

    private static boolean isCloudflareTestUpload(String body) {
        if (body.length() > 256) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() && node.size() == 1 && node.has("content");
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
