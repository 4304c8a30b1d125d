package liveccu.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The GeoIP test databases: real, freely licensed MMDB files that the build fetches from the npm registry,
 * pinned by version and SHA-256 (the parent pom's download-maven-plugin executions), into the running
 * module's {@code target/geoip}. What they answer for an address is fixed by those pins; docs/geoip.md
 * says where each comes from.
 *
 * <ul>
 *   <li>GeoLite2 Country and GeoLite2 ASN of February 2018, from the npm package {@code geolite2} 1.3.0.
 *       This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com,
 *       licensed (as GeoLite2 was until 2019-12-30) under the Creative Commons Attribution-ShareAlike 4.0
 *       International License.</li>
 *   <li>ip-location-db's geo-whois-asn-country (GeoFeed, WHOIS and ASN data merged into countries), from the
 *       npm package {@code @ip-location-db/geo-whois-asn-country-mmdb} 2.3.2026061719, CC0 1.0 (public
 *       domain); its records hold only {@code country_code}.</li>
 * </ul>
 */
public final class GeoIpTestData {

    private GeoIpTestData() {
    }

    /** A public address of Andrews &amp; Arnold (a British ISP) that every test database places. */
    public static final String PUBLIC_IP = "81.2.69.160";
    /** What the test databases say of {@link #PUBLIC_IP}: its country, its AS number and organisation. */
    public static final String PUBLIC_IP_COUNTRY = "GB";
    public static final long PUBLIC_IP_ASN = 20712;
    public static final String PUBLIC_IP_AS_ORG = "Andrews & Arnold Ltd";

    /** GeoLite2-Country (2018-02-07): records {@code country.iso_code}, {@code registered_country.iso_code}, names. */
    public static Path geoLite2Country() {
        return existing("geolite2/package/dbs/GeoLite2-Country.mmdb");
    }

    /** GeoLite2-ASN (2018-02-07): records {@code autonomous_system_number}, {@code autonomous_system_organization}. */
    public static Path geoLite2Asn() {
        return existing("geolite2/package/dbs/GeoLite2-ASN.mmdb");
    }

    /** ip-location-db geo-whois-asn-country (IPv4 and IPv6): records {@code country_code} only. */
    public static Path geoWhoisAsnCountry() {
        return existing("geo-whois-asn-country/package/geo-whois-asn-country.mmdb");
    }

    private static Path existing(String name) {
        Path path = Path.of("target", "geoip").resolve(name).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " is missing: the build fetches it before the tests "
                    + "(download-maven-plugin, see the parent pom); run the tests through Maven without -DskipTests");
        }
        return path;
    }
}
