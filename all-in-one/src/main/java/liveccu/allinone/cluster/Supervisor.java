package liveccu.allinone.cluster;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import liveccu.faults.NodeControl;
import liveccu.faults.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an orchestrator does for the local cluster's services (collectors, aggregators, query APIs; not
 * the brokers): every {@link #PERIOD} it asks each running one for {@code GET /health/live}, and
 * restarts it — kill -9, then start with its data, as {@code ./liveccu faults restart} does — after
 * {@link #FAILURE_THRESHOLD} failing answers in a row (not 2xx, or none within {@link #TIMEOUT}): the
 * liveness probe of deploy/kubernetes, periodSeconds 10, timeoutSeconds 3, failureThreshold 3. So an
 * aggregator whose Kafka Streams went to ERROR (issue 25) comes back here as it would in Kubernetes.
 *
 * <p>A service that is not running was killed on purpose (a drill, the fault tool): whoever killed it
 * starts it; the supervisor leaves it alone. A service just started is given {@link #START_UP} to
 * answer its liveness a first time (the startup probe's allowance there) before failures count. Every
 * kill, stop and start through this {@link NodeControl} holds the node, so that a drill's action and
 * a restart by the supervisor never overlap, and a node being acted on is not probed.
 */
public final class Supervisor implements NodeControl, AutoCloseable {

    /** How often each service is asked. */
    static final Duration PERIOD = Duration.ofSeconds(10);
    /** How long an answer may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** Failing answers in a row that restart a service. */
    static final int FAILURE_THRESHOLD = 3;
    /** How long a service just started may go without answering (deploy/kubernetes' startup probe: 40 × 5 s). */
    static final Duration START_UP = Duration.ofSeconds(200);
    private static final int MAX_REASON = 300;
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /** A restart the supervisor decided at {@code atMs}, after liveness answered {@code reason} (the last failing answer). */
    public record Restart(long atMs, Target target, String reason) {

        @Override
        public String toString() {
            return target + " restarted by its liveness probe (" + FAILURE_THRESHOLD + " failing answers in a row, the last: "
                    + reason + ")";
        }
    }

    /** What the supervisor knows of one running process. */
    private static final class Watched {
        final long pid;
        final long sinceMs;
        boolean answered;
        int failures;

        Watched(long pid, long sinceMs) {
            this.pid = pid;
            this.sinceMs = sinceMs;
        }
    }

    private final List<Target> services;
    private final Function<Target, OptionalLong> pid;
    private final Function<Target, CompletableFuture<Optional<String>>> liveness;
    private final NodeControl nodes;
    private final LongSupplier clock;
    private final Executor restarting;
    private final Map<Target, ReentrantLock> holds = new ConcurrentHashMap<>();
    private final Map<Target, Watched> watched = new HashMap<>();
    private final List<Restart> restarts = new CopyOnWriteArrayList<>();
    private final List<Consumer<Restart>> listeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService probes;

    /**
     * @param pid        the running process of a service, empty when it is not running
     * @param liveness   asks a service: empty for a 2xx, else what it answered (completes within {@link #TIMEOUT})
     * @param nodes      how a node is killed, stopped and started
     * @param restarting where a restart runs (it takes until the service is ready again)
     */
    Supervisor(List<Target> services, Function<Target, OptionalLong> pid, Function<Target, CompletableFuture<Optional<String>>> liveness,
               NodeControl nodes, LongSupplier clock, Executor restarting) {
        this.services = List.copyOf(services);
        this.pid = pid;
        this.liveness = liveness;
        this.nodes = nodes;
        this.clock = clock;
        this.restarting = restarting;
    }

    /** Supervises the services of {@code cluster}, asking them over HTTP; not started yet. */
    static Supervisor of(LocalCluster cluster, List<Target> services) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        return new Supervisor(services,
                target -> cluster.processes().process(target).map(process -> OptionalLong.of(process.pid())).orElse(OptionalLong.empty()),
                target -> askLiveness(http, cluster.url(target).resolve("/health/live")),
                cluster.processes(), System::currentTimeMillis, command -> {
                    Thread thread = new Thread(command, "cluster-supervisor-restart");
                    thread.setDaemon(true);
                    thread.start();
                });
    }

    /** Asks every {@link #PERIOD} from now on, on a daemon thread. */
    public synchronized Supervisor start() {
        if (probes == null) {
            probes = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "cluster-supervisor");
                thread.setDaemon(true);
                return thread;
            });
            probes.scheduleAtFixedRate(this::probeSafely, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Stops asking (a restart under way finishes). */
    @Override
    public synchronized void close() {
        if (probes != null) {
            probes.shutdownNow();
            probes = null;
        }
    }

    /** Called with each restart as it is decided (on the supervisor's thread: return quickly). */
    public void onRestart(Consumer<Restart> listener) {
        listeners.add(listener);
    }

    /** The restarts so far, oldest first. */
    public List<Restart> restarts() {
        return List.copyOf(restarts);
    }

    /** The restarts decided in [fromMs, toMs). */
    public List<Restart> restarts(long fromMs, long toMs) {
        return restarts.stream().filter(r -> r.atMs() >= fromMs && r.atMs() < toMs).toList();
    }

    private void probeSafely() {
        try {
            probe();
        } catch (RuntimeException e) {
            // An exception would cancel the schedule: nothing would be supervised any more.
            LOG.warn("could not ask the services' liveness", e);
        }
    }

    /** One round: asks every running service not being acted on (all at once), then judges the answers. */
    void probe() {
        Map<Target, CompletableFuture<Optional<String>>> asked = new LinkedHashMap<>();
        for (Target service : services) {
            OptionalLong running = pid.apply(service);
            if (running.isEmpty() || hold(service).isLocked()) {
                watched.remove(service);  // killed on purpose, or being killed, started or restarted: counted afresh after
                continue;
            }
            Watched process = watched.get(service);
            if (process == null || process.pid != running.getAsLong()) {
                watched.put(service, new Watched(running.getAsLong(), clock.getAsLong()));
            }
            asked.put(service, liveness.apply(service));
        }
        asked.forEach((service, answer) -> judge(service, watched.get(service), answer.join()));
    }

    private void judge(Target service, Watched process, Optional<String> failure) {
        if (failure.isEmpty()) {
            if (process.failures > 0) {
                LOG.info("{} is live again after {} failing liveness answer(s)", service, process.failures);
            }
            process.answered = true;
            process.failures = 0;
            return;
        }
        if (!process.answered && clock.getAsLong() - process.sinceMs < START_UP.toMillis()) {
            return;  // still starting
        }
        process.failures++;
        if (process.failures < FAILURE_THRESHOLD) {
            LOG.info("{}'s liveness failed ({} of {} in a row): {}", service, process.failures, FAILURE_THRESHOLD, failure.get());
            return;
        }
        watched.remove(service);
        Restart restart = new Restart(clock.getAsLong(), service, failure.get());
        restarts.add(restart);
        LOG.warn("{}: killing it and starting it again with its data (pid {})", restart, process.pid);
        listeners.forEach(listener -> listener.accept(restart));
        restarting.execute(() -> restart(service, process.pid));
    }

    /** Kill and start, unless someone else has restarted the process meanwhile. */
    private void restart(Target service, long judgedPid) {
        ReentrantLock hold = hold(service);
        hold.lock();
        try {
            OptionalLong now = pid.apply(service);
            if (now.isEmpty() || now.getAsLong() != judgedPid) {
                LOG.info("{} was killed or restarted by someone else meanwhile: left as it is", service);
                return;
            }
            nodes.kill(service);
            nodes.start(service);
            LOG.info("{} restarted after its liveness failed: ready again", service);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("could not restart {} after its liveness failed: {}", service, e.getMessage());
        } finally {
            hold.unlock();
        }
    }

    private ReentrantLock hold(Target target) {
        return holds.computeIfAbsent(target, t -> new ReentrantLock());
    }

    /** Runs an action on a node while holding it: never beside a restart by the supervisor, and the node is not probed meanwhile. */
    private void holding(Target target, Action action) throws Exception {
        ReentrantLock hold = hold(target);
        hold.lockInterruptibly();
        try {
            action.run();
        } finally {
            hold.unlock();
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    @Override
    public void kill(Target target) throws Exception {
        holding(target, () -> nodes.kill(target));
    }

    @Override
    public void stop(Target target) throws Exception {
        holding(target, () -> nodes.stop(target));
    }

    @Override
    public void start(Target target) throws Exception {
        holding(target, () -> nodes.start(target));
    }

    /** {@code GET /health/live}: empty for a 2xx, else its status and body, or that there was no answer. */
    static CompletableFuture<Optional<String>> askLiveness(HttpClient http, URI live) {
        return http.sendAsync(HttpRequest.newBuilder(live).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString())
                .handle((reply, error) -> {
                    if (error == null) {
                        return reply.statusCode() / 100 == 2 ? Optional.<String>empty()
                                : Optional.of(shorten(reply.statusCode() + " " + reply.body()));
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    return Optional.of(cause instanceof HttpTimeoutException ? "no answer within " + TIMEOUT.toSeconds() + " s"
                            : cause instanceof ConnectException ? "connection refused"
                            : shorten("no answer: " + cause));
                });
    }

    private static String shorten(String text) {
        String line = text.strip().replace('\n', ' ');
        return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON) + "…";
    }

    /** For the tests: the failing answers in a row counted now for {@code service}. */
    int failures(Target service) {
        Watched process = watched.get(service);
        return process == null ? 0 : process.failures;
    }
}
