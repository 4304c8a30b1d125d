package liveccu.collector.cdn;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import liveccu.collector.intake.BatchParse.LineRejection;
import liveccu.collector.intake.BodyReader;
import liveccu.collector.intake.BoundedBody;
import liveccu.collector.intake.IntakeRoutes;
import liveccu.collector.intake.IpHasher;
import liveccu.collector.intake.PartlyAccepted;
import liveccu.collector.publish.IntakePublisher;
import liveccu.collector.publish.BeaconSink;
import liveccu.collector.publish.CdnRequestSink;
import liveccu.model.CdnRequest;
import liveccu.model.CountingRules;
import liveccu.model.RejectReason;
import liveccu.model.RejectedBeacon;
import liveccu.ops.http.ErrorResponses;

/**
 * The CDN log intake: {@code POST /v1/logs/{source}} with the source's token in {@code X-CCU-Log-Token}, a
 * batch of access-log lines in the source's format (NDJSON for Cloudflare and Fastly, plain lines for combined
 * and CloudFront), optionally gzip. Each line becomes a {@link CdnRequest} on {@code ccu.cdn-requests}.
 *
 * <p>Answers, once Kafka has acknowledged every request of the batch: {@code 204} when every line was a
 * request; {@code 200 {"accepted": n, "rejected_count": m, "rejected": [the first 20: index, reason, message]}}
 * otherwise (bad lines are counted, recorded on the rejected topic and never cost the others, and a batch is
 * never refused for them: a vendor would retry it for ever; a line's index is its number, from
 * {@code X-CCU-Log-First-Line} when given). {@code 401} bad or missing token, {@code 404} unknown source (or
 * none configured), {@code 400} a bad {@code X-CCU-Log-Batch}, or an {@code X-CCU-Log-First-Line} that is not a
 * whole number or comes without {@code X-CCU-Log-Batch}, {@code 413} over the body or line limits, {@code 415}
 * another encoding, {@code 503} with {@code Retry-After} when Kafka cannot take the requests or the collector is
 * already busy with {@code CCU_LOG_BATCHES_IN_FLIGHT} batches.
 *
 * <p>Only the body's bytes are gathered on the event loop; decompressing, parsing, hashing and publishing a
 * batch (megabytes, hundreds of thousands of lines) run on a worker, so beacons are never held up. The worker
 * publishes in windows of {@value #PUBLISH_WINDOW} and waits for each window's acknowledgements before the next,
 * so one large batch never fills the producer buffer that beacons share. A batch that fails half way is answered
 * 503 and sent again whole by its sender: its lines keep their identities, so the aggregator counts each once.
 */
public final class LogRoutes implements IntakeRoutes {

    public static final String PATH = "/v1/logs/:source";
    public static final String FASTLY_CHALLENGE_PATH = "/.well-known/fastly/logging/challenge";
    public static final String TOKEN_HEADER = "x-ccu-log-token";
    static final int PUBLISH_WINDOW = 5_000;
    private static final String RETRY_AFTER_SECONDS = "5";
    private static final Set<String> ENCODINGS = Set.of("", "identity", "gzip", "x-gzip");

    private final LogSettings settings;
    private final LogBatchParser parser;
    private final BodyReader bodies;
    private final BeaconSink rejections;
    private final CdnRequestSink requests;
    private final Runnable countUnrecorded;
    private final LogMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param rejections      where bad lines and refused batches are recorded (the rejected topic)
     * @param countUnrecorded counts a rejection that could not even be handed to the rejected topic's producer
     */
    public LogRoutes(LogSettings settings, CountingRules rules, IpHasher ipHasher, BeaconSink rejections,
                     CdnRequestSink requests, Runnable countUnrecorded, MeterRegistry registry) {
        this.settings = settings;
        this.parser = new LogBatchParser(rules, ipHasher, settings.maxLines());
        this.bodies = new BodyReader(settings.maxInflatedBytes());
        this.rejections = rejections;
        this.requests = requests;
        this.countUnrecorded = countUnrecorded;
        this.metrics = new LogMetrics(registry);
    }

    @Override
    public void mount(Router router) {
        router.post(PATH).handler(this::onBatch);
        if (settings.sources().values().stream().anyMatch(s -> s.format() == LogFormat.FASTLY)) {
            router.get(FASTLY_CHALLENGE_PATH).handler(this::onFastlyChallenge);
        }
    }

    /** Fastly proves the endpoint is ours before it streams: the SHA-256 of each allowed service id, or {@code *}. */
    private void onFastlyChallenge(RoutingContext ctx) {
        List<String> lines = settings.fastlyServiceIds().isEmpty() ? List.of("*")
                : settings.fastlyServiceIds().stream().map(Sha256::hex).toList();
        ctx.response().putHeader("content-type", "text/plain; charset=utf-8").end(String.join("\n", lines) + "\n");
    }

    private void onBatch(RoutingContext ctx) {
        long receivedAt = System.currentTimeMillis();
        HttpServerRequest request = ctx.request();
        String name = ctx.pathParam("source");
        if (settings.sources().isEmpty()) {
            refuse(ctx, LogMetrics.UNKNOWN_SOURCE, RejectReason.UNKNOWN_LOG_SOURCE, "no log sources are configured on this collector:"
                    + " set CCU_LOG_SOURCES=name:format:accountid[:zone] (format cloudflare, fastly, combined or cloudfront)"
                    + " and CCU_LOG_SOURCE_TOKENS=name=token, then POST batches to /v1/logs/name", receivedAt);
            return;
        }
        LogSource source = settings.sources().get(name);
        if (source == null) {
            refuse(ctx, LogMetrics.UNKNOWN_SOURCE, RejectReason.UNKNOWN_LOG_SOURCE, "no log source named "
                    + (name != null && name.matches("[A-Za-z0-9._-]{1,64}") ? name : "so") + " is configured (CCU_LOG_SOURCES)",
                    receivedAt);
            return;
        }
        if (!source.acceptsToken(request.getHeader(TOKEN_HEADER))) {
            refuse(ctx, source.name(), RejectReason.BAD_KEY, "missing or wrong X-CCU-Log-Token for log source " + source.name(),
                    receivedAt);
            return;
        }
        String encoding = Optional.ofNullable(request.getHeader("content-encoding")).orElse("").trim().toLowerCase(Locale.ROOT);
        if (!ENCODINGS.contains(encoding)) {
            refuse(ctx, source.name(), RejectReason.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Encoding " + encoding + " is not supported: send gzip or no encoding", receivedAt);
            return;
        }
        String given = request.getHeader(BatchIds.HEADER);
        if (!BatchIds.isValid(given)) {
            refuse(ctx, source.name(), RejectReason.BAD_LOG_BATCH, "X-CCU-Log-Batch must be 1-200 of A-Z a-z 0-9 . _ : -", receivedAt);
            return;
        }
        String givenFirst = request.getHeader(BatchIds.FIRST_LINE_HEADER);
        if (givenFirst != null && given == null) {
            // an unnamed batch is named by its body: its lines' numbers are their places in it
            refuse(ctx, source.name(), RejectReason.BAD_LOG_BATCH, "X-CCU-Log-First-Line numbers the lines of a named batch:"
                    + " give X-CCU-Log-Batch too", receivedAt);
            return;
        }
        // every line's number, up to the first's plus the batch's line limit, fits CdnRequest.line
        int maxFirstLine = Integer.MAX_VALUE - settings.maxLines();
        int firstLine = BatchIds.firstLine(givenFirst, maxFirstLine);
        if (firstLine < 0) {
            refuse(ctx, source.name(), RejectReason.BAD_LOG_BATCH, "X-CCU-Log-First-Line must be a whole number from 0 to "
                    + maxFirstLine, receivedAt);
            return;
        }
        if (inFlight.incrementAndGet() > settings.batchesInFlight()) {
            inFlight.decrementAndGet();
            unavailable(ctx, source, "this collector is busy with " + settings.batchesInFlight() + " log batches: retry shortly");
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        AtomicBoolean processing = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        // A connection gone while the body arrives frees the place; once processing, the worker frees it when done.
        ctx.addEndHandler(ended -> {
            if (!processing.get()) {
                release.run();
            }
        });
        String path = request.path();
        BoundedBody.read(request, settings.maxBodyBytes(), body -> {
            processing.set(true);
            metrics.bytes(source.name(), body.length());
            ctx.vertx().executeBlocking(() -> process(source, given, firstLine, body.getBytes(), encoding, receivedAt, path), false)
                    .onComplete(done -> {
                        release.run();
                        if (done.succeeded()) {
                            answer(ctx, source, done.result());
                        } else {
                            unavailable(ctx, source, "the batch could not be processed: " + done.cause().getClass().getSimpleName());
                        }
                    });
        }, () -> {
            release.run();
            tooLarge(ctx, source, receivedAt);
        }, release);
    }

    /** What processing a batch came to. */
    private sealed interface Outcome permits Published, Refused, Probe, Unavailable {
    }

    private record Published(int accepted, List<LineRejection> rejected) implements Outcome {
    }

    private record Refused(RejectReason reason, String message) implements Outcome {
    }

    private record Probe() implements Outcome {
    }

    private record Unavailable(String message) implements Outcome {
    }

    /** On a worker: decompress, parse, record the bad lines, publish and wait for every acknowledgement. */
    private Outcome process(LogSource source, String given, int firstLine, byte[] body, String encoding, long receivedAt,
                            String path) {
        BodyReader.Result text = bodies.read(body, encoding);
        if (text instanceof BodyReader.Refused refused) {
            return new Refused(refused.reason(), refused.message());
        }
        String plain = ((BodyReader.Text) text).text();
        String batchId = BatchIds.of(source.name(), given, plain);
        LogBatchParser.Result parsed = parser.parse(source, batchId, firstLine, plain, receivedAt);
        if (parsed instanceof LogBatchParser.ValidationProbe) {
            return new Probe();
        }
        if (parsed instanceof LogBatchParser.Refused refused) {
            return new Refused(refused.reason(), refused.message());
        }
        LogBatchParser.Batch batch = (LogBatchParser.Batch) parsed;
        for (LineRejection line : batch.rejected()) {
            record(line.reason(), "log source " + source.name() + ", batch " + batchId + ", line " + line.index() + ": "
                    + line.message(), path, receivedAt);
        }
        if (!batch.rejected().isEmpty()) {
            metrics.rejected(source.name(), RejectReason.BAD_LOG_LINE.code(), batch.rejected().size());
        }
        Optional<String> failure = publishInWindows(batch.requests());
        return failure.<Outcome>map(Unavailable::new).orElseGet(() -> new Published(batch.requests().size(), batch.rejected()));
    }

    /** Why Kafka did not take them all, or empty once every request is acknowledged. Blocks the worker, never an event loop. */
    private Optional<String> publishInWindows(List<CdnRequest> all) {
        for (int from = 0; from < all.size(); from += PUBLISH_WINDOW) {
            List<CompletableFuture<Void>> acks = new ArrayList<>(PUBLISH_WINDOW);
            for (CdnRequest request : all.subList(from, Math.min(all.size(), from + PUBLISH_WINDOW))) {
                acks.add(requests.publish(request).toCompletableFuture());
            }
            try {
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return Optional.of(cause instanceof IntakePublisher.KafkaUnavailable ? cause.getMessage() : "Kafka unavailable");
            }
        }
        return Optional.empty();
    }

    private void answer(RoutingContext ctx, LogSource source, Outcome outcome) {
        if (outcome instanceof Refused refused) {
            refuse(ctx, source.name(), refused.reason(), refused.message(), System.currentTimeMillis());
        } else if (outcome instanceof Unavailable unavailable) {
            unavailable(ctx, source, unavailable.message());
        } else if (outcome instanceof Probe) {
            metrics.probe(source.name());
            metrics.batch(source.name(), 204);
            ctx.response().setStatusCode(204).end();
        } else {
            Published published = (Published) outcome;
            metrics.accepted(source.name(), published.accepted());
            if (published.rejected().isEmpty()) {
                metrics.batch(source.name(), 204);
                ctx.response().setStatusCode(204).end();
                return;
            }
            metrics.batch(source.name(), 200);
            PartlyAccepted.send(ctx, published.accepted(), published.rejected());
        }
    }

    private void tooLarge(RoutingContext ctx, LogSource source, long receivedAt) {
        ctx.response().putHeader("connection", "close");
        refuse(ctx, source.name(), RejectReason.BODY_TOO_LARGE, "the batch is over " + settings.maxBodyBytes() / (1024 * 1024)
                + " MiB as sent (CCU_LOG_MAX_BODY_MB): send smaller batches", receivedAt);
    }

    private void unavailable(RoutingContext ctx, LogSource source, String message) {
        metrics.batch(source.name(), 503);
        ctx.response().putHeader("retry-after", RETRY_AFTER_SECONDS);
        ErrorResponses.send(ctx, 503, message);
    }

    /** Answers a refused batch with its reason's status, counted and recorded. */
    private void refuse(RoutingContext ctx, String source, RejectReason reason, String message, long receivedAt) {
        metrics.batch(source, reason.httpStatus());
        metrics.refused(source, reason.code());
        record(reason, message, ctx.request().path(), receivedAt);
        ErrorResponses.send(ctx, reason.httpStatus(), message);
    }

    private void record(RejectReason reason, String message, String path, long receivedAt) {
        if (!rejections.recordRejection(new RejectedBeacon(reason.code(), message, path, receivedAt, "collector", null))) {
            countUnrecorded.run();
        }
    }
}
