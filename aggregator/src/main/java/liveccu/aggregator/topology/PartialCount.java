package liveccu.aggregator.topology;

/** A partial on its way from the partition that counted it to the task that sums the job's minute. */
record PartialCount(String jobId, long minuteStartMs, int sourcePartition, Partial partial) {
}
