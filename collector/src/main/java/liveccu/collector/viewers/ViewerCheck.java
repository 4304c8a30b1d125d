package liveccu.collector.viewers;

import liveccu.model.RejectReason;
import liveccu.model.Viewer;

/** What the viewer check of one beacon gives: the viewer (possibly none), or a refusal. */
public sealed interface ViewerCheck permits ViewerCheck.Identified, ViewerCheck.Refused {

    /** @param viewer null when the beacon said nothing usable about its viewer */
    record Identified(Viewer viewer) implements ViewerCheck {
    }

    /** @param message short, safe to send back and to log: never the token */
    record Refused(RejectReason reason, String message) implements ViewerCheck {
    }
}
