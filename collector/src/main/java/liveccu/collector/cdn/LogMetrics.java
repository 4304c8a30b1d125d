package liveccu.collector.cdn;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The CDN log intake's meters, per source (unknown sources' requests under {@code unknown}, so a scan of
 * made-up names adds no series): {@code ccu.logs.batches{source,status}} — batches answered, by HTTP
 * status; {@code ccu.logs.bytes{source}} — bytes received as sent; {@code ccu.logs.lines.accepted{source}} —
 * lines acknowledged by Kafka; {@code ccu.logs.lines.rejected{source,reason}} — lines not accepted;
 * {@code ccu.logs.batches.refused{source,reason}} — whole batches refused (token, source, size, encoding…);
 * {@code ccu.logs.validation.probes{source}} — Cloudflare's test uploads answered.
 */
final class LogMetrics {

    static final String UNKNOWN_SOURCE = "unknown";

    private final MeterRegistry registry;

    LogMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void batch(String source, int status) {
        registry.counter("ccu.logs.batches", "source", source, "status", Integer.toString(status)).increment();
    }

    void bytes(String source, long bytes) {
        registry.counter("ccu.logs.bytes", "source", source).increment(bytes);
    }

    void accepted(String source, int lines) {
        registry.counter("ccu.logs.lines.accepted", "source", source).increment(lines);
    }

    void rejected(String source, String reason, int lines) {
        registry.counter("ccu.logs.lines.rejected", "source", source, "reason", reason).increment(lines);
    }

    void refused(String source, String reason) {
        registry.counter("ccu.logs.batches.refused", "source", source, "reason", reason).increment();
    }

    void probe(String source) {
        registry.counter("ccu.logs.validation.probes", "source", source).increment();
    }
}
