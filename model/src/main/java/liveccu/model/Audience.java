package liveccu.model;

import java.util.List;

/**
 * Whose viewers a CCU figure counts: a job's, an account's, a tracking id's within its account (all
 * jobs), or one tracking id's within one job of its account (the dashboard's breakdown). Every count
 * is the same definition: distinct sessions per side and UTC minute of beacon time.
 *
 * <p>Every audience is scoped by account: a job's viewers are the beacons of one account naming it
 * (another account's beacons naming the same job id, which anyone can read from a player's beacon
 * URLs, are another audience and never inflate or reveal this one), and two accounts that both use
 * tracking id {@code gold} are two audiences. Results written before that (a job's bare id, keys
 * {@code tracking:T} and {@code job-tracking:J:T}) still parse, as <em>unscoped</em> audiences
 * (account null): they are read, never counted any more, and age out with the results' retention.
 *
 * <p>An audience travels as its key, on the results topic and in the aggregator's state: a kind
 * prefix and the ids (an unscoped job: its bare id). Job ids are 32 hex digits, so the prefixes never
 * collide with them; account ids never contain ':'. Tracking ids are free text (up to 128
 * characters) and may contain any separator: they come last in a key, which is parsed by its prefix
 * and the fixed parts before the tracking id, never split on ':'.
 *
 * @param kind      what is counted
 * @param id        the job id, account id or tracking id
 * @param jobId     the job, for {@link Kind#JOB} and {@link Kind#TRACKING_IN_JOB}; else null
 * @param accountId the account; null only for unscoped audiences written before audiences were scoped
 */
public record Audience(Kind kind, String id, String jobId, String accountId) {

    public enum Kind { JOB, ACCOUNT, TRACKING, TRACKING_IN_JOB }

    private static final String ACCOUNT = "account:";
    private static final String JOB = "account-job:";
    private static final String TRACKING = "account-tracking:";
    private static final String TRACKING_IN_JOB = "account-job-tracking:";
    private static final String UNSCOPED_TRACKING = "tracking:";
    private static final String UNSCOPED_TRACKING_IN_JOB = "job-tracking:";
    private static final int JOB_ID_LENGTH = 32;

    /** A job of an account: another account's beacons naming the same job id are another audience. */
    public static Audience job(String accountId, String jobId) {
        return new Audience(Kind.JOB, jobId, jobId, accountId);
    }

    /** A job as counted before jobs were scoped by account: every account's beacons naming it together. */
    public static Audience unscopedJob(String jobId) {
        return new Audience(Kind.JOB, jobId, jobId, null);
    }

    public static Audience account(String accountId) {
        return new Audience(Kind.ACCOUNT, accountId, null, accountId);
    }

    /** A tracking id over all jobs of its account. */
    public static Audience tracking(String accountId, String trackingId) {
        return new Audience(Kind.TRACKING, trackingId, null, accountId);
    }

    /** A tracking id within one job of its account. */
    public static Audience trackingInJob(String accountId, String jobId, String trackingId) {
        return new Audience(Kind.TRACKING_IN_JOB, trackingId, jobId, accountId);
    }

    /** A tracking id over all jobs of every account, as counted before tracking ids were scoped by account. */
    public static Audience unscopedTracking(String trackingId) {
        return new Audience(Kind.TRACKING, trackingId, null, null);
    }

    /** A tracking id within one job, as counted before tracking ids were scoped by account. */
    public static Audience unscopedTrackingInJob(String jobId, String trackingId) {
        return new Audience(Kind.TRACKING_IN_JOB, trackingId, jobId, null);
    }

    /**
     * Every audience one beacon counts in, as keys: its job and account, and if it has a tracking id,
     * that tracking id in the account, over all jobs and within the job.
     */
    public static List<String> keysOf(Beacon beacon) {
        String trackingId = beacon.viewer() == null ? null : beacon.viewer().trackingId();
        if (trackingId == null) {
            return List.of(job(beacon.accountId(), beacon.jobId()).key(), account(beacon.accountId()).key());
        }
        return List.of(job(beacon.accountId(), beacon.jobId()).key(), account(beacon.accountId()).key(),
                tracking(beacon.accountId(), trackingId).key(), trackingInJob(beacon.accountId(), beacon.jobId(), trackingId).key());
    }

    /** Whether this is a job or tracking audience written before they were scoped by account. */
    public boolean unscoped() {
        return kind != Kind.ACCOUNT && accountId == null;
    }

    public String key() {
        return switch (kind) {
            case JOB -> accountId == null ? id : JOB + accountId + ":" + id;
            case ACCOUNT -> ACCOUNT + id;
            case TRACKING -> accountId == null ? UNSCOPED_TRACKING + id : TRACKING + accountId + ":" + id;
            case TRACKING_IN_JOB -> accountId == null
                    ? UNSCOPED_TRACKING_IN_JOB + jobId + ":" + id
                    : TRACKING_IN_JOB + accountId + ":" + jobId + ":" + id;
        };
    }

    public static Audience fromKey(String key) {
        if (key.startsWith(ACCOUNT)) {
            return account(key.substring(ACCOUNT.length()));
        }
        if (key.startsWith(JOB)) {
            String rest = key.substring(JOB.length());
            int end = rest.indexOf(':');
            return job(rest.substring(0, end), rest.substring(end + 1));
        }
        if (key.startsWith(TRACKING)) {
            String rest = key.substring(TRACKING.length());
            int end = rest.indexOf(':');
            return tracking(rest.substring(0, end), rest.substring(end + 1));
        }
        if (key.startsWith(TRACKING_IN_JOB)) {
            String rest = key.substring(TRACKING_IN_JOB.length());
            int end = rest.indexOf(':');
            String jobAndTracking = rest.substring(end + 1);
            return trackingInJob(rest.substring(0, end), jobAndTracking.substring(0, JOB_ID_LENGTH),
                    jobAndTracking.substring(JOB_ID_LENGTH + 1));
        }
        if (key.startsWith(UNSCOPED_TRACKING)) {
            return unscopedTracking(key.substring(UNSCOPED_TRACKING.length()));
        }
        if (key.startsWith(UNSCOPED_TRACKING_IN_JOB)) {
            String rest = key.substring(UNSCOPED_TRACKING_IN_JOB.length());
            return unscopedTrackingInJob(rest.substring(0, JOB_ID_LENGTH), rest.substring(JOB_ID_LENGTH + 1));
        }
        return unscopedJob(key);
    }
}
