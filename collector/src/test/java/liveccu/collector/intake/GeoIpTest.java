package liveccu.collector.intake;

import static liveccu.testsupport.GeoIpTestData.PUBLIC_IP;
import static liveccu.testsupport.GeoIpTestData.PUBLIC_IP_AS_ORG;
import static liveccu.testsupport.GeoIpTestData.PUBLIC_IP_ASN;
import static liveccu.testsupport.GeoIpTestData.PUBLIC_IP_COUNTRY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.maxmind.db.NoCache;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import liveccu.testsupport.GeoIpTestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GeoIP lookup against real, freely licensed databases (GeoIpTestData: GeoLite2 Country and ASN of
 * 2018, CC BY-SA 4.0, "This product includes GeoLite2 data created by MaxMind, available from
 * https://www.maxmind.com"; ip-location-db's geo-whois-asn-country, CC0), never hand-made ranges.
 */
class GeoIpTest {

    static GeoIp geoLite2;
    static GeoIp ipLocationDb;

    @BeforeAll
    static void open() throws IOException {
        geoLite2 = GeoIp.open(new GeoIpSettings(Optional.of(GeoIpTestData.geoLite2Country()),
                Optional.of(GeoIpTestData.geoLite2Asn())));
        ipLocationDb = GeoIp.open(new GeoIpSettings(Optional.of(GeoIpTestData.geoWhoisAsnCountry()), Optional.empty()));
    }

    @AfterAll
    static void close() throws IOException {
        geoLite2.close();
        ipLocationDb.close();
    }

    @Test
    void placesAPublicAddressByCountryAndAutonomousSystem() {
        assertEquals(new GeoIp.Answer(PUBLIC_IP_COUNTRY, PUBLIC_IP_ASN, PUBLIC_IP_AS_ORG), geoLite2.lookup(PUBLIC_IP));
        assertEquals(new GeoIp.Answer(PUBLIC_IP_COUNTRY, null, null), ipLocationDb.lookup(PUBLIC_IP),
                "an ip-location-db file's country_code; no ASN database, no ASN");
    }

    @ParameterizedTest(name = "{0} -> {1} AS{2}")
    @CsvSource(delimiter = '|', value = {
            // as the pinned GeoLite2 files (2018-02) say
            "8.8.8.8                | US | 15169 | Google LLC",
            "2001:4860:4860::8888   | US | 15169 | Google LLC",
            "::ffff:8.8.8.8         | US | 15169 | Google LLC",
            "1.1.1.1                | AU |       | ",
    })
    void readsIpv4Ipv6AndMappedAddressesAndLeavesWhatTheDatabaseLacksEmpty(String ip, String country, Long asn, String org) {
        assertEquals(new GeoIp.Answer(country, asn, org), geoLite2.lookup(ip));
    }

    /**
     * The CC0 file answers AU for 192.168.1.1, 172.16.5.4 and the documentation address 203.0.113.77, and JP
     * for 2001:db8::1 (its own README warns of such bugs): those ranges are never looked up.
     */
    @ParameterizedTest
    @ValueSource(strings = {"192.168.1.1", "172.16.5.4", "203.0.113.77", "2001:db8::1", "10.0.0.1", "127.0.0.1",
            "100.64.1.2", "169.254.1.1", "::1", "fd12::1", "fe80::1", "224.0.0.1", "255.255.255.255", "::ffff:192.168.1.1"})
    void anAddressNoDatabaseCanPlaceIsEmptyWhateverAFileSays(String ip) throws IOException {
        assertSame(GeoIp.Answer.NONE, ipLocationDb.lookup(ip));
        assertSame(GeoIp.Answer.NONE, geoLite2.lookup(ip));
    }

    @Test
    void theFreeFileReallyAnswersForPrivateRangesSoTheRuleAbovePrevents() throws IOException {
        try (Reader raw = new Reader(GeoIpTestData.geoWhoisAsnCountry().toFile(), NoCache.getInstance())) {
            for (String ip : List.of("192.168.1.1", "203.0.113.77", "2001:db8::1")) {
                assertNotNull(raw.get(InetAddress.getByName(ip), Map.class), ip + " has a record in the file");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown", "", "not-an-ip", "999.1.1.1", "8.8.8.8:443"})
    void somethingThatIsNoAddressIsEmpty(String text) {
        assertSame(GeoIp.Answer.NONE, geoLite2.lookup(text));
    }

    @Test
    void withoutDatabasesEveryAnswerIsEmpty() throws IOException {
        GeoIp none = GeoIp.open(GeoIpSettings.NONE);
        assertSame(GeoIp.NONE, none);
        assertSame(GeoIp.Answer.NONE, none.lookup(PUBLIC_IP));
        assertSame(GeoIp.Answer.NONE, geoLite2.lookup(null));
    }

    @Test
    void aLookupCostsNoDnsAndCountsNoFailureOnGoodData() {
        long before = geoLite2.failures();
        for (int i = 1; i < 255; i++) {
            geoLite2.lookup("81.2.69." + i);
        }
        assertEquals(before, geoLite2.failures());
        assertTrue(geoLite2.describe().contains("GeoLite2-Country built 2018-02-07"), geoLite2.describe());
        assertTrue(geoLite2.describe().contains("GeoLite2-ASN built 2018-02-07"), geoLite2.describe());
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
            "gb  | GB", "GB | GB", "ZZ | ", "G | ", "GBR | ", "1A | ", "'' | "})
    void countryCodesAreTwoUpperCaseLettersAndUnknownIsEmpty(String code, String expected) {
        assertEquals(expected, GeoIp.isoCode(code));
    }

    @Test
    void checksAFileBeforeTheCollectorStarts(@TempDir Path dir) throws IOException {
        assertNull(GeoIp.problem(GeoIpTestData.geoLite2Country(), GeoIp.Kind.COUNTRY));
        assertNull(GeoIp.problem(GeoIpTestData.geoWhoisAsnCountry(), GeoIp.Kind.COUNTRY));
        assertNull(GeoIp.problem(GeoIpTestData.geoLite2Asn(), GeoIp.Kind.ASN));
        assertEquals("no such file", GeoIp.problem(dir.resolve("GeoLite2-Country.mmdb"), GeoIp.Kind.COUNTRY));
        Path text = Files.writeString(dir.resolve("country.mmdb"), "not a database");
        assertTrue(GeoIp.problem(text, GeoIp.Kind.COUNTRY).startsWith("not a MaxMind DB (MMDB) file"),
                GeoIp.problem(text, GeoIp.Kind.COUNTRY));
        assertEquals("a GeoLite2-ASN database holds autonomous systems, not countries: set it as CCU_GEOIP_ASN_DB",
                GeoIp.problem(GeoIpTestData.geoLite2Asn(), GeoIp.Kind.COUNTRY));
        assertEquals("a GeoLite2-Country database holds countries, not autonomous systems: set it as CCU_GEOIP_COUNTRY_DB",
                GeoIp.problem(GeoIpTestData.geoLite2Country(), GeoIp.Kind.ASN));
        assertTrue(GeoIp.problem(dir, GeoIp.Kind.ASN).equals("no such file"), "a directory is no database");
    }
}
