package liveccu.collector.ccu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.RejectReason;
import liveccu.model.Side;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BeaconParserTest {

    private static final String GUID = "242bbf588a574e018de94136a664cfaf";
    private static final String JOB = "142bbf588a574e018de94136a664cfaf";
    private static final String SESSION = "142bbf588a574e018de94136a664cfbc";
    private static final long RECEIVED_AT = 1_534_640_100_000L;

    private final BeaconParser parser = new BeaconParser(CountingRules.defaults());

    @Test
    void acceptsTheSeedExampleAsItIsSent() {
        var result = parser.parse(Side.CS, GUID, JOB, SESSION, "123456789", "1534640088", RECEIVED_AT);

        Beacon beacon = assertInstanceOf(ParseResult.Accepted.class, result).beacon();
        assertEquals(new Beacon(GUID, JOB, SESSION, "123456789", Side.CS, 1_534_640_088_000L, RECEIVED_AT), beacon);
    }

    @Test
    void normalisesDashedAndUpperCaseIdsToLowerCaseHex() {
        var result = parser.parse(Side.SS, "242BBF58-8A57-4E01-8DE9-4136A664CFAF",
                "142bbf58-8a57-4e01-8de9-4136a664cfaf", SESSION.toUpperCase(), "acc", "1534640088", RECEIVED_AT);

        Beacon beacon = assertInstanceOf(ParseResult.Accepted.class, result).beacon();
        assertEquals(GUID, beacon.guid());
        assertEquals(JOB, beacon.jobId());
        assertEquals(SESSION, beacon.sessionId());
    }

    @ParameterizedTest(name = "{0} -> {1} ms")
    @CsvSource({
            "1534640088,       1534640088000",  // seconds
            "1534640088.5,     1534640088500",  // seconds with a fraction, as older SSAI beacons send
            "1534640088.123456,1534640088123",  // fraction beyond ms is truncated
            "1534640088.07,    1534640088070",
            "1534640088123,    1534640088123",  // milliseconds ({{server.timestamputc}})
            "1534640088123.9,  1534640088123",
    })
    void readsSecondsWithFractionsAndMillisecondsByMagnitude(String text, long expectedMs) {
        assertEquals(expectedMs, BeaconParser.epochMillis(text));
    }

    @ParameterizedTest(name = "[{index}] {0}/{1}/{2}/{3}/{4} -> {5}")
    @CsvSource(nullValues = "NULL", value = {
            "nothex000000000000000000000000000, " + JOB + ", " + SESSION + ", acc, 1534640088, BAD_GUID",
            GUID + "0, " + JOB + ", " + SESSION + ", acc, 1534640088, BAD_GUID",
            GUID + ", 142bbf588a574e018de94136a664cfa, " + SESSION + ", acc, 1534640088, BAD_JOB_ID",
            GUID + ", 142bbf58-8a57-4e01-8de94136a664cfaf, " + SESSION + ", acc, 1534640088, BAD_JOB_ID",
            GUID + ", " + JOB + ", 142bbf588a574e018de94136a664cfbz, acc, 1534640088, BAD_SESSION_ID",
            GUID + ", " + JOB + ", " + SESSION + ", acc/x, 1534640088, BAD_ACCOUNT_ID",
            GUID + ", " + JOB + ", " + SESSION + ", a c, 1534640088, BAD_ACCOUNT_ID",
            GUID + ", " + JOB + ", " + SESSION + ", " + "a123456789a123456789a123456789a123456789a123456789a123456789abcde"
                    + ", 1534640088, BAD_ACCOUNT_ID",
            GUID + ", " + JOB + ", " + SESSION + ", acc, abc, BAD_TIME",
            GUID + ", " + JOB + ", " + SESSION + ", acc, -1534640088, BAD_TIME",
            GUID + ", " + JOB + ", " + SESSION + ", acc, 1534640088., BAD_TIME",
            GUID + ", " + JOB + ", " + SESSION + ", acc, 1.2.3, BAD_TIME",
            GUID + ", " + JOB + ", " + SESSION + ", acc, 1534640088.1234567891, BAD_TIME",
            GUID + ", " + JOB + ", " + SESSION + ", acc, 12345678901234567, BAD_TIME",
            GUID + ", " + JOB + ", " + SESSION + ", acc, 1e9, BAD_TIME",
            GUID + ", " + JOB + ", " + SESSION + ", acc, 12345, TIME_OUT_OF_RANGE",
            GUID + ", " + JOB + ", " + SESSION + ", acc, 946684799, TIME_OUT_OF_RANGE",
            // 10 minutes ahead of the collector's clock, 5 allowed
            GUID + ", " + JOB + ", " + SESSION + ", acc, 1534640700, IN_FUTURE",
    })
    void rejectsMalformedBeaconsWithTheirReason(String guid, String job, String session, String account,
                                                String time, RejectReason expected) {
        var result = parser.parse(Side.SS, guid, job, session, account, time, RECEIVED_AT);

        var rejected = assertInstanceOf(ParseResult.Rejected.class, result);
        assertEquals(expected, rejected.reason());
        assertEquals(400, rejected.httpStatus());
    }

    @Test
    void acceptsClockSkewWithinTheAllowance() {
        long fourMinutesAhead = RECEIVED_AT / 1000 + 240;
        var result = parser.parse(Side.CS, GUID, JOB, SESSION, "acc", Long.toString(fourMinutesAhead), RECEIVED_AT);

        assertInstanceOf(ParseResult.Accepted.class, result);
    }
}
