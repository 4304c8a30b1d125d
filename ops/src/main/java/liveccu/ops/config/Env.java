package liveccu.ops.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Reads typed settings from environment variables with documented defaults, collecting every
 * mistake so that an operator sees all of them at once instead of one per restart.
 *
 * <pre>{@code
 * Env env = Env.system();
 * int port = env.integer("CCU_COLLECTOR_PORT", 8080, 0, 65535);
 * env.failIfInvalid();   // throws ConfigException listing every error
 * }</pre>
 */
public final class Env {

    private final Map<String, String> variables;
    /** Shared with every {@link #withDefault} copy: an error found through one is reported by all. */
    private final List<String> errors;
    /** Every name asked for, set or not; shared with every {@link #withDefault} copy like the errors. */
    private final Set<String> asked;

    public Env(Map<String, String> variables) {
        this(variables, new ArrayList<>(), ConcurrentHashMap.newKeySet());
    }

    private Env(Map<String, String> variables, List<String> errors, Set<String> asked) {
        this.variables = Map.copyOf(variables);
        this.errors = errors;
        this.asked = asked;
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    /** This environment with a default for one variable; a value already set wins. */
    public Env withDefault(String name, String value) {
        if (optional(name).isPresent()) {
            return this;
        }
        var merged = new java.util.HashMap<>(variables);
        merged.put(name, value);
        return new Env(merged, errors, asked);
    }

    /** The raw value, if set and not blank. */
    public Optional<String> optional(String name) {
        asked.add(name);
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        return parse(name, defaultValue, Integer::parseInt, v -> v >= min && v <= max,
                "a whole number from " + min + " to " + max);
    }

    public long longValue(String name, long defaultValue, long min, long max) {
        return parse(name, defaultValue, Long::parseLong, v -> v >= min && v <= max,
                "a whole number from " + min + " to " + max);
    }

    /** A duration given as a whole number in the unit the variable's name says (…_MS, …_SECONDS, …). */
    public Duration duration(String name, Duration defaultValue, java.time.temporal.ChronoUnit unit, Duration max) {
        long amount = parse(name, defaultValue.dividedBy(unit.getDuration()), Long::parseLong,
                v -> v >= 0 && Duration.of(v, unit).compareTo(max) <= 0,
                "a whole number of " + unit.toString().toLowerCase(java.util.Locale.ROOT) + " from 0 to "
                        + max.dividedBy(unit.getDuration()));
        return Duration.of(amount, unit);
    }

    private <T> T parse(String name, T defaultValue, Function<String, T> parser,
                        java.util.function.Predicate<T> valid, String expected) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            T value = parser.apply(raw.get());
            if (valid.test(value)) {
                return value;
            }
        } catch (RuntimeException e) {
            // reported below with the expected form
        }
        errors.add(name + "=" + raw.get() + ": expected " + expected);
        return defaultValue;
    }

    /**
     * The names of the variables this environment (or a {@link #withDefault} copy of it) was asked for,
     * whether they were set or not: what the code reads. The configuration reference's test builds every
     * service's settings from an empty environment and compares these names with the documented ones.
     */
    public Set<String> namesAskedFor() {
        return new TreeSet<>(asked);
    }

    /** Records an error found while combining settings. */
    public void error(String message) {
        errors.add(message);
    }

    /** Throws one exception naming every invalid setting, if there were any. */
    public void failIfInvalid() {
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
    }
}
