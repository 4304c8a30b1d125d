package liveccu.collector.ccu;

import liveccu.model.Beacon;
import liveccu.model.RejectReason;

/** What parsing a beacon request gives: an accepted beacon, or a rejection with its reason. */
public sealed interface ParseResult permits ParseResult.Accepted, ParseResult.Rejected {

    record Accepted(Beacon beacon) implements ParseResult {
    }

    /** @param message a short explanation for the sender, safe to echo back (no secrets) */
    record Rejected(RejectReason reason, String message) implements ParseResult {

        public int httpStatus() {
            return reason.httpStatus();
        }
    }
}
