package liveccu.aggregator.ccu;

/** A partial on its way from the partition that counted it to the task that sums the audience's minute. */
record PartialCount(String audience, long minuteStartMs, int sourcePartition, Partial partial) {
}
