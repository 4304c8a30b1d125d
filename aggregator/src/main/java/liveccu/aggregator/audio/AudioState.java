package liveccu.aggregator.audio;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.List;
import liveccu.model.CdnRequest;

/**
 * What the aggregator keeps of one device's requests for one content: the requests that can still change
 * its counts — those no older than {@link #settledBeforeMs}, which trails the newest by the open window —
 * and, of the settled past, only what later requests still need: the last window of each rule that started
 * before it, with what its settled requests sent. Only {@code GET}s answered 200 or 206 are kept: nothing
 * else counts in either rule. A bot's requests are never kept (its agent, part of the device, never changes).
 *
 * @param device          {@link liveccu.model.PlaybackRules#device} of the user agent and IP hash
 * @param app             the property, from the user agent ({@link AudioApps})
 * @param content         the content, as the catalogue gave it with the newest request applied
 * @param newestMs        the newest request time seen
 * @param settledBeforeMs requests before this are settled: their counts are final, later copies refused
 * @param window          the last start or download window anchored before {@code settledBeforeMs}, or null
 * @param iabWindow       the last IAB window anchored before {@code settledBeforeMs}, or null
 * @param fetches         open requests, in {@link AudioLedger#ORDER}
 */
record AudioState(
        String accountId,
        String device,
        String app,
        AudioContent content,
        long newestMs,
        long settledBeforeMs,
        Window window,
        IabWindow iabWindow,
        List<Fetch> fetches) {

    static AudioState empty(String accountId, String device, String app, AudioContent content) {
        return new AudioState(accountId, device, app, content, Long.MIN_VALUE, Long.MIN_VALUE, null, null, List.of());
    }

    Summary summary() {
        return new Summary(accountId, device, app, content, newestMs, settledBeforeMs, window, iabWindow);
    }

    /**
     * All of a state but its fetches: what the tracker keeps under the state's key. The fetches are kept one
     * an entry beside it ({@link AudioFetchKeys}), so that a request writes its own fetch, not all of them.
     */
    record Summary(
            String accountId,
            String device,
            String app,
            AudioContent content,
            long newestMs,
            long settledBeforeMs,
            Window window,
            IabWindow iabWindow) {

        /** @param fetches in {@link AudioLedger#ORDER} */
        AudioState with(List<Fetch> fetches) {
            return new AudioState(accountId, device, app, content, newestMs, settledBeforeMs, window, iabWindow, fetches);
        }

        /**
         * Whether the two differ at most in their newest time and settled bound: what a request that settles
         * nothing changes, and what the open fetches tell anyway (the tracker writes a summary only when more
         * changed).
         */
        boolean sameSettledPart(Summary other) {
            return accountId.equals(other.accountId) && device.equals(other.device) && java.util.Objects.equals(app, other.app)
                    && java.util.Objects.equals(content, other.content) && java.util.Objects.equals(window, other.window)
                    && java.util.Objects.equals(iabWindow, other.iabWindow);
        }
    }

    /**
     * A kept request. Its identity — what a line delivered twice repeats, while two real requests of one
     * device differ at least in one — is all of it: time, status, bytes, range and path (the method is
     * always {@code GET}).
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    record Fetch(long t, int status, long bytes, Long rangeStart, Long rangeEnd, String path) {

        static Fetch of(CdnRequest request) {
            return new Fetch(request.timeMs(), request.status(), request.bytes(), request.rangeStart(), request.rangeEnd(),
                    request.path());
        }
    }

    /**
     * A settled start or download window.
     *
     * @param anchorMs     its earliest request's time
     * @param start        a start (else a download)
     * @param settledBytes what its settled requests sent (with the open ones: whether it is a stream)
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    record Window(long anchorMs, boolean start, long settledBytes) {
    }

    /**
     * A settled IAB window.
     *
     * @param anchorMs its earliest request's time
     * @param ranges   the union of its settled requests' byte ranges, disjoint, in file order
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    record IabWindow(long anchorMs, List<Range> ranges) {
    }

    /** Bytes {@code first} to {@code last} of the file, inclusive. */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    record Range(long first, long last) {
    }
}
