package liveccu.simulator.truth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import liveccu.simulator.truth.GroundTruth.Counts;

/** The ground truth next to what the API answered, minute by minute. */
public record Comparison(int minutesChecked, int minutesExact, long worstDifference, List<Mismatch> mismatches) {

    /** A minute where the API and the ground truth disagree. */
    public record Mismatch(String jobId, long minuteStartMs, Counts expected, Counts actual) {
    }

    public boolean exact() {
        return mismatches.isEmpty();
    }

    /** Compares every minute either side knows of, for each job. */
    public static Comparison of(Map<String, TreeMap<Long, Counts>> expectedByJob, Map<String, TreeMap<Long, Counts>> actualByJob) {
        int checked = 0;
        int exact = 0;
        long worst = 0;
        List<Mismatch> mismatches = new ArrayList<>();
        Counts none = new Counts(0, 0);
        for (var job : expectedByJob.entrySet()) {
            TreeMap<Long, Counts> actual = actualByJob.getOrDefault(job.getKey(), new TreeMap<>());
            TreeSet<Long> minutes = new TreeSet<>(job.getValue().keySet());
            minutes.addAll(actual.keySet());
            for (long minute : minutes) {
                Counts want = job.getValue().getOrDefault(minute, none);
                Counts got = actual.getOrDefault(minute, none);
                checked++;
                long difference = Math.max(Math.abs(want.ssccu() - got.ssccu()), Math.abs(want.csccu() - got.csccu()));
                worst = Math.max(worst, difference);
                if (difference == 0) {
                    exact++;
                } else {
                    mismatches.add(new Mismatch(job.getKey(), minute, want, got));
                }
            }
        }
        return new Comparison(checked, exact, worst, mismatches);
    }
}
