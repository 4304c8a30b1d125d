package liveccu.aggregator.audio;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import liveccu.model.AudioRules;

/**
 * What a user agent is to the audio rules: its app ({@link AudioApps}), whether it is a bot ({@link AudioRules#isBot})
 * and Yauaa's device class. Asked for every audio request twice — before the repartition by device, so that a
 * bot's request never crosses it, and by the tracker for the device class it counts under — so the answers for
 * the last {@value #KEPT} agents are kept, shared by every task and stream thread of the instance: a listening
 * app's agent repeats across its listeners, so the regular expressions and Yauaa run once per agent.
 */
final class AudioAgents {

    /** What the rules read of a user agent. */
    record Agent(String app, boolean bot, String deviceClass) {
    }

    private static final int KEPT = 10_000;

    private final AudioApps apps;
    private final UnaryOperator<String> deviceClassOf;
    private final Map<String, Agent> known = new ConcurrentHashMap<>();

    /** @param deviceClassOf a user agent's device class (Yauaa's; null for none) */
    AudioAgents(AudioApps apps, UnaryOperator<String> deviceClassOf) {
        this.apps = apps;
        this.deviceClassOf = deviceClassOf;
    }

    Agent of(String userAgent) {
        Agent agent = userAgent == null ? null : known.get(userAgent);
        if (agent == null) {
            String app = apps.appOf(userAgent);
            String deviceClass = deviceClassOf.apply(userAgent);
            agent = new Agent(app, AudioRules.isBot(AudioApps.isFeedFetcher(userAgent), AudioApps.isListeningApp(app),
                    deviceClass), deviceClass);
            if (userAgent != null) {
                if (known.size() >= KEPT) {
                    known.clear();  // agents come and go with app versions: start again rather than keep every one
                }
                known.put(userAgent, agent);
            }
        }
        return agent;
    }
}
