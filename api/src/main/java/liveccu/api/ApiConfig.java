package liveccu.api;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import liveccu.ops.config.Env;
import liveccu.ops.config.PipelineSettings;

/**
 * The query API's settings, from environment variables (defaults in brackets):
 *
 * <ul>
 *   <li>{@code CCU_API_PORT} [8081] — queries, health and metrics</li>
 *   <li>{@code CCU_API_KEY} [unset] — the key clients send as header x-api-key; unset leaves the API open</li>
 *   <li>{@code CCU_API_HISTORY_DAYS} [366] — how far back this instance keeps (on disk) and serves minutes</li>
 *   <li>{@code CCU_API_STATE_DIR} [data/api] — this instance's own copy of the results on disk (rebuilt from
 *       Kafka when lost; two instances never share one)</li>
 *   <li>{@code CCU_API_MAX_RANGE_HOURS} [168] — the longest range one query may ask for</li>
 *   <li>{@code CCU_API_MAX_DAY_RANGE_DAYS} [31] — the longest range of daily peaks ({@code /ccu…&interval=day}):
 *       a month's report, about 45,000 minutes read per query</li>
 *   <li>{@code CCU_API_PLAYBACK_HISTORY_DAYS} [35] — how far back this instance keeps (in memory) and serves
 *       playback counts; also the longest range of one {@code /playback} query (a year of months needs 366)</li>
 *   <li>{@code CCU_API_CDN_HISTORY_DAYS} [35] — how far back this instance keeps (in memory) and serves CDN
 *       hours; also the longest range of one {@code /cdn} query (minutes are kept for the last 25 hours)</li>
 *   <li>{@code CCU_API_RECENT_JOBS_HOURS} [24] — how recently a job must have had viewers to be listed</li>
 *   <li>plus the shared {@link PipelineSettings} (KAFKA_BOOTSTRAP_SERVERS, …), among them
 *       {@code CCU_VIEWER_DATA_RETENTION_HOURS} [48]: how far back viewer sessions are kept for viewer reports</li>
 * </ul>
 */
public record ApiConfig(
        int port,
        Optional<String> apiKey,
        Duration history,
        Path stateDir,
        Duration maxRange,
        Duration maxDayRange,
        Duration recentJobs,
        PipelineSettings pipeline,
        Duration playbackHistory,
        Duration cdnHistory) {

    /** Replaced by {@link PipelineSettings#VIEWER_DATA_RETENTION}, which is the topic's retention too. */
    private static final String REPLACED_VIEWER_REPORT_HOURS = "CCU_API_VIEWER_REPORT_HOURS";

    public static ApiConfig read(Env env, String defaultBootstrap) {
        // Refused rather than ignored: an operator who shortened the report window would otherwise get
        // the longer default without noticing, for personal data.
        if (env.optional(REPLACED_VIEWER_REPORT_HOURS).isPresent()) {
            env.error(REPLACED_VIEWER_REPORT_HOURS + " is replaced by " + PipelineSettings.VIEWER_DATA_RETENTION
                    + " (the viewer-sessions topic's retention too): set that instead, on every service");
        }
        return new ApiConfig(
                env.integer("CCU_API_PORT", 8081, 0, 65535),
                env.optional("CCU_API_KEY"),
                env.duration("CCU_API_HISTORY_DAYS", Duration.ofDays(366), ChronoUnit.DAYS, Duration.ofDays(3650)),
                Path.of(env.string("CCU_API_STATE_DIR", "data/api")),
                env.duration("CCU_API_MAX_RANGE_HOURS", Duration.ofDays(7), ChronoUnit.HOURS, Duration.ofDays(3650)),
                env.duration("CCU_API_MAX_DAY_RANGE_DAYS", Duration.ofDays(31), ChronoUnit.DAYS, Duration.ofDays(3650)),
                env.duration("CCU_API_RECENT_JOBS_HOURS", Duration.ofHours(24), ChronoUnit.HOURS, Duration.ofDays(3650)),
                PipelineSettings.read(env, defaultBootstrap),
                env.duration("CCU_API_PLAYBACK_HISTORY_DAYS", Duration.ofDays(35), ChronoUnit.DAYS, Duration.ofDays(3650)),
                env.duration("CCU_API_CDN_HISTORY_DAYS", Duration.ofDays(35), ChronoUnit.DAYS, Duration.ofDays(3650)));
    }

    /** How far back viewer sessions are kept for viewer reports: as long as the topic keeps them. */
    public Duration viewerReportHistory() {
        return pipeline.topics().viewerDataRetention();
    }

    /** Never print the key. */
    @Override
    public String toString() {
        return "ApiConfig[port=" + port + ", apiKey=" + (apiKey.isPresent() ? "<set>" : "<unset>")
                + ", history=" + history + ", stateDir=" + stateDir + ", maxRange=" + maxRange + ", maxDayRange=" + maxDayRange + ", recentJobs=" + recentJobs
                + ", pipeline=" + pipeline + ", playbackHistory=" + playbackHistory
                + ", cdnHistory=" + cdnHistory + "]";
    }
}
