package liveccu.sessions.limit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What operators watch: sessions started, refused at the limit, stopped and expired. */
public final class SessionMetrics {

    final Counter started;
    final Counter refused;
    final Counter stopped;
    final Counter expired;

    public SessionMetrics(MeterRegistry registry) {
        started = Counter.builder("ccu_stream_sessions_started").description("sessions started").register(registry);
        refused = Counter.builder("ccu_stream_sessions_refused").description("starts refused: the viewer's limit was reached")
                .register(registry);
        stopped = Counter.builder("ccu_stream_sessions_stopped").description("sessions stopped through the API").register(registry);
        expired = Counter.builder("ccu_stream_sessions_expired").description("sessions whose heartbeats stopped").register(registry);
    }
}
