package liveccu.model;

import org.apache.kafka.common.serialization.Serdes;

/** The topics that connect the services, each with its serdes: the contract between them. */
public final class Topics {

    /** Accepted beacons, keyed by session (see {@link Beacon#partitionKey()}). Short retention. */
    public static final Topic<String, Beacon> BEACONS =
            new Topic<>("ccu.beacons", Serdes.String(), new JsonSerde<>(Beacon.class));

    /** Beacons thrown away by the collector or the aggregator, with the reason. */
    public static final Topic<String, RejectedBeacon> REJECTED =
            new Topic<>("ccu.beacons.rejected", Serdes.String(), new JsonSerde<>(RejectedBeacon.class));

    /**
     * Playback events from players and CMCD v2 reports, keyed by playback id (see
     * {@link PlayerEvent#partitionKey()}), so one playback's events meet on one partition.
     * Kept as long as raw beacons.
     */
    public static final Topic<String, PlayerEvent> PLAYER_EVENTS =
            new Topic<>("ccu.player-events", Serdes.String(), new JsonSerde<>(PlayerEvent.class));

    /** Per audience (job, account, tracking id) and minute counts, keyed by {@link MinuteCount#key()}; compacted, long retention. */
    public static final Topic<String, MinuteCount> MINUTE_COUNTS =
            new Topic<>("ccu.minute-counts", Serdes.String(), new JsonSerde<>(MinuteCount.class));

    /**
     * Playback metrics per account, content (with its dimensions) and UTC hour, keyed by
     * {@link PlaybackCount#key()}; compacted (the newest record of a key is the hour's totals), long retention.
     */
    public static final Topic<String, PlaybackCount> PLAYBACK_COUNTS =
            new Topic<>("ccu.playback-counts", Serdes.String(), new JsonSerde<>(PlaybackCount.class));

    /**
     * Retention of on-demand content: per account, content, UTC day and position bucket, how many playbacks
     * watched it ({@link RetentionCount}), keyed by {@link RetentionCount#key()}; compacted like the counts.
     */
    public static final Topic<String, RetentionCount> PLAYBACK_RETENTION =
            new Topic<>("ccu.playback-retention", Serdes.String(), new JsonSerde<>(RetentionCount.class));

    /**
     * One record per viewer session, keyed by session id, for viewer reports; a tombstone when erased.
     * Compacted, kept as long as viewer data (personal data: not the counts' long retention).
     */
    public static final Topic<String, ViewerSession> VIEWER_SESSIONS =
            new Topic<>("ccu.viewer-sessions", Serdes.String(), new JsonSerde<>(ViewerSession.class));

    /**
     * Per-account API keys, keyed by key id; a revoked key is a tombstone. Compacted and never
     * deleted by time: every API and sessions instance reads all of it at start and follows it.
     */
    public static final Topic<String, ApiKey> API_KEYS =
            new Topic<>("ccu.api-keys", Serdes.String(), new JsonSerde<>(ApiKey.class));

    /** Each use of a key on a route that serves personal data, keyed by key id. Kept as long as results. */
    public static final Topic<String, AuditEntry> AUDIT =
            new Topic<>("ccu.audit", Serdes.String(), new JsonSerde<>(AuditEntry.class));

    /**
     * Operators' erasures of viewer sessions, keyed by session like {@link #BEACONS} and with as many
     * partitions, so each reaches the aggregator task holding its session; kept as long as viewer data.
     */
    public static final Topic<String, ViewerErasure> VIEWER_ERASURES =
            new Topic<>("ccu.viewer-erasures", Serdes.String(), new JsonSerde<>(ViewerErasure.class));

    /**
     * CDN access-log requests, normalised ({@link CdnRequest}), keyed by batch id and block of lines
     * ({@link CdnRequest#partitionKey()}) so that a block's lines meet on one partition (where a redelivered
     * line is recognised). Compact ({@link CdnRequestSerde}: a record per line; JSON still reads). Kept as long as
     * raw beacons.
     */
    public static final Topic<String, CdnRequest> CDN_REQUESTS =
            new Topic<>("ccu.cdn-requests", Serdes.String(), new CdnRequestSerde());

    /**
     * CDN figures per account, zone, host, PoP, content and UTC minute ({@link CdnTraffic}), keyed by
     * {@link CdnTraffic#key()}; compacted, and deleted after a few days (minutes serve the last day).
     */
    public static final Topic<String, CdnTraffic> CDN_MINUTES =
            new Topic<>("ccu.cdn-minutes", Serdes.String(), new JsonSerde<>(CdnTraffic.class));

    /** The same per UTC hour; compacted, long retention like the other results. */
    public static final Topic<String, CdnTraffic> CDN_HOURS =
            new Topic<>("ccu.cdn-hours", Serdes.String(), new JsonSerde<>(CdnTraffic.class));

    /**
     * Quality of experience per account, content, stream type and UTC minute ({@link QoeCount}, the live view's
     * few dimensions), keyed by {@link QoeCount#key()}; compacted, and deleted after a few days like the CDN minutes.
     */
    public static final Topic<String, QoeCount> QOE_MINUTES =
            new Topic<>("ccu.qoe-minutes", Serdes.String(), new JsonSerde<>(QoeCount.class));

    /**
     * Quality of experience per account, UTC hour and every QoE dimension ({@link QoeDimensions}), keyed by
     * {@link QoeCount#key()}; compacted, long retention like the playback counts.
     */
    public static final Topic<String, QoeCount> QOE_HOURS =
            new Topic<>("ccu.qoe-hours", Serdes.String(), new JsonSerde<>(QoeCount.class));

    /** Records the aggregator could not even decode, as they were, for inspection. */
    public static final String DEAD_LETTERS = "ccu.aggregator.dead-letters";

    private Topics() {
    }
}
