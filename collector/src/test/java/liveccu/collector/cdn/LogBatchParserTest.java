package liveccu.collector.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import liveccu.collector.intake.BatchParse.LineRejection;
import liveccu.collector.intake.IpHasher;
import liveccu.model.CdnRequest;
import liveccu.model.CountingRules;
import liveccu.model.RejectReason;
import org.junit.jupiter.api.Test;

/** A batch as a whole: identities and line numbers, hashing, bad lines beside good ones, limits, Cloudflare's test upload, batch ids. */
class LogBatchParserTest {

    private static final long T = LogFormatsTest.T;
    private static final IpHasher HASHER = new IpHasher("batch-test-secret-of-16+ bytes".getBytes(StandardCharsets.UTF_8));
    private static final LogSource CLOUDFLARE = new LogSource("cf-main", LogFormat.CLOUDFLARE, "123456789", "zone-eu", "t".repeat(16));
    private static final LogSource FILES = new LogSource("files", LogFormat.CLOUDFRONT, "123456789", "files", "t".repeat(16));
    private static final LogSource NGINX = new LogSource("nginx", LogFormat.COMBINED, "123456789", "nginx", "t".repeat(16));
    private final LogBatchParser parser = new LogBatchParser(CountingRules.defaults(), HASHER, 4);

    private static String cloudflare(String ip, int status) {
        return "{\"EdgeStartTimestamp\":1796033700,\"ClientIP\":\"" + ip + "\",\"ClientRequestMethod\":\"GET\",\"ClientRequestURI\":\"/a\","
                + "\"EdgeResponseStatus\":" + status + ",\"EdgeResponseBytes\":10}";
    }

    @Test
    void linesGetTheirIndexInTheBatchAndTheIpOnlyItsHash() {
        String body = cloudflare("203.0.113.9", 200) + "\n\n" + "{broken\r\n" + cloudflare("2001:db8::1", 206) + "\n";
        var batch = assertInstanceOf(LogBatchParser.Batch.class, parser.parse(CLOUDFLARE, "cf-main/b1", 0, body, T + 60_000));
        assertEquals(List.of(new LineRejection(1, RejectReason.BAD_LOG_LINE, "not a JSON object")), batch.rejected());
        assertEquals(List.of(
                new CdnRequest("cf-main/b1", 0, "123456789", "cf-main", "cloudflare", "zone-eu", T, T + 60_000,
                        HASHER.hash("203.0.113.9", T), "GET", null, "/a", 200, 10, null, null, null, null, null, CdnRequest.OTHER, null),
                new CdnRequest("cf-main/b1", 2, "123456789", "cf-main", "cloudflare", "zone-eu", T, T + 60_000,
                        HASHER.hash("2001:db8::1", T), "GET", null, "/a", 206, 10, null, null, null, null, null, CdnRequest.OTHER, null)),
                batch.requests());
        assertEquals(HASHER.hash("2001:db8::2", T), batch.requests().get(1).ipHash(), "IPv6 hashed by its /64, as for player events");
    }

    @Test
    void theSameBodyGivesTheSameIdentities() {
        String body = cloudflare("203.0.113.9", 200) + "\n" + cloudflare("203.0.113.10", 200);
        String id = BatchIds.of("cf-main", null, body);
        assertEquals(id, BatchIds.of("cf-main", null, body));
        assertTrue(id.startsWith("cf-main/sha256:") && id.length() == "cf-main/sha256:".length() + 64, id);
        assertTrue(!id.equals(BatchIds.of("cf-other", null, body)), "another source's same body is another batch");
        assertEquals("files/abc", BatchIds.of("files", "abc", body));
        assertEquals(parser.parse(CLOUDFLARE, id, 0, body, T + 1000), parser.parse(CLOUDFLARE, id, 0, body, T + 1000));
        assertTrue(BatchIds.isValid(null) && BatchIds.isValid("0f3a:12") && !BatchIds.isValid("a b") && !BatchIds.isValid(""));
    }

    @Test
    void aFirstLineIsAWholeNumberUpToTheMaximum() {
        assertEquals(List.of(0, 0, 12, 100, -1, -1, -1, -1, -1, -1),
                Stream.of(null, "0", "012", "100", "101", "-1", "1.5", " 1", "", "99999999999").map(n -> BatchIds.firstLine(n, 100)).toList());
    }

    @Test
    void directivesAndBlankLinesHaveNoIndexAndTooManyLinesRefuseTheBatch() {
        String line = LogFormatsTest.cloudFrontLine("203.0.113.9", "Hit", "-", "-");
        String body = "#Version: 1.0\n" + LogFormatsTest.CLOUDFRONT_FIELDS + "\n" + line + "\n\n" + line + "\n";
        var batch = assertInstanceOf(LogBatchParser.Batch.class, parser.parse(FILES, "files/f", 0, body, T + 1000));
        assertEquals(List.of(0, 1), batch.requests().stream().map(CdnRequest::line).toList());
        String five = LogFormatsTest.CLOUDFRONT_FIELDS + ("\n" + line).repeat(5);
        var refused = assertInstanceOf(LogBatchParser.Refused.class, parser.parse(FILES, "files/g", 0, five, T + 1000));
        assertEquals(RejectReason.TOO_MANY_LOG_LINES, refused.reason());
    }

    @Test
    void aChunkOfAFileNumbersItsLinesFromItsFirstLinesNumberInTheFile() {
        String line = LogFormatsTest.cloudFrontLine("203.0.113.9", "Hit", "-", "-");
        // the file's #Fields: line carried in front of the chunk, a blank line: no number
        String body = LogFormatsTest.CLOUDFRONT_FIELDS + "\n" + line + "\nbroken\n\n" + line + "\n";
        var batch = assertInstanceOf(LogBatchParser.Batch.class, parser.parse(FILES, "files/f", 5_000, body, T + 1000));
        assertEquals(List.of(5_000, 5_002), batch.requests().stream().map(CdnRequest::line).toList());
        assertEquals(List.of(new LineRejection(5_001, RejectReason.BAD_LOG_LINE, "date and time must be YYYY-MM-DD and hh:mm:ss (UTC)")),
                batch.rejected(), "a bad line is reported by its number too");
    }

    @Test
    void aHashLineIsNumberedInNoFormat() {
        String line = "203.0.113.9 - - [30/Nov/2026:10:15:00 +0000] \"GET /a.mp3 HTTP/1.1\" 200 10";
        var batch = assertInstanceOf(LogBatchParser.Batch.class,
                parser.parse(NGINX, "nginx/f", 7, "# a comment\n" + line + "\n  #another\n" + line + "\n", T + 1000));
        assertEquals(List.of(7, 8), batch.requests().stream().map(CdnRequest::line).toList());
        assertEquals(List.of(), batch.rejected());
        var pushed = assertInstanceOf(LogBatchParser.Batch.class,
                parser.parse(CLOUDFLARE, "cf-main/b3", 0, "#x\n" + cloudflare("203.0.113.9", 200), T + 60_000));
        assertEquals(List.of(0), pushed.requests().stream().map(CdnRequest::line).toList());
        assertEquals(List.of(), pushed.rejected());
    }

    @Test
    void aLineAheadOfTheClockIsRejectedOnItsOwn() {
        var batch = assertInstanceOf(LogBatchParser.Batch.class,
                parser.parse(CLOUDFLARE, "cf-main/b2", 0, cloudflare("203.0.113.9", 200), T - 3_600_000));
        assertEquals(0, batch.requests().size());
        assertTrue(batch.rejected().get(0).message().contains("ahead of the collector's clock"), batch.rejected().toString());
    }

    @Test
    void cloudflaresTestUploadIsAProbeNotABatch() {
        assertInstanceOf(LogBatchParser.ValidationProbe.class, parser.parse(CLOUDFLARE, "x", 0, "{\"content\":\"tests\"}", T));
        assertInstanceOf(LogBatchParser.ValidationProbe.class, parser.parse(CLOUDFLARE, "x", 0, "{\"content\":\"test\"}\n", T));
        assertInstanceOf(LogBatchParser.Batch.class, parser.parse(CLOUDFLARE, "x", 0, "{\"content\":\"tests\",\"ClientIP\":\"1.2.3.4\"}", T));
    }
}
