package liveccu.aggregator;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import liveccu.aggregator.audio.AudioSettings;
import liveccu.aggregator.cdn.CdnRules;
import liveccu.aggregator.cdn.ContentCatalogue;
import liveccu.model.AudioRules;
import liveccu.model.PlaybackRules;
import liveccu.ops.config.Env;
import liveccu.ops.config.PipelineSettings;
import liveccu.ops.http.LivenessExit;
import liveccu.streams.StreamThreadWatch;

/**
 * The aggregator's settings, from environment variables (defaults in brackets):
 *
 * <ul>
 *   <li>{@code CCU_AGGREGATOR_PORT} [8082] — health and metrics</li>
 *   <li>{@code CCU_AGGREGATOR_APP_ID} [liveccu-aggregator] — Kafka Streams application id; instances
 *       with the same id share the work</li>
 *   <li>{@code CCU_STATE_DIR} [data/streams] — local state (rebuilt from Kafka when lost)</li>
 *   <li>{@code CCU_STREAM_THREADS} [number of cores] — stream threads in this instance</li>
 *   <li>{@code CCU_COMMIT_INTERVAL_MS} [250] — exactly-once commit interval: results become visible
 *       after a commit, so this bounds freshness</li>
 *   <li>{@code CCU_FLUSH_INTERVAL_MS} [250] — how often changed partial counts, and the changes of CDN lines (per
 *       traffic and period) and of listeners' ranges (per content and hour) summed where they are, move on</li>
 *   <li>{@code CCU_STANDBY_REPLICAS} [0] — warm copies of each task's state kept by other instances
 *       ({@code num.standby.replicas}): when an instance dies, the one that takes its tasks over has
 *       their state already and need not restore it from the changelogs (docs/operations-failover.md)</li>
 *   <li>{@code CCU_AGGREGATOR_SESSION_TIMEOUT_MS} [45000, Kafka's default] — how long a silent instance
 *       (killed, frozen, cut off) keeps its tasks before the others take them over: the live minute of
 *       its partitions stops this long ({@code session.timeout.ms}; heartbeats every third of it, at
 *       most 3 s). The brokers accept 6000 to 1800000.</li>
 *   <li>{@code CCU_STREAM_STALL_SECONDS} [60] — a stream thread that has not polled Kafka this long makes
 *       the instance not ready, twice this long not live (so it is restarted); 0: not watched
 *       ({@link StreamThreadWatch})</li>
 *   <li>{@code CCU_LIVENESS_EXIT_SECONDS} [30] — run alone ({@link AggregatorMain}), the process exits when it
 *       has not been live this long, so that Compose or systemd starts it again; 0: never ({@link LivenessExit})</li>
 *   <li>{@code CCU_STREAMS_CACHE_MB} [16] — record cache that coalesces state updates</li>
 *   <li>{@code CCU_ROCKSDB_MEMORY_MB} [256] — native memory for all RocksDB stores of this instance
 *       (block cache and mem-tables), whatever the partitions it hosts</li>
 *   <li>{@code CCU_PLAYBACK_STREAM_SECONDS} [5] — playing time after a start that makes it a stream</li>
 *   <li>{@code CCU_CDN_REDELIVERY_DAYS} [7] — how long after a CDN log batch was last delivered a
 *       redelivery of its lines is still recognised (and not counted again)</li>
 *   <li>{@code CCU_CDN_LATE_DAYS} [35] — how long after its hour a CDN log line still adds to it (an
 *       operator may import last month's files); older lines are rejected</li>
 *   <li>{@code CCU_CONTENT_CATALOGUE} [none] — the operator's content catalogue, a CSV file
 *       ({@link ContentCatalogue}); a bad file is a start-up error naming its line</li>
 *   <li>{@code CCU_AUDIO_MIN_BYTES} [70000] — audio from CDN logs: a request that sent fewer bytes starts
 *       and downloads nothing (platform validation probes; {@link AudioRules})</li>
 *   <li>{@code CCU_AUDIO_STREAM_SECONDS} [25] — content a start's requests must send within its 24 h to
 *       be a stream</li>
 *   <li>{@code CCU_AUDIO_OPEN_HOURS} [48] — how far behind a device and content's newest request its
 *       requests still count; older ones are settled and refused as too late</li>
 *   <li>{@code CCU_AUDIO_STATE_DAYS} [8] — how long after its newest request a device and content's
 *       state is kept; requests served more than this less a day before the newest audio request seen are
 *       refused as too late, so that a forgotten state never counts a request twice ({@link AudioSettings})</li>
 *   <li>{@code CCU_AUDIO_REQUESTS_IN_MEMORY} [65536] — per task, the open requests of the audio states it used
 *       last, also kept in the heap (~160 bytes each) so that a listener's next range does not read its state
 *       back from RocksDB; 0: none</li>
 *   <li>plus the shared {@link PipelineSettings} (KAFKA_BOOTSTRAP_SERVERS, topics, counting rules)</li>
 * </ul>
 */
public record AggregatorConfig(
        int port,
        String applicationId,
        Path stateDir,
        int streamThreads,
        Duration commitInterval,
        Duration flushInterval,
        int standbyReplicas,
        Duration sessionTimeout,
        Duration streamStall,
        Duration livenessExit,
        long cacheBytes,
        long rocksDbMemoryBytes,
        PipelineSettings pipeline,
        PlaybackRules playback,
        CdnRules cdn,
        AudioSettings audio) {

    public static AggregatorConfig read(Env env, String defaultBootstrap) {
        PipelineSettings pipeline = PipelineSettings.read(env, defaultBootstrap);
        return new AggregatorConfig(
                env.integer("CCU_AGGREGATOR_PORT", 8082, 0, 65535),
                env.string("CCU_AGGREGATOR_APP_ID", "liveccu-aggregator"),
                Path.of(env.string("CCU_STATE_DIR", "data/streams")),
                env.integer("CCU_STREAM_THREADS", Runtime.getRuntime().availableProcessors(), 1, 256),
                env.duration("CCU_COMMIT_INTERVAL_MS", Duration.ofMillis(250), ChronoUnit.MILLIS, Duration.ofMinutes(1)),
                env.duration("CCU_FLUSH_INTERVAL_MS", Duration.ofMillis(250), ChronoUnit.MILLIS, Duration.ofMinutes(1)),
                env.integer("CCU_STANDBY_REPLICAS", 0, 0, 10),
                sessionTimeout(env),
                env.duration(StreamThreadWatch.SETTING, StreamThreadWatch.DEFAULT_NOT_READY_AFTER, ChronoUnit.SECONDS,
                        StreamThreadWatch.MAX_NOT_READY_AFTER),
                env.duration(LivenessExit.SETTING, LivenessExit.DEFAULT_AFTER, ChronoUnit.SECONDS, Duration.ofHours(1)),
                env.longValue("CCU_STREAMS_CACHE_MB", 16, 0, 65_536) * 1024 * 1024,
                env.longValue("CCU_ROCKSDB_MEMORY_MB", 256, 16, 1_048_576) * 1024 * 1024,
                pipeline,
                new PlaybackRules(env.duration("CCU_PLAYBACK_STREAM_SECONDS", PlaybackRules.DEFAULT_STREAM_THRESHOLD,
                        ChronoUnit.SECONDS, Duration.ofHours(1))),
                new CdnRules(env.duration("CCU_CDN_REDELIVERY_DAYS", CdnRules.DEFAULT_REDELIVERY, ChronoUnit.DAYS, Duration.ofDays(366)),
                        env.duration("CCU_CDN_LATE_DAYS", CdnRules.DEFAULT_LATE_HOLD, ChronoUnit.DAYS, Duration.ofDays(366)),
                        pipeline.rules().maxFutureSkew(), catalogue(env)),
                new AudioSettings(new AudioRules(
                        env.longValue("CCU_AUDIO_MIN_BYTES", AudioRules.DEFAULT_MIN_BYTES, 0, 1_000_000_000),
                        env.duration("CCU_AUDIO_STREAM_SECONDS", AudioRules.DEFAULT_STREAM_THRESHOLD, ChronoUnit.SECONDS,
                                Duration.ofHours(1)),
                        Duration.ofHours(env.longValue("CCU_AUDIO_OPEN_HOURS", AudioRules.DEFAULT_OPEN_WINDOW.toHours(), 1, 24 * 366))),
                        Duration.ofDays(env.longValue("CCU_AUDIO_STATE_DAYS", AudioSettings.DEFAULT_STATE_RETENTION.toDays(),
                                AudioSettings.MIN_STATE_RETENTION.toDays(), 366)),
                        env.integer("CCU_AUDIO_REQUESTS_IN_MEMORY", AudioSettings.DEFAULT_REQUESTS_IN_MEMORY, 0, 100_000_000)));
    }

    private static Duration sessionTimeout(Env env) {
        Duration timeout = env.duration("CCU_AGGREGATOR_SESSION_TIMEOUT_MS", Duration.ofSeconds(45), ChronoUnit.MILLIS,
                Duration.ofMinutes(30));
        if (timeout.compareTo(Duration.ofSeconds(6)) < 0) {
            env.error("CCU_AGGREGATOR_SESSION_TIMEOUT_MS=" + timeout.toMillis()
                    + ": Kafka brokers refuse a session timeout under 6000 ms (group.min.session.timeout.ms)");
        }
        return timeout;
    }

    private static ContentCatalogue catalogue(Env env) {
        Optional<String> file = env.optional("CCU_CONTENT_CATALOGUE");
        if (file.isEmpty()) {
            return ContentCatalogue.EMPTY;
        }
        try {
            return ContentCatalogue.load(Path.of(file.get()));
        } catch (ContentCatalogue.InvalidCatalogueException e) {
            env.error("CCU_CONTENT_CATALOGUE=" + file.get() + ": " + e.getMessage());
            return ContentCatalogue.EMPTY;
        }
    }
}
