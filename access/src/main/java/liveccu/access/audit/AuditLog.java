package liveccu.access.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import liveccu.access.AccessRecords;
import liveccu.model.AuditEntry;
import liveccu.model.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit entries to the audit topic without holding the answer: the entry is written once the
 * answer is sent (its status is part of it). An entry Kafka did not take is logged and counted
 * ({@code ccu_audit_write_failures_total}), for an alert.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final AccessRecords records;
    private final Counter failures;

    public AuditLog(AccessRecords records, MeterRegistry registry) {
        this.records = records;
        this.failures = Counter.builder("ccu_audit_write_failures")
                .description("Audit entries Kafka did not acknowledge").register(registry);
    }

    void write(AuditEntry entry) {
        records.write(Topics.AUDIT, entry.keyId(), entry).whenComplete((ok, error) -> {
            if (error != null) {
                failures.increment();
                LOG.warn("audit entry not written (key {}, route {}): {}", entry.keyId(), entry.route(), error.getMessage());
            }
        });
    }
}
