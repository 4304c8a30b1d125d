package liveccu.collector.playback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import liveccu.collector.intake.BatchParse;
import liveccu.collector.intake.Origin;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.PlayerEvent;
import liveccu.model.RejectReason;
import liveccu.model.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CmcdReportParserTest {

    private static final long NOW = 1_764_500_000_000L;
    private static final String JOB = "142bbf588a574e018de94136a664cfaf";
    private static final String SID = "6e2fb550-c457-11e9-bb97-0800200c9a66";
    private static final Origin ORIGIN = new Origin("acc-1", "Mozilla/5.0", "00112233445566778899aabbccddeeff", NOW);
    private final CmcdReportParser parser = new CmcdReportParser(CountingRules.defaults(), 10);

    private BatchParse.Batch batch(String body) {
        return assertInstanceOf(BatchParse.Batch.class, parser.parse(body, JOB, ORIGIN));
    }

    /**
     * A full v2 event-mode report as the Common Media Library encodes it (the reporter inside hls.js
     * ≥ 1.7 and Shaka Player ≥ 5.2): every key, inner lists, booleans, custom keys.
     */
    static final String CML_FULL_REPORT = "ab=(2500),bg,bl=(5000),br=(200),bs,bsd=(2000),cdn=\"cdn-provider\",cid=\"content-id\","
            + "com.example-exists,com.example-hello=\"world\",com.example-quote=\"\\\"Quote\\\"\",com.example-testing=1234,"
            + "com.example-token=s,cs=\"123456\",d=325,dfa=5,dl=10000,e=t,ec=(\"ERR001\" \"ERR002\"),lab=(200),lb=(100),"
            + "ltc=1500,msd=2500,mtp=(10000),nor=(\"../testing/3.m4v\"),ot=m,pb=(1000),pt=45000,rtp=8000,sf=d,"
            + "sid=\"session-id\",sn=1,st=v,sta=p,su,tab=(3000),tb=(5000),tbl=(8000),tpb=(4000),ts=1764499990000,v=2";

    @Test
    void readsTheFullReportTheCommonMediaLibrarySends() {
        BatchParse.Batch batch = batch(CML_FULL_REPORT + "\n");
        assertEquals(List.of(), batch.rejected());
        PlayerEvent event = batch.events().get(0);
        String session = CmcdReportParser.sessionId("session-id");
        assertEquals(new PlayerEvent("cmcd", "cmcd", "acc-1", "session-id", 1_764_499_990_000L, NOW, "content-id", "vod",
                "Others", null, null, null, null, null, null, null, null, 45.0, "Mozilla/5.0", "00112233445566778899aabbccddeeff",
                new PlayerEvent.Cmcd(JOB, "t", "p", true, session, 1L, 200L, 5000L, "d", "v", 2L, 2500L, "ERR001", true),
                null, null, null, null, null, null), event);
        Beacon heartbeat = batch.heartbeats().get(0);
        assertEquals(List.of(JOB, session, "acc-1", Side.CS, 1_764_499_990_000L, NOW),
                List.of(heartbeat.jobId(), heartbeat.sessionId(), heartbeat.accountId(), heartbeat.side(),
                        heartbeat.beaconTimeMs(), heartbeat.receivedAtMs()));
        assertTrue(heartbeat.guid().matches("[0-9a-f]{32}"), heartbeat.guid());
    }

    @Test
    void readsABatchOfLinesAsTheReporterPostsIt() {
        // the reporter's body: reports joined by \n, with a trailing \n (CmcdReporter.sendEventReport)
        BatchParse.Batch batch = batch("e=ps,sid=\"" + SID + "\",ts=1764499990000,sta=s,v=2\n"
                + "e=ps,sid=\"" + SID + "\",ts=1764499991000,sta=p,v=2\n"
                + "e=t,sid=\"" + SID + "\",ts=1764499995000,bl=(5000),br=(3000),pt=1200,st=l,sf=h,v=2\n");
        assertEquals(3, batch.events().size());
        assertEquals(2, batch.heartbeats().size(), "the time-interval report has no state: an event only");
        assertEquals("live", batch.events().get(2).contentType());
        assertEquals(1.2, batch.events().get(2).positionS());
        assertEquals("6e2fb550c45711e9bb970800200c9a66", batch.heartbeats().get(0).sessionId(), "a UUID sid is the session as is");
    }

    @ParameterizedTest(name = "sta={0} -> heartbeat {1}")
    @CsvSource({"p, true", "s, true", "r, true", "k, true", "w, true",
            "a, false", "e, false", "q, false", "f, false", "d, false"})
    void countsAsAHeartbeatOnlyWhileWatching(String state, boolean heartbeat) {
        BatchParse.Batch batch = batch("e=ps,sid=\"" + SID + "\",ts=1764499990000,sta=" + state + ",v=2");
        assertEquals(heartbeat, batch.events().get(0).cmcd().heartbeat());
        assertEquals(heartbeat ? 1 : 0, batch.heartbeats().size());
        assertEquals(state, batch.events().get(0).cmcd().sta());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // hls.js 1.7 on a fatal error: e=e with the error's details as ec (a list of one string)
            "hls.js fatal error     | e=e,sta=f,ec=(\"manifestLoadError\")  |      | manifestLoadError |",
            "first of the list      | e=e,ec=(\"ERR001\" \"ERR002\")      |      | ERR001            |",
            "a bare string too      | e=e,ec=\"fragLoadError\"               |      | fragLoadError     |",
            "an empty list: none    | e=e,ec=()                              |      |                   |",
            // Shaka 5.2: msd once, on the first report after playing began
            "Shaka's media start    | e=ps,sta=p,msd=1750                    | 1750 |                   |",
            "starvation             | e=t,sta=p,bs                           |      |                   | true",
            "no starvation          | e=t,sta=p,bs=?0                        |      |                   | false",
            "none of them           | e=t,sta=p                              |      |                   |",
    })
    void readsTheQualityOfExperienceKeys(String label, String keys, Long msd, String ec, Boolean bs) {
        PlayerEvent.Cmcd cmcd = batch("sid=\"" + SID + "\",ts=1764499990000," + keys + ",v=2").events().get(0).cmcd();
        assertEquals(java.util.Arrays.asList(msd, ec, bs), java.util.Arrays.asList(cmcd.msd(), cmcd.ec(), cmcd.bs()), label);
    }

    @Test
    void everyReportCarriesTheCountryAndAutonomousSystemOfTheRequest() {
        Origin placed = new Origin("acc-1", "Mozilla/5.0", "00112233445566778899aabbccddeeff", NOW,
                new liveccu.collector.intake.GeoIp.Answer("GB", 20712L, "Andrews & Arnold Ltd"));
        var parsed = assertInstanceOf(BatchParse.Batch.class, parser.parse("e=ps,sid=\"x\",sta=p\ne=t,sid=\"x\"\n", JOB, placed));
        for (PlayerEvent event : parsed.events()) {
            assertEquals(List.of("GB", 20712L, "Andrews & Arnold Ltd"), List.of(event.country(), event.asn(), event.asOrg()));
        }
        PlayerEvent unplaced = batch("e=ps,sid=\"x\",sta=p").events().get(0);
        assertEquals(java.util.Arrays.asList(null, null, null),
                java.util.Arrays.asList(unplaced.country(), unplaced.asn(), unplaced.asOrg()));
    }

    @Test
    void aSidThatIsNoIdBecomesAStable32HexSession() {
        String a = CmcdReportParser.sessionId("hlsjs-1764499990-abc");
        assertTrue(a.matches("[0-9a-f]{32}"), a);
        assertEquals(a, CmcdReportParser.sessionId("hlsjs-1764499990-abc"));
        assertTrue(!a.equals(CmcdReportParser.sessionId("hlsjs-1764499990-abd")));
        assertEquals("142bbf588a574e018de94136a664cfaf", CmcdReportParser.sessionId("142BBF588A574E018DE94136A664CFAF"));
    }

    @Test
    void aReportWithoutTsTakesTheReceiveTime() {
        PlayerEvent event = batch("e=ps,sid=\"x\",sta=p").events().get(0);
        assertEquals(NOW, event.eventTimeMs());
        assertNull(event.cmcd().v());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not a dictionary      | e=t,,sid=\"x\"                       | not an RFC 8941 dictionary",
            "unterminated string   | e=t,sid=\"x                          | not an RFC 8941 dictionary",
            "upper-case key        | E=t,sid=\"x\"                        | not an RFC 8941 dictionary",
            "JSON (deprecated)     | {\"e\":\"t\",\"sid\":\"x\"}          | not an RFC 8941 dictionary",
            "no sid                | e=t,ts=1764499990000,sta=p           | sid",
            "sid not a string      | e=t,sid=12,sta=p                     | sid",
            "ts before 2000        | e=t,sid=\"x\",ts=12345               | before the year 2000",
            "ts in the future      | e=t,sid=\"x\",ts=1764509990000       | ahead of the collector's clock",
            "negative msd          | e=t,sid=\"x\",msd=-5                | msd (media start delay) must be a whole number of milliseconds, at least 0",
            "msd a string          | e=t,sid=\"x\",msd=\"1750\"         | msd (media start delay)",
            "ec a number           | e=e,sid=\"x\",ec=404                | ec (error codes) must be a list of strings, the first of at most 64 characters",
            "ec of 65 characters   | e=e,sid=\"x\",ec=(\"CODE65\")      | ec (error codes)",
            "bs a number           | e=t,sid=\"x\",bs=1                  | bs (buffer starvation) must be a boolean: bs alone, or bs=?0",
    })
    void rejectsABadReportAloneWithItsReason(String label, String line, String message) {
        BatchParse.Batch batch = batch("e=t,sid=\"ok\",sta=p\n" + line.replace("CODE65", "x".repeat(65)));
        assertEquals(1, batch.events().size(), label);
        BatchParse.LineRejection rejection = batch.rejected().get(0);
        assertEquals(List.of(1, RejectReason.BAD_CMCD_REPORT), List.of(rejection.index(), rejection.reason()));
        assertTrue(rejection.message().contains(message), rejection.message());
    }

    @Test
    void refusesAnEmptyBodyAndTooManyReports() {
        var empty = assertInstanceOf(BatchParse.Refused.class, parser.parse("\n", JOB, ORIGIN));
        assertEquals(RejectReason.BAD_BODY, empty.reason());
        var many = assertInstanceOf(BatchParse.Refused.class, parser.parse("e=t,sid=\"x\"\n".repeat(11), JOB, ORIGIN));
        assertEquals(RejectReason.TOO_MANY_EVENTS, many.reason());
        assertNotNull(many.message());
    }
}
