package liveccu.aggregator.playback;

import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * A user agent's device class (Yauaa's {@code DeviceClass}: Desktop, Phone, Tablet, TV, Robot, Hacker…),
 * which tells bots ({@link liveccu.model.PlaybackRules#BOT_DEVICE_CLASSES}) from people. Off the
 * collector's hot path: the aggregator asks once per playback (when its earliest event is seen), and
 * the analyzer keeps the last {@value #CACHE_SIZE} user agents' answers (a live audience has far fewer
 * distinct agents than playbacks). The analyzer is built with only this field, once per JVM (a few
 * seconds and tens of MB: docs/contributing.md, "Dependencies and why"; docs/benchmarks.md, "Bots").
 */
public final class DeviceClassifier {

    public static final int CACHE_SIZE = 10_000;

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
                .immediateInitialization();
        builder = cacheSize > 0 ? builder.withCache(cacheSize) : builder.withoutCache();
        return new DeviceClassifier(builder.build());
    }

    /** The device class of a user agent; a missing one is parsed as empty. */
    public String deviceClass(String userAgent) {
        return analyzer.parse(userAgent == null ? "" : userAgent).getValue(UserAgent.DEVICE_CLASS);
    }

    private static final class Shared {
        static final DeviceClassifier INSTANCE = build(CACHE_SIZE);
    }
}
