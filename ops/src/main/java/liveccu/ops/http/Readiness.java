package liveccu.ops.http;

import java.util.Optional;

/** Whether a service can do its work now; the reason when it cannot. */
@FunctionalInterface
public interface Readiness {

    /** Empty when ready, else a short reason shown on the readiness endpoint. */
    Optional<String> notReadyReason();
}
