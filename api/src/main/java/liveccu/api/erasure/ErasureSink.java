package liveccu.api.erasure;

import java.util.List;
import java.util.concurrent.CompletionStage;
import liveccu.model.ViewerErasure;

/** Where erasures go: the erasures topic, or a list in route tests. */
public interface ErasureSink {

    /**
     * Completes when every one of the erasures is acknowledged (written, durably); fails otherwise.
     * May block briefly (for topic metadata): call it off the event loop.
     */
    CompletionStage<Void> publish(List<ViewerErasure> erasures);
}
