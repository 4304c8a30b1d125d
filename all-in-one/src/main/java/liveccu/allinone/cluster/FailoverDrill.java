package liveccu.allinone.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liveccu.faults.ClusterView;
import liveccu.faults.Faults;
import liveccu.faults.Target;
import liveccu.faults.Target.Role;
import liveccu.model.CountingRules;
import liveccu.model.Topics;
import liveccu.simulator.live.LiveCdnLog;
import liveccu.simulator.live.LiveLoad;
import liveccu.simulator.live.LiveProbe;
import liveccu.simulator.live.Timeline;
import liveccu.simulator.traffic.TrafficPlan;
import liveccu.simulator.truth.Comparison;
import liveccu.simulator.truth.CountsReader;
import liveccu.simulator.truth.GroundTruth;
import liveccu.simulator.truth.GroundTruth.Counts;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults on a real local cluster under live traffic, and what they did: the failover tests and the
 * cluster benchmark are written with it. It starts a {@link LocalCluster}, the simulator's realistic
 * traffic played live through a balancer ({@link LiveLoad}, every accepted beacon in the ground
 * truth), a freshness probe ({@link LiveProbe}) and a readiness watch; faults go through the same
 * {@link Faults} as {@code ./liveccu faults} and are marked on the traffic's timeline, as are the
 * restarts of the cluster's {@link Supervisor} (a service whose liveness kept failing).
 */
public final class FailoverDrill implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverDrill.class);
    /** How long the busiest partitions are measured before a broker is aimed at. */
    public static final Duration SAMPLE = Duration.ofSeconds(3);

    /**
     * @param plan the traffic; its window is how long the load runs, starting when the cluster serves
     * @param cdn  a CDN's access log pushed beside the beacons, or null for none
     */
    public record Settings(LocalCluster.Layout layout, Map<String, String> serviceEnv, String classpath, TrafficPlan plan,
                           String accountId, String apiKey, CdnPush cdn) {
    }

    /** A log push of {@code lines} access-log lines every {@code interval}, to a log source of the account. */
    public record CdnPush(int lines, Duration interval) {
    }

    private static final String CDN_SOURCE = "drill-cdn";
    private static final String CDN_TOKEN = "drill-cdn-token-0123456789abcdef";

    private final LocalCluster cluster;
    private final Duration clusterStart;
    private final ClusterView view;
    private final Faults faults;
    private final GroundTruth truth = new GroundTruth(CountingRules.DEFAULT_GRACE);
    private final Timeline timeline = new Timeline();
    private final List<URI> collectors;
    private final String accountId;
    private final List<LiveLoad> loads = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<LiveLoad.Report>> sending = new CopyOnWriteArrayList<>();
    private final LiveProbe probe;
    private final ReadinessWatch readiness;
    private final String apiKey;
    private final long loadStartedMs;
    private final LiveCdnLog cdnLog;
    private final CompletableFuture<Long> cdnPushing;
    private final Timeline cdnTimeline = new Timeline();

    private FailoverDrill(LocalCluster cluster, Duration clusterStart, Settings settings) {
        this.cluster = cluster;
        this.clusterStart = clusterStart;
        this.apiKey = settings.apiKey();
        this.view = new ClusterView(cluster.bootstrapServers());
        this.faults = new Faults(view, cluster.nodes(), this::note);
        // The cluster restarts a service whose liveness keeps failing, as Kubernetes would: marked on the timeline.
        cluster.supervisor().onRestart(restart -> note(restart.toString()));
        List<Target> services = new ArrayList<>();
        for (Role role : List.of(Role.COLLECTOR, Role.AGGREGATOR, Role.API)) {
            services.addAll(cluster.instances(role));
        }
        this.readiness = new ReadinessWatch(cluster, services).start();
        this.probe = new LiveProbe(cluster.urls(Role.COLLECTOR), cluster.urls(Role.API), settings.apiKey(),
                settings.layout().partitions()).start();
        this.collectors = cluster.urls(Role.COLLECTOR);
        this.accountId = settings.accountId();
        this.loadStartedMs = System.currentTimeMillis();
        startWave(settings.plan());
        if (settings.cdn() != null) {
            this.cdnLog = new LiveCdnLog(new LiveCdnLog.Settings(collectors, CDN_SOURCE, CDN_TOKEN, settings.cdn().lines(),
                    settings.cdn().interval()), cdnTimeline);
            this.cdnPushing = cdnLog.start();
            note("CDN log push started: " + settings.cdn().lines() + " lines every " + settings.cdn().interval().toMillis() + " ms");
        } else {
            this.cdnLog = null;
            this.cdnPushing = CompletableFuture.completedFuture(0L);
        }
    }

    /**
     * Adds viewers: another plan played live beside the running ones (its own jobs and sessions, the
     * same ground truth and timeline). Waves started every few minutes keep a long run's load steady.
     */
    public LiveLoad startWave(TrafficPlan plan) {
        LiveLoad load = new LiveLoad(plan, LiveLoad.Settings.of(collectors, accountId), truth, timeline);
        loads.add(load);
        sending.add(load.start());
        note("load wave " + loads.size() + " started: " + load.planned() + " beacons over " + plan.window().toSeconds() + " s");
        return load;
    }

    /**
     * Lays the cluster out in {@code dir}, starts it, then the load, the probe and the readiness watch.
     * A cluster that fails to start is laid out once more in a directory beside it, on other ports (a
     * port found free can be taken by another process before the node binds it); the first attempt's
     * logs stay where they were.
     */
    public static FailoverDrill start(Path dir, Settings settings) throws Exception {
        try {
            return startOnce(dir, settings);
        } catch (RuntimeException e) {
            Path again = dir.resolveSibling(dir.getFileName() + "-second-start");
            LOG.warn("the cluster did not start ({}); laying it out again in {} on other ports", e.getMessage(), again);
            return startOnce(again, settings);
        }
    }

    private static FailoverDrill startOnce(Path dir, Settings settings) throws Exception {
        long started = System.nanoTime();
        Map<String, String> env = new HashMap<>(settings.serviceEnv());
        if (settings.cdn() != null) {
            env.put("CCU_LOG_SOURCES", CDN_SOURCE + ":combined:" + settings.accountId());
            env.put("CCU_LOG_SOURCE_TOKENS", CDN_SOURCE + "=" + CDN_TOKEN);
        }
        LocalCluster cluster = LocalCluster.layOut(dir, settings.layout(), env, settings.classpath());
        try {
            cluster.start();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("cluster of {} brokers and {} services running after {} s", settings.layout().brokers(),
                settings.layout().collectors() + settings.layout().aggregators() + settings.layout().apis(), took.toSeconds());
        return new FailoverDrill(cluster, took, settings);
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public Duration clusterStart() {
        return clusterStart;
    }

    public Faults faults() {
        return faults;
    }

    public Timeline timeline() {
        return timeline;
    }

    public LiveProbe probe() {
        return probe;
    }

    public ReadinessWatch readiness() {
        return readiness;
    }

    /** The first wave of load. */
    public LiveLoad load() {
        return loads.get(0);
    }

    public List<LiveLoad> loads() {
        return List.copyOf(loads);
    }

    /** Ends every wave now: no new beacons; those started are retried until accepted ({@link #finish}). */
    public void endLoad() {
        loads.forEach(LiveLoad::endNow);
        if (cdnLog != null) {
            cdnLog.endNow();
        }
        note("load ended");
    }

    public GroundTruth truth() {
        return truth;
    }

    /** Logs a line and marks it on the timeline. */
    public void note(String what) {
        timeline.mark(what);
        LOG.info("{}", what);
    }

    /** The broker that leads the most beacon writes now, measured over {@link #SAMPLE}. */
    public Target busiestBroker() throws Exception {
        return faults.resolve(List.of(Target.parse("broker:" + Target.BUSIEST)), Topics.BEACONS.name()::equals, SAMPLE).get(0);
    }

    /**
     * Of the live brokers, the one to kill so that the one left leads beacon partitions (whose
     * acknowledged ends then show whether anything is acknowledged with one broker of three).
     */
    public Target brokerSparingABeaconLeader() throws Exception {
        Map<Integer, Long> led = new TreeMap<>();
        view.liveBrokers().forEach(broker -> led.put(broker, 0L));
        view.partitions(Topics.BEACONS.name()::equals).forEach(p -> led.computeIfPresent(p.leader(), (b, n) -> n + 1));
        int keep = led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        return Target.broker(led.keySet().stream().filter(b -> b != keep).findFirst()
                .orElseThrow(() -> new IllegalStateException("only broker " + keep + " is alive")));
    }

    /**
     * The aggregator whose stream threads hold the most input partitions now (its active tasks, read
     * from its metrics): the one whose loss stops the most counting. After a restart Streams may leave
     * an instance with standby tasks only, so an aggregator named at random may hold nothing.
     */
    public Target busiestAggregator() throws Exception {
        Target busiest = null;
        double most = -1;
        for (Target aggregator : cluster.instances(Role.AGGREGATOR)) {
            double assigned = assignedPartitions(cluster.url(aggregator));
            if (assigned > most) {
                most = assigned;
                busiest = aggregator;
            }
        }
        note(busiest + " holds the most input partitions (" + (long) most + ")");
        return busiest;
    }

    private static final Pattern ASSIGNED = Pattern.compile(
            "(?m)^kafka_consumer_coordinator_assigned_partitions\\{client_id=\"[^\"]*StreamThread-\\d+-consumer\"[^}]*\\} ([0-9.E]+)$");

    private static double assignedPartitions(URI aggregator) throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(aggregator.resolve("/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        double sum = 0;
        Matcher matcher = ASSIGNED.matcher(response.body());
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(1));
        }
        return sum;
    }

    /** Kills the targets at once; returns the moment just before the kill (epoch ms). */
    public long kill(Target... targets) throws Exception {
        long at = System.currentTimeMillis();
        note("kill -9 " + List.of(targets));
        faults.kill(List.of(targets));
        return at;
    }

    /** Starts the targets again (a broker: until every replica is in sync); returns the moment the start began. */
    public long restart(Duration timeout, Target... targets) throws Exception {
        long at = System.currentTimeMillis();
        note("restart " + List.of(targets));
        faults.restart(List.of(targets), timeout);
        note("restarted " + List.of(targets));
        return at;
    }

    /** Waits for the first probe accepted after {@code afterMs} that {@code wanted} accepts. */
    public LiveProbe.Probe awaitProbe(long afterMs, Duration timeout, Predicate<LiveProbe.Probe> wanted, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (LiveProbe.Probe p : probe.probes()) {
                if (p.acceptedAtMs() >= afterMs && wanted.test(p)) {
                    return p;
                }
            }
            sleep(100);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; probes since: "
                + probe.probes().stream().filter(p -> p.acceptedAtMs() >= afterMs).toList());
    }

    /**
     * Waits until the live minute moves on every partition again: one round of probes, one on each
     * beacon partition, all accepted after {@code afterMs} and counted within {@code fresh}. Returns
     * the round's last probe.
     */
    public LiveProbe.Probe awaitEveryPartitionFresh(long afterMs, Duration fresh, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int inARow = 0;
            for (LiveProbe.Probe p : probe.probes()) {
                if (p.acceptedAtMs() < afterMs) {
                    continue;
                }
                inARow = p.freshnessMs() < fresh.toMillis() ? inARow + 1 : 0;
                if (inARow >= probe.partitions()) {
                    return p;
                }
            }
            sleep(100);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for a round of probes on every partition counted within "
                + fresh + "; probes since: " + probe.probes().stream().filter(p -> p.acceptedAtMs() >= afterMs).toList());
    }

    /** The probes accepted in [fromMs, toMs). */
    public List<LiveProbe.Probe> probes(long fromMs, long toMs) {
        return probe.probes().stream().filter(p -> p.acceptedAtMs() >= fromMs && p.acceptedAtMs() < toMs).toList();
    }

    /**
     * How long the live minute stood still in [fromMs, toMs): the longest time from a probe's 2xx to
     * its count, among the probes waiting then — counted after {@code fromMs} and accepted before
     * {@code toMs}, so the viewer who arrived just before a fault and waited through it is included
     * (-1 without any).
     */
    public long longestFreshnessMs(long fromMs, long toMs) {
        return probe.probes().stream().filter(p -> p.countedAtMs() >= fromMs && p.acceptedAtMs() < toMs)
                .mapToLong(LiveProbe.Probe::freshnessMs).max().orElse(-1);
    }

    /** Writes every probe (partition, accepted and counted at, API) and every mark of the timeline, as CSV, for a closer look. */
    public void writeRecord(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder probes = new StringBuilder("partition,accepted_at_ms,counted_at_ms,freshness_ms,api\n");
        for (LiveProbe.Probe p : probe.probes()) {
            probes.append(p.partition()).append(',').append(p.acceptedAtMs()).append(',').append(p.countedAtMs()).append(',')
                    .append(p.freshnessMs()).append(',').append(p.api()).append('\n');
        }
        Files.writeString(dir.resolve("probes.csv"), probes);
        StringBuilder seconds = new StringBuilder("second,started,ok,client_5xx,collector_503,connection_failures,slowest_ms\n");
        for (Timeline.Second s : timeline.seconds()) {
            seconds.append(s.second()).append(',').append(s.started()).append(',').append(s.ok()).append(',').append(s.clientErrors())
                    .append(',').append(s.collector503()).append(',').append(s.connectionFailures()).append(',').append(s.slowestMs()).append('\n');
        }
        Files.writeString(dir.resolve("beacons-per-second.csv"), seconds);
        StringBuilder marks = new StringBuilder("at_ms,what\n");
        timeline.marks().forEach(m -> marks.append(m.atMs()).append(",\"").append(m.what().replace("\"", "'")).append("\"\n"));
        Files.writeString(dir.resolve("marks.csv"), marks);
    }

    /** The acknowledged end (high watermark) of every beacon partition whose leader answers. */
    public Map<TopicPartition, Long> beaconsAcknowledged() throws Exception {
        return view.endOffsets(Topics.BEACONS.name()::equals);
    }

    /** The query API's answers to the probe in [fromMs, toMs), counted by API and status. */
    public Map<String, Long> apiAnswers(long fromMs, long toMs) {
        Map<String, Long> counts = new TreeMap<>();
        for (LiveProbe.ApiAnswer answer : probe.apiAnswers()) {
            if (answer.atMs() >= fromMs && answer.atMs() < toMs) {
                counts.merge(answer.api().getPort() + ":" + answer.status(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** Waits until every wave has sent its window (or was ended) and every beacon started was accepted. */
    public LiveLoad.Report finish(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        LiveLoad.Report total = new LiveLoad.Report(0, 0, 0, 0, 0);
        for (CompletableFuture<LiveLoad.Report> wave : sending) {
            total = total.plus(wave.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        }
        if (cdnLog != null) {
            cdnLog.endNow();
        }
        long batches = cdnPushing.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        note("load done: " + total + (cdnLog == null ? "" : "; CDN log batches accepted: " + batches));
        return total;
    }

    /** What the CDN log push saw, second by second (empty without one). */
    public Timeline cdnTimeline() {
        return cdnTimeline;
    }

    /**
     * Reads the account's CDN requests per minute through {@code api} until they equal the lines
     * accepted (2xx), or the timeout passes; returns the minutes that differ (minute → [accepted,
     * counted]) and how many minutes were compared.
     */
    public Map.Entry<Integer, Map<Long, long[]>> verifyCdn(URI api, Duration timeout) throws Exception {
        TreeMap<Long, Long> accepted = cdnLog.acceptedPerMinute();
        long fromMs = loadStartedMs - Duration.ofMinutes(1).toMillis();
        long toMs = System.currentTimeMillis() + Duration.ofMinutes(2).toMillis();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<Long, long[]> differences = LiveCdnLog.differences(accepted,
                    LiveCdnLog.counted(api, apiKey, accountId, fromMs, toMs));
            if (differences.isEmpty() || System.nanoTime() > deadline) {
                return Map.entry(accepted.size(), differences);
            }
            sleep(250);
        }
    }

    /** Reads every job's minutes through {@code api} until they equal the ground truth, or the timeout passes. */
    public Comparison verify(URI api, Duration timeout) throws Exception {
        CountsReader reader = new CountsReader(api, apiKey);
        long fromMs = loadStartedMs - Duration.ofHours(1).toMillis();  // stragglers claim times up to 28 minutes back
        long toMs = System.currentTimeMillis() + Duration.ofMinutes(2).toMillis();
        Map<String, TreeMap<Long, Counts>> expected = new HashMap<>();
        truth.jobs().forEach(job -> expected.put(job, truth.expected(job)));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, TreeMap<Long, Counts>> actual = new HashMap<>();
            for (String job : expected.keySet()) {
                actual.put(job, reader.counts(job, fromMs, toMs));
            }
            Comparison comparison = Comparison.of(expected, actual);
            if (comparison.exact() || System.nanoTime() > deadline) {
                return comparison;
            }
            sleep(250);
        }
    }

    /**
     * How long until two APIs answer every job's minutes alike (read one after the other, again until
     * equal): e.g. a restarted instance that says it is ready against one that never stopped. -1: not
     * within the timeout.
     */
    public long agreeAfterMs(URI a, URI b, Duration timeout) throws Exception {
        CountsReader first = new CountsReader(a, apiKey);
        CountsReader second = new CountsReader(b, apiKey);
        long fromMs = loadStartedMs - Duration.ofHours(1).toMillis();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long toMs = System.currentTimeMillis() + Duration.ofMinutes(2).toMillis();
            boolean alike = true;
            for (String job : truth.jobs()) {
                if (!first.counts(job, fromMs, toMs).equals(second.counts(job, fromMs, toMs))) {
                    alike = false;
                    break;
                }
            }
            if (alike) {
                return Duration.ofNanos(System.nanoTime() - started).toMillis();
            }
            sleep(100);
        }
        return -1;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the probe and the watch and kills every node (the directory is the caller's). */
    @Override
    public void close() {
        probe.stop();
        readiness.stop();
        loads.forEach(LiveLoad::stop);
        if (cdnLog != null) {
            cdnLog.endNow();
        }
        view.close();
        cluster.close();
    }
}
