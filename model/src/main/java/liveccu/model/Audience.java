package liveccu.model;

import java.util.List;

/**
 * Whose viewers a CCU figure counts: a job's, an account's, a tracking id's (all jobs), or one
 * tracking id's within one job (the dashboard's breakdown). Every count is the same definition:
 * distinct sessions per side and UTC minute of beacon time.
 *
 * <p>An audience travels as its key, on the results topic and in the aggregator's state: a job is
 * its bare id (as before tracking existed), the others a kind prefix and the id. Job ids are
 * 32 hex digits, so the prefixes never collide with them. Tracking ids are free text (up to 128
 * characters) and may contain any separator: a key is parsed by its prefix, never split on ':'.
 *
 * @param kind       what is counted
 * @param id         the job id, account id or tracking id
 * @param jobId      the job, for {@link Kind#JOB} and {@link Kind#TRACKING_IN_JOB}; else null
 */
public record Audience(Kind kind, String id, String jobId) {

    public enum Kind { JOB, ACCOUNT, TRACKING, TRACKING_IN_JOB }

    private static final String ACCOUNT = "account:";
    private static final String TRACKING = "tracking:";
    private static final String TRACKING_IN_JOB = "job-tracking:";
    private static final int JOB_ID_LENGTH = 32;

    public static Audience job(String jobId) {
        return new Audience(Kind.JOB, jobId, jobId);
    }

    public static Audience account(String accountId) {
        return new Audience(Kind.ACCOUNT, accountId, null);
    }

    public static Audience tracking(String trackingId) {
        return new Audience(Kind.TRACKING, trackingId, null);
    }

    public static Audience trackingInJob(String jobId, String trackingId) {
        return new Audience(Kind.TRACKING_IN_JOB, trackingId, jobId);
    }

    /** Every audience one beacon counts in, as keys: its job and account, and its tracking id if it has one. */
    public static List<String> keysOf(Beacon beacon) {
        String trackingId = beacon.viewer() == null ? null : beacon.viewer().trackingId();
        if (trackingId == null) {
            return List.of(job(beacon.jobId()).key(), account(beacon.accountId()).key());
        }
        return List.of(job(beacon.jobId()).key(), account(beacon.accountId()).key(), tracking(trackingId).key(),
                trackingInJob(beacon.jobId(), trackingId).key());
    }

    public String key() {
        return switch (kind) {
            case JOB -> id;
            case ACCOUNT -> ACCOUNT + id;
            case TRACKING -> TRACKING + id;
            case TRACKING_IN_JOB -> TRACKING_IN_JOB + jobId + ":" + id;
        };
    }

    public static Audience fromKey(String key) {
        if (key.startsWith(ACCOUNT)) {
            return account(key.substring(ACCOUNT.length()));
        }
        if (key.startsWith(TRACKING)) {
            return tracking(key.substring(TRACKING.length()));
        }
        if (key.startsWith(TRACKING_IN_JOB)) {
            String rest = key.substring(TRACKING_IN_JOB.length());
            return trackingInJob(rest.substring(0, JOB_ID_LENGTH), rest.substring(JOB_ID_LENGTH + 1));
        }
        return job(key);
    }
}
