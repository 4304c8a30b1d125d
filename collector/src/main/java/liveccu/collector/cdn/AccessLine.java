package liveccu.collector.cdn;

/**
 * What one log line says about its request, whatever its format, before it gets its identity and
 * the client IP its keyed hash ({@link LogBatchParser}). Text is as the line gave it, absent values null.
 *
 * @param clientIp the client's address, an IP literal; goes no further than the hasher
 */
record AccessLine(long timeMs, String clientIp, String method, String host, String path, int status, long bytes,
                  ByteRange range, String userAgent, String referrer, String pop, String cacheStatus, Long durationMs) {
}
