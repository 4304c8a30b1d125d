package liveccu.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import liveccu.collector.intake.GeoIpSettings;
import liveccu.ops.config.ConfigException;
import liveccu.ops.config.Env;
import liveccu.testsupport.GeoIpTestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The abuse settings: per-account secrets, the rate limit, trusted proxies. */
class CollectorConfigTest {

    private static CollectorConfig read(Map<String, String> variables) {
        Env env = new Env(variables);
        CollectorConfig config = CollectorConfig.read(env, "localhost:9092");
        env.failIfInvalid();
        return config;
    }

    @Test
    void offByDefault() {
        CollectorConfig config = read(Map.of());

        assertEquals(Map.of(), config.beaconSecretsByAccount());
        assertEquals(0, config.rateLimitPerClient());
        assertTrue(config.trustedProxies().isEmpty());
    }

    @Test
    void readsPerAccountSecretsTheLimitAndTrustedProxies() {
        CollectorConfig config = read(Map.of(
                "CCU_BEACON_SECRETS_BY_ACCOUNT", "acc1=secret-one, acc2 = c2VjcmV0LXR3bw==",
                "CCU_RATE_LIMIT_PER_CLIENT", "20",
                "CCU_TRUSTED_PROXIES", "10.0.0.0/8,172.16.0.1"));

        assertEquals(Map.of("acc1", "secret-one", "acc2", "c2VjcmV0LXR3bw=="), config.beaconSecretsByAccount());
        assertEquals(List.of(20, 100), List.of(config.rateLimitPerClient(), config.rateLimitBurst()),
                "the burst defaults to five seconds' worth");
        assertEquals("10.0.0.1", config.trustedProxies().client("172.16.0.1", "10.0.0.1"));
        String shown = config.toString();
        assertFalse(shown.contains("secret-one") || shown.contains("c2VjcmV0"), shown);
        assertTrue(shown.contains("[acc1, acc2]"), shown);
    }

    @Test
    void everyMistakeIsReportedAtOnceWithoutShowingASecret() {
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of(
                "CCU_BEACON_SECRETS_BY_ACCOUNT", "acc1=s3cr,et99,acc1=again7,bad account=x,acc3=",
                "CCU_RATE_LIMIT_PER_CLIENT", "-1",
                "CCU_RATE_LIMIT_BURST", "0",
                "CCU_TRUSTED_PROXIES", "proxy.internal")));

        String errors = String.join("\n", e.errors());
        assertEquals(7, e.errors().size(), errors);
        assertTrue(errors.contains("CCU_BEACON_SECRETS_BY_ACCOUNT entry 2 is not account=secret"), errors);
        assertTrue(errors.contains("CCU_BEACON_SECRETS_BY_ACCOUNT names account acc1 twice"), errors);
        assertTrue(errors.contains("CCU_TRUSTED_PROXIES: 'proxy.internal' is not an IP address"), errors);
        assertFalse(errors.contains("s3cr") || errors.contains("et99") || errors.contains("again7"), errors);
    }

    @Test
    void theGeoIpDatabasesAreOptionalAndAnAbsentOneIsOneWarning() {
        CollectorConfig none = read(Map.of());
        assertEquals(GeoIpSettings.NONE, none.playback().geoIp());
        assertEquals(Optional.of("CCU_GEOIP_COUNTRY_DB and CCU_GEOIP_ASN_DB are not set: player events and CMCD reports "
                + "carry no country and no ASN, and the QoE breakdowns by them are empty (docs/geoip.md)"),
                none.playback().geoIp().unsetWarning());

        CollectorConfig country = read(Map.of("CCU_GEOIP_COUNTRY_DB", GeoIpTestData.geoWhoisAsnCountry().toString()));
        assertEquals(Optional.of(GeoIpTestData.geoWhoisAsnCountry()), country.playback().geoIp().countryDb());
        assertTrue(country.playback().geoIp().unsetWarning().orElseThrow().startsWith("CCU_GEOIP_ASN_DB is not set: "
                + "player events and CMCD reports carry no ASN or AS organisation"));

        CollectorConfig both = read(Map.of("CCU_GEOIP_COUNTRY_DB", GeoIpTestData.geoLite2Country().toString(),
                "CCU_GEOIP_ASN_DB", GeoIpTestData.geoLite2Asn().toString()));
        assertEquals(Optional.empty(), both.playback().geoIp().unsetWarning());
        assertTrue(both.toString().contains("GeoLite2-ASN.mmdb"), both.toString());
    }

    @Test
    void aGeoIpDatabaseThatCannotBeReadIsAConfigurationErrorNamingTheFileReportedWithTheOthers(@TempDir Path dir)
            throws IOException {
        Path missing = dir.resolve("GeoLite2-Country.mmdb");
        Path text = Files.writeString(dir.resolve("GeoLite2-ASN.mmdb"), "<html>a download page</html>");
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of(
                "CCU_GEOIP_COUNTRY_DB", missing.toString(),
                "CCU_GEOIP_ASN_DB", text.toString(),
                "CCU_RATE_LIMIT_PER_CLIENT", "-1")));
        String errors = String.join("\n", e.errors());
        assertEquals(3, e.errors().size(), errors);
        assertTrue(errors.contains("CCU_GEOIP_COUNTRY_DB=" + missing + ": no such file"), errors);
        assertTrue(errors.contains("CCU_GEOIP_ASN_DB=" + text + ": not a MaxMind DB (MMDB) file"), errors);

        ConfigException swapped = assertThrows(ConfigException.class, () -> read(Map.of(
                "CCU_GEOIP_COUNTRY_DB", GeoIpTestData.geoLite2Asn().toString(),
                "CCU_GEOIP_ASN_DB", GeoIpTestData.geoLite2Country().toString())));
        assertEquals(List.of(
                "CCU_GEOIP_COUNTRY_DB=" + GeoIpTestData.geoLite2Asn()
                        + ": a GeoLite2-ASN database holds autonomous systems, not countries: set it as CCU_GEOIP_ASN_DB",
                "CCU_GEOIP_ASN_DB=" + GeoIpTestData.geoLite2Country()
                        + ": a GeoLite2-Country database holds countries, not autonomous systems: set it as CCU_GEOIP_COUNTRY_DB"),
                swapped.errors());
    }
}
