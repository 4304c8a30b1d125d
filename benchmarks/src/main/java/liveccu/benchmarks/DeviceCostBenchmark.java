package liveccu.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import liveccu.aggregator.playback.DeviceClassifier;
import liveccu.model.DeviceSketches;
import liveccu.model.PlaybackRules;

/**
 * What bots and devices cost the aggregator (docs/benchmarks.md, "Bots and devices"): the user-agent
 * analyzer's heap once built with only the device class, its build time, parses per second of distinct
 * agents (no cache: every playback a new agent) and of agents already seen (the cache), and the HLL
 * sketch of an hour's devices (size, cost of adding one). One thread; run with a fixed heap, e.g.
 * {@code java -Xms512m -Xmx512m -cp … liveccu.benchmarks.DeviceCostBenchmark}.
 */
public final class DeviceCostBenchmark {

    private DeviceCostBenchmark() {
    }

    public static void main(String[] args) {
        int distinct = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        List<String> agents = agents(distinct);
        List<String> warmUp = agents(distinct + 2_000).subList(distinct, distinct + 2_000);   // never measured below

        long before = usedAfterGc();
        long t0 = System.nanoTime();
        DeviceClassifier cold = DeviceClassifier.build(0);
        double buildS = (System.nanoTime() - t0) / 1e9;
        long analyzerBytes = usedAfterGc() - before;
        warmUp.forEach(cold::deviceClass);
        double coldPerS = parsesPerSecond(cold, agents, 1);

        DeviceClassifier cached = DeviceClassifier.build(DeviceClassifier.CACHE_SIZE);
        agents.forEach(cached::deviceClass);                 // fills the cache
        double cachedPerS = parsesPerSecond(cached, agents, 40);

        String sketch = null;
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            devices.add(PlaybackRules.device(null, agents.get(i % agents.size()), "ip-" + i));
        }
        long s0 = System.nanoTime();
        for (String device : devices) {
            sketch = DeviceSketches.with(sketch, device);
        }
        double addUs = (System.nanoTime() - s0) / 1e3 / devices.size();
        int sketchBytes = java.util.Base64.getDecoder().decode(sketch).length;

        System.out.printf(Locale.ROOT, "analyzer (DeviceClass only, tests dropped): %.1f MB heap, built in %.1f s%n",
                analyzerBytes / 1e6, buildS);
        System.out.printf(Locale.ROOT, "parses/s, %d distinct agents, no cache: %.0f (%.0f us each)%n",
                distinct, coldPerS, 1e6 / coldPerS);
        System.out.printf(Locale.ROOT, "parses/s, agents in the cache (%d): %.0f (%.2f us each)%n",
                DeviceClassifier.CACHE_SIZE, cachedPerS, 1e6 / cachedPerS);
        System.out.printf(Locale.ROOT, "HLL sketch (lgK %d, HLL_4) of 20000 devices: %d bytes (%d as base64); adding a device "
                + "(decode, update, encode): %.1f us%n", DeviceSketches.LG_K, sketchBytes, sketch.length(), addUs);
    }

    private static double parsesPerSecond(DeviceClassifier classifier, List<String> agents, int rounds) {
        long t0 = System.nanoTime();
        int bots = 0;
        for (int r = 0; r < rounds; r++) {
            for (String agent : agents) {
                bots += PlaybackRules.isBot(classifier.deviceClass(agent)) ? 1 : 0;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (bots < 0) {
            throw new AssertionError();
        }
        return agents.size() * (double) rounds / seconds;
    }

    /** Realistic, distinct user agents: browsers, phones, TVs and a few bots, across versions. */
    static List<String> agents(int count) {
        String[] templates = {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.%d Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.%d Safari/605.1.%d",
            "Mozilla/5.0 (iPhone; CPU iPhone OS %d_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E%d Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; SM-S9%d1B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.%d",
            "Mozilla/5.0 (SMART-TV; Linux; Tizen %d.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/%d.%d TV Safari/537.36",
            "Mozilla/5.0 (compatible; Googlebot/2.%d; +http://www.google.com/bot.html) Chrome/%d.0.%d.0",
        };
        List<String> agents = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String template = templates[i % templates.length];
            int v = i / templates.length;
            agents.add(String.format(Locale.ROOT, template, 60 + v % 70, v % 97, v / 97 % 50 + v));
        }
        return agents;
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
