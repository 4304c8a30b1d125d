package liveccu.collector.intake;

import java.util.List;
import liveccu.model.Beacon;
import liveccu.model.PlayerEvent;
import liveccu.model.RejectReason;

/**
 * What parsing a batch (player events or CMCD reports) gives: the accepted records with the lines that
 * were not, or the refusal of the whole body. One bad line never costs the others.
 */
public sealed interface BatchParse permits BatchParse.Batch, BatchParse.Refused {

    /**
     * @param events     accepted events, in the order sent
     * @param heartbeats client-side heartbeats the events also count as (CMCD reports while playing)
     * @param rejected   the lines (0-based index in the batch) that were not accepted, with the reason
     */
    record Batch(List<PlayerEvent> events, List<Beacon> heartbeats, List<LineRejection> rejected) implements BatchParse {
        public Batch {
            events = List.copyOf(events);
            heartbeats = List.copyOf(heartbeats);
            rejected = List.copyOf(rejected);
        }
    }

    /** The whole body is refused: nothing in it is published. */
    record Refused(RejectReason reason, String message) implements BatchParse {
    }

    /** One line (or array element) of a batch that was not accepted; the message is safe to echo. */
    record LineRejection(int index, RejectReason reason, String message) {
    }

    /** What one line gives. */
    sealed interface Line permits Accepted, Rejected {
    }

    /** @param heartbeat the client-side heartbeat it also counts as, or null */
    record Accepted(PlayerEvent event, Beacon heartbeat) implements Line {
    }

    record Rejected(RejectReason reason, String message) implements Line {
    }

    /** Gathers line results into a batch. */
    static Batch of(List<? extends Line> lines) {
        var events = new java.util.ArrayList<PlayerEvent>();
        var heartbeats = new java.util.ArrayList<Beacon>();
        var rejected = new java.util.ArrayList<LineRejection>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            if (line instanceof Accepted accepted) {
                events.add(accepted.event());
                if (accepted.heartbeat() != null) {
                    heartbeats.add(accepted.heartbeat());
                }
            } else {
                Rejected r = (Rejected) line;
                rejected.add(new LineRejection(i, r.reason(), r.message()));
            }
        }
        return new Batch(events, heartbeats, rejected);
    }
}
