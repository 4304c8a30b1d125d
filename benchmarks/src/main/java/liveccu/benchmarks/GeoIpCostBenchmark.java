package liveccu.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import liveccu.collector.intake.GeoIp;
import liveccu.collector.intake.GeoIpSettings;
import liveccu.collector.intake.IpHasher;

/**
 * What the collector's GeoIP lookup costs per request (docs/geoip.md, "Cost"): CPU time of this one
 * thread ({@code ThreadMXBean}) per {@link GeoIp#lookup} of distinct random public addresses (every
 * request a new client: the tree walk and, for ASN records past the node cache, the decoding), of a few
 * hundred addresses seen again and again, and of IPv6 addresses; beside it the IP hash every request
 * already pays. Each measurement after a warm-up of as many lookups (the JIT).
 *
 * <pre>
 *   java -cp "benchmarks/target/lib/*:benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar" \
 *       liveccu.benchmarks.GeoIpCostBenchmark COUNTRY.mmdb ASN.mmdb [LOOKUPS]
 * </pre>
 */
public final class GeoIpCostBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private GeoIpCostBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path country = Path.of(args[0]);
        Path asn = Path.of(args[1]);
        int lookups = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        SplittableRandom random = new SplittableRandom(42);
        List<String> distinct = new ArrayList<>(lookups);
        while (distinct.size() < lookups) {
            int a = 1 + random.nextInt(223);
            if (a == 10 || a == 100 || a == 127 || a == 169 || a == 172 || a == 192 || a == 198 || a == 203) {
                continue;   // keep clear of the ranges GeoIp never looks up: every address here is walked
            }
            distinct.add(a + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256));
        }
        List<String> ipv6 = new ArrayList<>(lookups);
        for (int i = 0; i < lookups; i++) {
            ipv6.add(String.format(Locale.ROOT, "2%03x:%x:%x::%x", random.nextInt(0x1000), random.nextInt(0x10000),
                    random.nextInt(0x10000), random.nextInt(0x10000)));
        }
        List<String> few = new ArrayList<>(lookups);
        for (int i = 0; i < lookups; i++) {
            few.add(distinct.get(i % 500));
        }
        IpHasher hasher = IpHasher.random();
        long day = System.currentTimeMillis();

        try (GeoIp both = GeoIp.open(new GeoIpSettings(Optional.of(country), Optional.of(asn)));
             GeoIp countryOnly = GeoIp.open(new GeoIpSettings(Optional.of(country), Optional.empty()));
             GeoIp asnOnly = GeoIp.open(new GeoIpSettings(Optional.empty(), Optional.of(asn)))) {
            System.out.println("databases: " + both.describe() + "; " + lookups + " lookups per line, one thread");
            report("country + ASN, distinct public IPv4", distinct, ip -> weight(both.lookup(ip)));
            report("country only, distinct public IPv4", distinct, ip -> weight(countryOnly.lookup(ip)));
            report("ASN only, distinct public IPv4", distinct, ip -> weight(asnOnly.lookup(ip)));
            report("country + ASN, 500 addresses again and again", few, ip -> weight(both.lookup(ip)));
            report("country + ASN, random IPv6 in 2000::/4", ipv6, ip -> weight(both.lookup(ip)));
            report("(for scale) the IP hash every request pays", distinct, ip -> hasher.hash(ip, day).length());
            System.out.printf(Locale.ROOT, "answers with a country, distinct IPv4: %.1f %%; failures: %d%n",
                    100.0 * distinct.stream().filter(ip -> both.lookup(ip).country() != null).count() / lookups,
                    both.failures());
        }
    }

    private static int weight(GeoIp.Answer answer) {
        return (answer.country() == null ? 0 : 1) + (answer.asn() == null ? 0 : 2);
    }

    /** Warms up on the list, then measures this thread's CPU time over it. */
    private static void report(String what, List<String> ips, ToIntFunction<String> lookup) {
        long sink = 0;
        for (String ip : ips) {
            sink += lookup.applyAsInt(ip);
        }
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (String ip : ips) {
            sink += lookup.applyAsInt(ip);
        }
        double cpuUs = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3 / ips.size();
        double wallUs = (System.nanoTime() - wall0) / 1e3 / ips.size();
        System.out.printf(Locale.ROOT, "%-48s %6.2f us CPU per lookup (%6.2f us wall)%s%n", what, cpuUs, wallUs,
                sink == Long.MIN_VALUE ? " " : "");
    }
}
