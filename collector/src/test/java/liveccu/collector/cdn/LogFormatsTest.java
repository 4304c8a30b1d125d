package liveccu.collector.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import liveccu.model.CdnRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each format's lines, one at a time: what they give, and why a bad one is bad. */
class LogFormatsTest {

    static final long T = Instant.parse("2026-11-30T10:15:00Z").toEpochMilli();

    private static AccessLine parsed(LineParser parser, String line) {
        LineParser.Result result = parser.parse(line);
        return assertInstanceOf(LineParser.Parsed.class, result, () -> "not parsed: " + result).line();
    }

    private static String bad(LineParser parser, String line) {
        LineParser.Result result = parser.parse(line);
        return assertInstanceOf(LineParser.Bad.class, result, () -> "not refused: " + result).message();
    }

    // --- Cloudflare Logpush

    @Test
    void cloudflareLineWithEveryFieldTheIntakeReads() {
        AccessLine line = parsed(new CloudflareLines(), """
                {"EdgeStartTimestamp":"2026-11-30T10:15:00Z","EdgeEndTimestamp":"2026-11-30T10:15:00.250Z","ClientIP":"203.0.113.9",\
                "ClientRequestMethod":"get","ClientRequestHost":"CDN.Example.com","ClientRequestURI":"/ep/1.mp3?token=abc",\
                "EdgeResponseStatus":206,"EdgeResponseBytes":70500,"ClientRequestUserAgent":"AppleCoreMedia/1.0",\
                "ClientRequestReferer":"https://example.com/","EdgeColoCode":"CDG","CacheCacheStatus":"hit","RayID":"7f1a2b3c4d5e6f70",\
                "RequestHeaders":{"range":"bytes=0-70499"}}""");
        assertEquals(new AccessLine(T, "203.0.113.9", "GET", "cdn.example.com", "/ep/1.mp3", 206, 70500, new ByteRange(0, 70499L),
                "AppleCoreMedia/1.0", "https://example.com/", "CDG", CdnRequest.HIT, 250L), line);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "rfc3339            | \"2026-11-30T10:15:00Z\"",
            "rfc3339 with ms    | \"2026-11-30T10:15:00.000Z\"",
            "rfc3339 with ns    | \"2026-11-30T11:15:00.000000000+01:00\"",
            "unix seconds       | 1796033700",
            "unix milliseconds  | 1796033700000",
            "unix nanoseconds   | 1796033700000000000",
            "seconds as text    | \"1796033700\""})
    void cloudflareTimestampInEveryFormatOfTheJob(String form, String timestamp) {
        assertEquals(1_796_033_700_000L, T, "the fixture's epoch seconds are T's");
        AccessLine line = parsed(new CloudflareLines(), "{\"EdgeStartTimestamp\":" + timestamp
                + ",\"ClientIP\":\"2001:db8::1\",\"ClientRequestMethod\":\"HEAD\",\"ClientRequestURI\":\"/a\",\"EdgeResponseStatus\":200,"
                + "\"EdgeResponseBytes\":0,\"EdgeTimeToFirstByteMs\":12}");
        assertEquals(T, line.timeMs(), form);
        assertEquals(12L, line.durationMs(), "without an end time, the time to first byte");
        assertEquals("2001:db8::1", line.clientIp());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "not a JSON object                          | {\"EdgeStartTimestamp\":",
            "not a JSON object                          | [1,2]",
            "EdgeStartTimestamp must be                 | {\"ClientIP\":\"203.0.113.9\"}",
            "EdgeStartTimestamp must be                 | {\"EdgeStartTimestamp\":\"yesterday\",\"ClientIP\":\"203.0.113.9\"}",
            "EdgeStartTimestamp must be                 | {\"EdgeStartTimestamp\":\"2026-11-30T10:15:00\",\"ClientIP\":\"203.0.113.9\"}",
            "ClientIP must be an IP address             | {\"EdgeStartTimestamp\":1796033700,\"ClientIP\":\"example.com\"}",
            "ClientRequestMethod must be                | {\"EdgeStartTimestamp\":1796033700,\"ClientIP\":\"203.0.113.9\"}",
            "ClientRequestURI must be                   | {\"EdgeStartTimestamp\":1796033700,\"ClientIP\":\"203.0.113.9\",\"ClientRequestMethod\":\"GET\"}",
            "EdgeResponseStatus must be                 | {\"EdgeStartTimestamp\":1796033700,\"ClientIP\":\"203.0.113.9\",\"ClientRequestMethod\":\"GET\",\"ClientRequestURI\":\"/a\",\"EdgeResponseStatus\":999}",
            "EdgeResponseBytes must be                  | {\"EdgeStartTimestamp\":1796033700,\"ClientIP\":\"203.0.113.9\",\"ClientRequestMethod\":\"GET\",\"ClientRequestURI\":\"/a\",\"EdgeResponseStatus\":200}"})
    void cloudflareIncompleteOrMalformedLines(String expected, String line) {
        String message = bad(new CloudflareLines(), line);
        assertTrue(message.startsWith(expected), message);
        assertTrue(!message.contains("203.0.113.9"), "a message never quotes the client's address");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "hit, HIT", "stream_hit, HIT", "stale, HIT", "updating, HIT", "revalidated, HIT", "miss, MISS", "expired, MISS",
            "dynamic, OTHER", "bypass, OTHER", "ignored, OTHER", "deferred, OTHER", "unknown, OTHER",
            "HIT, HIT", "HIT-STALE, HIT", "HIT-WAIT, HIT", "HIT-CLUSTER, HIT", "HIT-SYNTH, OTHER", "HITPASS, OTHER", "MISS, MISS",
            "MISS-CLUSTER, MISS", "PASS, OTHER", "ERROR, OTHER",
            "UPDATING, HIT", "REVALIDATED, HIT", "EXPIRED, MISS", "BYPASS, OTHER", "cache hit, HIT", "cache miss: attempting entity save, MISS",
            "Hit, HIT", "RefreshHit, HIT", "Miss, MISS", "Error, OTHER", "Redirect, OTHER", "LimitExceeded, OTHER", "CapacityExceeded, OTHER"})
    void cacheStatusOfEveryVocabulary(String status, String expected) {
        assertEquals(expected, CacheStatus.of(status));
    }

    @Test
    void rangesFirstRangeOnlyAndNoneForSuffixesOrGarbage() {
        assertEquals(new ByteRange(0, 1L), ByteRange.ofHeader("bytes=0-1"));
        assertEquals(new ByteRange(100, null), ByteRange.ofHeader("bytes=100-"));
        assertEquals(new ByteRange(0, 99L), ByteRange.ofHeader("bytes=0-99, 200-299"));
        assertEquals(null, ByteRange.ofHeader("bytes=-500"));
        assertEquals(null, ByteRange.ofHeader("bytes=10-5"));
        assertEquals(null, ByteRange.ofHeader("items=0-1"));
        assertEquals(null, ByteRange.ofHeader(null));
    }

    // --- Fastly

    @Test
    void fastlyLineInTheDocumentedFormat() {
        AccessLine line = parsed(new FastlyLines(), """
                {"timestamp":"2026-11-30T11:15:00+0100","client_ip":"198.51.100.4","method":"GET","host":"cdn.example.com",\
                "path":"/live/seg1.ts","status":200,"bytes":1048576,"range":"(null)","user_agent":"Roku/DVP-12.0",\
                "referer":"","pop":"FRA","cache_state":"HIT-CLUSTER","duration_ms":3}""");
        assertEquals(new AccessLine(T, "198.51.100.4", "GET", "cdn.example.com", "/live/seg1.ts", 200, 1048576, null, "Roku/DVP-12.0",
                null, "FRA", CdnRequest.HIT, 3L), line);
        assertEquals(T, parsed(new FastlyLines(), line("\"timestamp\":1796033700000")).timeMs(), "epoch milliseconds");
        assertEquals(new ByteRange(5, 9L), parsed(new FastlyLines(), line("\"timestamp\":1796033700,\"range\":\"bytes=5-9\"")).range());
        assertTrue(bad(new FastlyLines(), "{\"client_ip\":\"198.51.100.4\"}").startsWith("timestamp must be"));
        assertTrue(bad(new FastlyLines(), line("\"timestamp\":1796033700,\"status\":\"(null)\"")).startsWith("status must be"));
    }

    private static String line(String fields) {
        return "{\"client_ip\":\"198.51.100.4\",\"method\":\"GET\",\"path\":\"/a\",\"status\":200,\"bytes\":1," + fields + "}";
    }

    // --- nginx / Apache combined

    @Test
    void combinedWithTheCcuFieldsFromNginx() {
        AccessLine line = parsed(new CombinedLines(), "203.0.113.9 - - [30/Nov/2026:11:15:00 +0100] \"GET /ep/1.mp3?x=1 HTTP/1.1\" 206 70000"
                + " \"https://example.com/\" \"Podcasts/1.0 (\\x22quoted\\x22) caf\\xC3\\xA9\" \"HIT\" \"bytes=0-69999\" 0.012 CDN.example.com");
        assertEquals(new AccessLine(T, "203.0.113.9", "GET", "cdn.example.com", "/ep/1.mp3", 206, 70000, new ByteRange(0, 69999L),
                "Podcasts/1.0 (\"quoted\") café", "https://example.com/", null, CdnRequest.HIT, 12L), line);
    }

    @Test
    void combinedFromApacheAndThePlainFormats() {
        AccessLine apache = parsed(new CombinedLines(), "2001:db8::7 - frank [30/Nov/2026:10:15:00 +0000] \"HEAD /a HTTP/1.1\" 200 -"
                + " \"-\" \"Mozilla/5.0 \\\"x\\\"\" \"cache miss: attempting entity save\" \"-\" 35ms www.example.com");
        assertEquals(new AccessLine(T, "2001:db8::7", "HEAD", "www.example.com", "/a", 200, 0, null, "Mozilla/5.0 \"x\"", null, null,
                CdnRequest.MISS, 35L), apache);
        AccessLine combined = parsed(new CombinedLines(),
                "203.0.113.9 - - [30/Nov/2026:10:15:00 +0000] \"GET /b HTTP/2.0\" 404 153 \"-\" \"curl/8.5.0\"");
        assertEquals(new AccessLine(T, "203.0.113.9", "GET", null, "/b", 404, 153, null, "curl/8.5.0", null, null, CdnRequest.OTHER,
                null), combined);
        AccessLine common = parsed(new CombinedLines(), "203.0.113.9 - - [30/Nov/2026:10:15:00 +0000] \"GET /c HTTP/1.0\" 200 1");
        assertEquals("/c", common.path());
    }

    @Test
    void commonLogTimesReadAlikeWhetherRepeatedOrNot() {
        // the last time read is kept: a repeated, a changed and a bad time each read as on their own
        assertEquals(T, LogTimes.commonLog("30/Nov/2026:10:15:00 +0000"));
        assertEquals(T, LogTimes.commonLog("30/Nov/2026:10:15:00 +0000"));
        assertEquals(T + 1000, LogTimes.commonLog("30/Nov/2026:11:15:01 +0100"));
        assertEquals(-1, LogTimes.commonLog("30/Nov/2026 10:15:00"));
        assertEquals(-1, LogTimes.commonLog("30/Nov/2026 10:15:00"));
        assertEquals(T, LogTimes.commonLog("30/Nov/2026:10:15:00 +0000"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "not a combined log line | 203.0.113.9 - - [30/Nov/2026:10:15:00 +0000] GET /a 200 1",
            "not a combined log line | garbage",
            "the time must be        | 203.0.113.9 - - [30/Nov/2026 10:15:00] \"GET /a HTTP/1.1\" 200 1",
            "the client address      | host.example - - [30/Nov/2026:10:15:00 +0000] \"GET /a HTTP/1.1\" 200 1",
            "the request must be     | 203.0.113.9 - - [30/Nov/2026:10:15:00 +0000] \"-\" 400 0",
            "the status must be      | 203.0.113.9 - - [30/Nov/2026:10:15:00 +0000] \"GET /a HTTP/1.1\" 999 1"})
    void combinedMalformedLines(String expected, String line) {
        String message = bad(new CombinedLines(), line);
        assertTrue(message.startsWith(expected), message);
    }

    // --- CloudFront

    static final String CLOUDFRONT_FIELDS = "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status"
            + " cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol"
            + " cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version"
            + " fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len"
            + " sc-range-start sc-range-end";

    static String cloudFrontLine(String ip, String resultType, String rangeStart, String rangeEnd) {
        return String.join("\t", "2026-11-30", "10:15:00", "CDG50-C1", "70512", ip, "GET", "d111111abcdef8.cloudfront.net",
                "/ep/1.mp3", "206", "-", "AppleCoreMedia/1.0.0.21E236%20(iPhone;%20U;%20CPU%20OS%2017_4)", "-", "-", resultType,
                "b4Kd3Y0yvx4bdA==", "audio.example.com", "https", "180", "0.004", "-", "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                resultType, "HTTP/2.0", "-", "-", "52110", "0.003", resultType, "audio/mpeg", "70000", rangeStart, rangeEnd);
    }

    @Test
    void cloudFrontLinesByTheirFieldsLine() {
        CloudFrontLines parser = new CloudFrontLines();
        assertInstanceOf(LineParser.Directive.class, parser.parse("#Version: 1.0"));
        assertTrue(bad(parser, cloudFrontLine("203.0.113.9", "Hit", "0", "69999")).startsWith("no #Fields: line"));
        assertInstanceOf(LineParser.Directive.class, parser.parse(CLOUDFRONT_FIELDS));
        assertEquals(new AccessLine(T, "203.0.113.9", "GET", "audio.example.com", "/ep/1.mp3", 206, 70512, new ByteRange(0, 69999L),
                "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4)", null, "CDG50-C1", CdnRequest.HIT, 4L),
                parsed(parser, cloudFrontLine("203.0.113.9", "Hit", "0", "69999")));
        AccessLine v6 = parsed(parser, cloudFrontLine("2001:db8:4::1", "RefreshHit", "-", "-"));
        assertEquals(null, v6.range());
        assertEquals(CdnRequest.HIT, v6.cacheStatus());
        assertEquals(CdnRequest.MISS, parsed(parser, cloudFrontLine("203.0.113.9", "Miss", "100", "-")).cacheStatus());
        assertEquals(new ByteRange(100, null), parsed(parser, cloudFrontLine("203.0.113.9", "Miss", "100", "-")).range());
        assertTrue(bad(parser, "2026-11-30\t10:15:00\tCDG50-C1").startsWith("c-ip must be"));
        assertTrue(bad(parser, cloudFrontLine("203.0.113.9", "Hit", "0", "1").replace("2026-11-30", "30/11/2026"))
                .startsWith("date and time must be"));
    }

    @Test
    void cloudFrontFieldsInAnotherOrderAndWithoutARequiredOne() {
        CloudFrontLines parser = new CloudFrontLines();
        parser.parse("#Fields: c-ip date time cs-method cs-uri-stem sc-status sc-bytes");
        assertEquals(new AccessLine(T, "203.0.113.9", "POST", null, "/x", 200, 5, null, null, null, null, CdnRequest.OTHER, null),
                parsed(parser, "203.0.113.9\t2026-11-30\t10:15:00\tPOST\t/x\t200\t5"));
        parser.parse("#Fields: date time c-ip cs-method cs-uri-stem sc-status");
        assertEquals("the #Fields: line has no sc-bytes", bad(parser, "2026-11-30\t10:15:00\t203.0.113.9\tGET\t/x\t200"));
    }
}
