package liveccu.model;

/** Why a beacon was not counted. The code is what metrics and the rejected topic carry. */
public enum RejectReason {
    BAD_GUID("bad-guid", 400),
    BAD_JOB_ID("bad-jobid", 400),
    BAD_SESSION_ID("bad-sessionid", 400),
    BAD_ACCOUNT_ID("bad-accountid", 400),
    BAD_TIME("bad-time", 400),
    TIME_OUT_OF_RANGE("time-out-of-range", 400),
    IN_FUTURE("in-future", 400),
    BAD_KEY("bad-key", 401),
    /**
     * The client (its address) sent more than its rate limit allows; answered with Retry-After and
     * counted in its own meter. Only some are recorded on the rejected topic (sampled per client).
     */
    RATE_LIMITED("rate-limited", 429),
    /** The account requires a viewer token and the beacon carried none. */
    TOKEN_MISSING("token-missing", 401),
    /** Not a JWT, too large, or claims of the wrong type or size. */
    TOKEN_MALFORMED("token-malformed", 400),
    /** Unsigned (alg none), an algorithm without a registered key, a bad signature, or no exp. */
    TOKEN_INVALID("token-invalid", 401),
    /** A genuine token outside its dates (only refused where tokens are required). */
    TOKEN_EXPIRED("token-expired", 401),
    /** A verified token minted for another account than the beacon's. */
    TOKEN_WRONG_ACCOUNT("token-wrong-account", 403),
    /** Unsigned tracking values too long. */
    BAD_VIEWER_DATA("bad-viewer-data", 400),
    /** Playback intake: an event of a batch that is not a valid player event (the rest of the batch is kept). */
    BAD_EVENT("bad-event", 400),
    /** Playback intake: a CMCD report line that is not a valid structured-field dictionary or lacks {@code sid}. */
    BAD_CMCD_REPORT("bad-cmcd-report", 400),
    /** Playback intake: a body that cannot be read at all (bad gzip, not JSON, no event in it). */
    BAD_BODY("bad-body", 400),
    /** Playback intake: a body over the limit, compressed or decompressed. */
    BODY_TOO_LARGE("body-too-large", 413),
    /** Playback intake: more events in one batch than allowed. */
    TOO_MANY_EVENTS("too-many-events", 413),
    /** Playback intake: a content type or encoding the route does not take. */
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415),
    /** CMCD intake: a report target that will never be accepted (malformed or disabled); the player stops sending to it. */
    TARGET_GONE("target-gone", 410),
    /** CDN log intake: no log source of that name is configured. */
    UNKNOWN_LOG_SOURCE("unknown-log-source", 404),
    /** CDN log intake: an {@code X-CCU-Log-Batch} header that is not a batch id, or a bad {@code X-CCU-Log-First-Line}. */
    BAD_LOG_BATCH("bad-log-batch", 400),
    /** CDN log intake: more lines in one batch than allowed. */
    TOO_MANY_LOG_LINES("too-many-log-lines", 413),
    /** CDN log intake: a line of a batch that is not a request of the source's format (the rest of the batch is kept). */
    BAD_LOG_LINE("bad-log-line", 400),
    /** Decided by the aggregator: received after its minute's grace period had passed. */
    TOO_LATE("too-late", 0);

    private final String code;
    private final int httpStatus;

    RejectReason(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    /** The status the collector answers with; 0 for reasons only the aggregator decides. */
    public int httpStatus() {
        return httpStatus;
    }
}
