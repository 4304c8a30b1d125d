package liveccu.api.ccu;

import java.util.List;
import liveccu.access.Caller;
import liveccu.ops.http.HttpFailure;

/**
 * Which of a key's accounts have a job: the one rule for every route asked about a job without its
 * account ({@code /ccu}, {@code /viewers}). Another account's job is answered as a job nobody sent
 * (404, the same body), so a key learns nothing of the jobs of accounts it does not read.
 */
public final class JobAccounts {

    private final MinuteCountsView counts;

    public JobAccounts(MinuteCountsView counts) {
        this.counts = counts;
    }

    /**
     * The key's accounts whose beacons named the job, sorted; empty only for a key that reads every
     * account (a job nobody sent, or counted before jobs were scoped). Blocking.
     *
     * @throws HttpFailure 404 when none of the key's accounts has the job
     */
    public List<String> of(String jobId, Caller caller) {
        List<String> accounts = counts.accountsOfJob(jobId).stream().filter(caller::mayRead).sorted().toList();
        if (accounts.isEmpty() && !caller.allAccounts()) {
            throw new HttpFailure(404, "no job " + jobId + " in the accounts this key reads (" + caller.describeAccounts() + ")");
        }
        return accounts;
    }
}
