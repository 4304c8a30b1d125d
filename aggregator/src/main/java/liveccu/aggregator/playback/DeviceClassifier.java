package liveccu.aggregator.playback;

import liveccu.model.PlaybackRules;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * A user agent's device class (Yauaa's {@code DeviceClass}: Desktop, Phone, Tablet, TV, Robot, Hacker…),
 * which tells bots ({@link liveccu.model.PlaybackRules#BOT_DEVICE_CLASSES}) from people — an HTTP library's
 * agent that Yauaa takes for a person is a robot too ({@link PlaybackRules#deviceClass(String, String)}), for
 * every metric — and, for the QoE's breakdowns, its operating system and browser names. Off the
 * collector's hot path: the aggregator asks once per playback (when its earliest event is seen), and
 * the analyzer keeps the last {@value #CACHE_SIZE} user agents' answers (a live audience has far fewer
 * distinct agents than playbacks). The analyzer is built with only these three fields, once per JVM (a few
 * seconds and tens of MB: docs/contributing.md, "Dependencies and why"; docs/benchmarks.md, "Bots").
 */
public final class DeviceClassifier {

    public static final int CACHE_SIZE = 10_000;

    /** What the QoE breaks views down by: Yauaa's device class (bots as every metric has them), OS and browser names. */
    public record Device(String deviceClass, String os, String browser) {
    }

    private final UserAgentAnalyzer analyzer;

    private DeviceClassifier(UserAgentAnalyzer analyzer) {
        this.analyzer = analyzer;
    }

    /** The one per JVM, built on first use (every stream thread and topology shares it: it is thread-safe). */
    public static DeviceClassifier shared() {
        return Shared.INSTANCE;
    }

    /** A new analyzer: for measuring what one costs. */
    public static DeviceClassifier build(int cacheSize) {
        UserAgentAnalyzer.UserAgentAnalyzerBuilder builder = UserAgentAnalyzer.newBuilder()
                .hideMatcherLoadStats()
                .dropTests()
                .withField(UserAgent.DEVICE_CLASS)
                .withField(UserAgent.OPERATING_SYSTEM_NAME)
                .withField(UserAgent.AGENT_NAME)
                .immediateInitialization();
        builder = cacheSize > 0 ? builder.withCache(cacheSize) : builder.withoutCache();
        return new DeviceClassifier(builder.build());
    }

    /** The device class of a user agent; a missing one is parsed as empty. */
    public String deviceClass(String userAgent) {
        return PlaybackRules.deviceClass(analyzer.parse(userAgent == null ? "" : userAgent).getValue(UserAgent.DEVICE_CLASS),
                userAgent);
    }

    /** The device class, operating system name and browser (agent) name of a user agent; a missing one is parsed as empty. */
    public Device device(String userAgent) {
        UserAgent parsed = analyzer.parse(userAgent == null ? "" : userAgent);
        return new Device(PlaybackRules.deviceClass(parsed.getValue(UserAgent.DEVICE_CLASS), userAgent),
                parsed.getValue(UserAgent.OPERATING_SYSTEM_NAME), parsed.getValue(UserAgent.AGENT_NAME));
    }

    private static final class Shared {
        static final DeviceClassifier INSTANCE = build(CACHE_SIZE);
    }
}
