package liveccu.aggregator.topology;

/** A partial on its way from the partition that counted it to the task that sums the audience's minute. */
record PartialCount(String audience, long minuteStartMs, int sourcePartition, Partial partial) {
}
