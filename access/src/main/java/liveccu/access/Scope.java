package liveccu.access;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a key may do, within its accounts. */
public enum Scope {
    /** CCU, jobs, tracking ids, accounts, peaks: numbers without personal data. */
    COUNTS("counts"),
    /** Viewer reports: personal data ({@code user_id}, {@code custom_viewer_data}); every use is audited. */
    VIEWERS("viewers"),
    /** The sessions service's operator views and stops. */
    SESSIONS_ADMIN("sessions-admin");

    private final String label;

    Scope(String label) {
        this.label = label;
    }

    /** The name keys, the API and the CLI use. */
    public String label() {
        return label;
    }

    public static Optional<Scope> parse(String label) {
        return Arrays.stream(values()).filter(scope -> scope.label.equals(label)).findFirst();
    }

    /** "counts, viewers, sessions-admin": for error messages. */
    public static String allLabels() {
        return Arrays.stream(values()).map(Scope::label).collect(Collectors.joining(", "));
    }
}
