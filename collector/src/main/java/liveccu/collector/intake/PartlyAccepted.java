package liveccu.collector.intake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The {@code 200} of a batch some of whose lines were rejected (the rest kept): {@code {"accepted": n,
 * "rejected_count": m, "rejected": [the first 20: {index, reason, message}]}}. One shape for every intake
 * that takes batches (player events, CDN logs); every rejection is counted and recorded elsewhere.
 */
public final class PartlyAccepted {

    /** Rejected lines listed in the answer at most. */
    static final int LISTED_REJECTIONS = 20;

    private PartlyAccepted() {
    }

    public static void send(RoutingContext ctx, int accepted, List<BatchParse.LineRejection> rejected) {
        JsonArray listed = new JsonArray();
        rejected.stream().limit(LISTED_REJECTIONS).forEach(line -> listed.add(new JsonObject()
                .put("index", line.index()).put("reason", line.reason().code()).put("message", line.message())));
        ctx.response().setStatusCode(200).putHeader("content-type", "application/json")
                .end(new JsonObject().put("accepted", accepted).put("rejected_count", rejected.size()).put("rejected", listed).encode());
    }
}
