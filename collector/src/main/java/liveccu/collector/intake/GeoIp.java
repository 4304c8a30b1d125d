package liveccu.collector.intake;

import com.maxmind.db.CHMCache;
import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.Metadata;
import com.maxmind.db.NoCache;
import com.maxmind.db.NodeCache;
import com.maxmind.db.Reader;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * The country and the autonomous system of a client IP, from MaxMind-format (MMDB) databases the
 * operator provides, read by MaxMind's own reader. Looked up at the collector while the request's IP
 * is at hand, before it is hashed ({@link IpHasher}); the IP itself is kept nowhere and never logged
 * (the reader's own exception messages name it, so they are counted, never printed).
 *
 * <p>A country database is any of GeoLite2/GeoIP2 Country or City and DB-IP's IP-to-Country/City Lite
 * ({@code country.iso_code}, else {@code registered_country.iso_code}), or an ip-location-db country
 * file ({@code country_code}). An ASN database is GeoLite2/GeoIP2 ASN or DB-IP's IP-to-ASN Lite
 * ({@code autonomous_system_number}, {@code autonomous_system_organization}). Either may be absent:
 * its fields stay empty. Addresses that no database can place (private, shared, loopback, link-local,
 * documentation, benchmarking, multicast, reserved) are not looked up: some free databases do answer
 * for them, wrongly.
 *
 * <p>A lookup walks the database's search tree in the memory-mapped file (at most 32 steps for IPv4,
 * 128 for IPv6) and decodes only the fields named here; decoded records are cached by the reader's
 * node cache, so a country database's few hundred records are decoded once. Thread-safe.
 */
public final class GeoIp implements Closeable {

    /** What the databases say of an address; each part null when unknown. */
    public record Answer(String country, Long asn, String asOrg) {
        public static final Answer NONE = new Answer(null, null, null);
    }

    /** Which kind of database a setting names. */
    public enum Kind { COUNTRY, ASN }

    /** No database: every answer is {@link Answer#NONE}. */
    public static final GeoIp NONE = new GeoIp(null, null);

    /** Decoded ASN records kept (the country database has a few hundred records; an ASN one tens of thousands). */
    static final int CACHED_RECORDS = 16_384;
    static final int MAX_AS_ORG = 256;

    /**
     * IANA's special-purpose ranges that no database places: this network, private, shared (carrier-grade
     * NAT), loopback, link-local, IETF protocol assignments, documentation, benchmarking, multicast and
     * reserved (224.0.0.0/3); unspecified, loopback, discard, local NAT64, documentation, unique-local,
     * link-local and multicast IPv6.
     */
    static final IpRanges NOT_PLACEABLE = ranges("0.0.0.0/8,10.0.0.0/8,100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,"
            + "172.16.0.0/12,192.0.0.0/24,192.0.2.0/24,192.168.0.0/16,198.18.0.0/15,198.51.100.0/24,203.0.113.0/24,"
            + "224.0.0.0/3,::/128,::1/128,100::/64,64:ff9b:1::/48,2001:db8::/32,fc00::/7,fe80::/10,ff00::/8");

    /** Well-known public addresses whose records (where a database has one) show its record shape at start. */
    static final List<String> PROBES = List.of("8.8.8.8", "1.1.1.1", "81.2.69.160", "2001:4860:4860::8888");

    private static IpRanges ranges(String list) {
        List<String> errors = new ArrayList<>();
        IpRanges ranges = IpRanges.parse(list, errors);
        if (!errors.isEmpty()) {
            throw new IllegalStateException(errors.toString());
        }
        return ranges;
    }

    private final Reader countries;
    private final Reader systems;
    private final LongAdder failures = new LongAdder();

    private GeoIp(Reader countries, Reader systems) {
        this.countries = countries;
        this.systems = systems;
    }

    /** Opens the configured databases (memory-mapped, with a node cache); {@link #NONE} when none is set. */
    public static GeoIp open(GeoIpSettings settings) throws IOException {
        if (settings.countryDb().isEmpty() && settings.asnDb().isEmpty()) {
            return NONE;
        }
        Reader countries = null;
        try {
            countries = settings.countryDb().isPresent() ? reader(settings.countryDb().get(), new CHMCache()) : null;
            Reader systems = settings.asnDb().isPresent() ? reader(settings.asnDb().get(), new CHMCache(CACHED_RECORDS)) : null;
            return new GeoIp(countries, systems);
        } catch (IOException | RuntimeException e) {
            if (countries != null) {
                countries.close();
            }
            throw e;
        }
    }

    private static Reader reader(Path path, NodeCache cache) throws IOException {
        return new Reader(path.toFile(), Reader.FileMode.MEMORY_MAPPED, cache);
    }

    /**
     * What is wrong with this file as a database of that kind, or null when it is fine: it must exist, be
     * readable, be an MMDB file, not be of the other kind, and hold records of the expected shape.
     */
    public static String problem(Path path, Kind kind) {
        if (!Files.isRegularFile(path)) {
            return "no such file";
        }
        if (!Files.isReadable(path)) {
            return "the file cannot be read (permissions)";
        }
        File file = path.toFile();
        try (Reader reader = new Reader(file, Reader.FileMode.MEMORY_MAPPED, NoCache.getInstance())) {
            String type = reader.getMetadata().getDatabaseType();
            String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
            boolean asnType = lower.contains("asn");
            boolean placeType = lower.contains("country") || lower.contains("city");
            if (kind == Kind.COUNTRY && asnType && !placeType) {
                return "a " + type + " database holds autonomous systems, not countries: set it as CCU_GEOIP_ASN_DB";
            }
            if (kind == Kind.ASN && placeType && !asnType) {
                return "a " + type + " database holds countries, not autonomous systems: set it as CCU_GEOIP_COUNTRY_DB";
            }
            for (String probe : PROBES) {
                InetAddress address = InetAddress.getByName(probe);   // literals only: no DNS
                if (address.getAddress().length == 16 && reader.getMetadata().getIpVersion() == 4) {
                    continue;
                }
                Class<?> shape = kind == Kind.COUNTRY ? CountryRecord.class : AsRecord.class;
                reader.get(address, shape);
            }
            return null;
        } catch (IOException e) {
            return "not a MaxMind DB (MMDB) file that can be read: " + reason(e);
        } catch (RuntimeException e) {
            return "its records are not " + (kind == Kind.COUNTRY
                    ? "country records (country.iso_code or country_code)"
                    : "autonomous-system records (autonomous_system_number)") + ": " + reason(e);
        }
    }

    private static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Whether a country database is open. */
    public boolean placesCountries() {
        return countries != null;
    }

    /** Whether an ASN database is open. */
    public boolean placesSystems() {
        return systems != null;
    }

    /** What the open databases say of themselves (type and build date), for the start-up log; never an address. */
    public String describe() {
        return "country: " + describe(countries) + ", ASN: " + describe(systems);
    }

    private static String describe(Reader reader) {
        if (reader == null) {
            return "none";
        }
        Metadata metadata = reader.getMetadata();
        return metadata.getDatabaseType() + " built " + metadata.getBuildDate().toInstant().toString().substring(0, 10);
    }

    /** Lookups that failed in a database (a corrupt record): answered empty and counted, never logged. */
    public long failures() {
        return failures.sum();
    }

    /**
     * @param ip the client's IP literal (as {@link TrustedProxies#client} gives it); anything else is unknown
     * @return what the databases say; {@link Answer#NONE} for an address none can place
     */
    public Answer lookup(String ip) {
        if ((countries == null && systems == null) || ip == null) {
            return Answer.NONE;
        }
        byte[] bytes = TrustedProxies.address(ip);
        if (bytes == null || NOT_PLACEABLE.contains(bytes)) {
            return Answer.NONE;
        }
        InetAddress address;
        try {
            address = InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return Answer.NONE;
        }
        String country = countries == null ? null : country(countries, address);
        AsRecord system = systems == null ? null : record(systems, address, AsRecord.class);
        Long asn = system == null ? null : system.asn();
        String asOrg = system == null ? null : system.organization();
        return country == null && asn == null && asOrg == null ? Answer.NONE : new Answer(country, asn, asOrg);
    }

    private String country(Reader reader, InetAddress address) {
        CountryRecord record = record(reader, address, CountryRecord.class);
        return record == null ? null : record.code();
    }

    private <T> T record(Reader reader, InetAddress address, Class<T> type) {
        if (address.getAddress().length == 16 && reader.getMetadata().getIpVersion() == 4) {
            return null;
        }
        try {
            return reader.get(address, type);
        } catch (IOException | RuntimeException e) {
            failures.increment();   // the message names the IP: never logged
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (countries != null) {
                countries.close();
            }
        } finally {
            if (systems != null) {
                systems.close();
            }
        }
    }

    /** An ISO 3166-1 alpha-2 code as two upper-case letters; null for anything else and for DB-IP's unknown {@code ZZ}. */
    static String isoCode(String code) {
        if (code == null || code.length() != 2) {
            return null;
        }
        String upper = code.toUpperCase(Locale.ROOT);
        boolean letters = upper.charAt(0) >= 'A' && upper.charAt(0) <= 'Z' && upper.charAt(1) >= 'A' && upper.charAt(1) <= 'Z';
        return letters && !upper.equals("ZZ") ? upper : null;
    }

    /** The fields of a country database's record that are read; the others are skipped undecoded. */
    public record CountryRecord(Place country, Place registeredCountry, String countryCode) {
        @MaxMindDbConstructor
        public CountryRecord(@MaxMindDbParameter(name = "country") Place country,
                             @MaxMindDbParameter(name = "registered_country") Place registeredCountry,
                             @MaxMindDbParameter(name = "country_code") String countryCode) {
            this.country = country;
            this.registeredCountry = registeredCountry;
            this.countryCode = countryCode;
        }

        /** The country where the address is used; else where it is registered; else ip-location-db's code. */
        String code() {
            String code = country == null ? null : isoCode(country.isoCode());
            if (code == null && registeredCountry != null) {
                code = isoCode(registeredCountry.isoCode());
            }
            return code != null ? code : isoCode(countryCode);
        }
    }

    /** A GeoLite2-style country object, of which only the code is read. */
    public record Place(String isoCode) {
        @MaxMindDbConstructor
        public Place(@MaxMindDbParameter(name = "iso_code") String isoCode) {
            this.isoCode = isoCode;
        }
    }

    /** The fields of an ASN database's record; the number as the file stores it (an unsigned integer of any width). */
    public record AsRecord(Object number, String org) {
        @MaxMindDbConstructor
        public AsRecord(@MaxMindDbParameter(name = "autonomous_system_number") Object number,
                        @MaxMindDbParameter(name = "autonomous_system_organization") String org) {
            this.number = number;
            this.org = org;
        }

        Long asn() {
            long value = number instanceof Number n ? n.longValue() : -1;
            if (number instanceof java.math.BigInteger || value <= 0 || value > 0xFFFF_FFFFL) {
                return null;
            }
            return value;
        }

        String organization() {
            if (org == null || org.isBlank()) {
                return null;
            }
            String trimmed = org.strip();
            return trimmed.length() > MAX_AS_ORG ? trimmed.substring(0, MAX_AS_ORG) : trimmed;
        }
    }
}
