package liveccu.access.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import liveccu.access.Caller;
import liveccu.model.AuditEntry;

/**
 * Counts each answered request per key, route, account and status ({@code ccu_api_key_requests_total}),
 * and writes those that served or refused personal data to the audit topic. Never the key itself:
 * its id.
 */
public final class KeyUses {

    private final MeterRegistry registry;
    private final Optional<AuditLog> audit;
    private final Clock clock;

    /** @param audit where personal-data requests are written; empty counts them only */
    public KeyUses(MeterRegistry registry, Optional<AuditLog> audit, Clock clock) {
        this.registry = registry;
        this.audit = audit;
        this.clock = clock;
    }

    public void record(Caller caller, String route, String account, String query, int status, boolean personalData) {
        Counter.builder("ccu_api_key_requests")
                .description("Answered requests per key id, route, account read and status")
                .tags("key", caller.keyId(), "route", route, "account", account == null ? "none" : account,
                        "status", Integer.toString(status))
                .register(registry)
                .increment();
        if (personalData) {
            audit.ifPresent(log -> log.write(new AuditEntry(clock.millis(), caller.keyId(), route, query, account, status)));
        }
    }
}
