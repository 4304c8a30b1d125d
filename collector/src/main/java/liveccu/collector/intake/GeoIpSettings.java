package liveccu.collector.intake;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import liveccu.ops.config.Env;

/**
 * Where the GeoIP databases are (docs/geoip.md), from environment variables, both unset by default:
 *
 * <ul>
 *   <li>{@code CCU_GEOIP_COUNTRY_DB} — path of a country database (MMDB): GeoLite2/GeoIP2 Country or City,
 *       DB-IP IP-to-Country/City Lite, or an ip-location-db country file; unset → no country</li>
 *   <li>{@code CCU_GEOIP_ASN_DB} — path of an ASN database (MMDB): GeoLite2/GeoIP2 ASN or DB-IP IP-to-ASN
 *       Lite; unset → no ASN and no AS organisation</li>
 * </ul>
 * A set path that is no readable database of its kind is a configuration error naming the file,
 * reported with every other one ({@link Env}).
 */
public record GeoIpSettings(Optional<Path> countryDb, Optional<Path> asnDb) {

    public static final String COUNTRY_DB = "CCU_GEOIP_COUNTRY_DB";
    public static final String ASN_DB = "CCU_GEOIP_ASN_DB";
    public static final GeoIpSettings NONE = new GeoIpSettings(Optional.empty(), Optional.empty());

    public static GeoIpSettings read(Env env) {
        return new GeoIpSettings(database(env, COUNTRY_DB, GeoIp.Kind.COUNTRY), database(env, ASN_DB, GeoIp.Kind.ASN));
    }

    private static Optional<Path> database(Env env, String variable, GeoIp.Kind kind) {
        Optional<String> value = env.optional(variable);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path path;
        try {
            path = Path.of(value.get());
        } catch (InvalidPathException e) {
            env.error(variable + "=" + value.get() + ": not a file path (" + e.getReason() + ")");
            return Optional.empty();
        }
        String problem = GeoIp.problem(path, kind);
        if (problem != null) {
            env.error(variable + "=" + path + ": " + problem);
            return Optional.empty();
        }
        return Optional.of(path);
    }

    /** The one start-up warning when a database is not set: what the events will lack. */
    public Optional<String> unsetWarning() {
        if (countryDb.isPresent() && asnDb.isPresent()) {
            return Optional.empty();
        }
        if (countryDb.isEmpty() && asnDb.isEmpty()) {
            return Optional.of(COUNTRY_DB + " and " + ASN_DB + " are not set: player events and CMCD reports carry no "
                    + "country and no ASN, and the QoE breakdowns by them are empty (docs/geoip.md)");
        }
        return Optional.of((countryDb.isEmpty() ? COUNTRY_DB : ASN_DB) + " is not set: player events and CMCD reports "
                + "carry no " + (countryDb.isEmpty() ? "country" : "ASN or AS organisation")
                + ", and the QoE breakdowns by it are empty (docs/geoip.md)");
    }
}
