package liveccu.allinone.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import liveccu.faults.NodeControl;
import liveccu.faults.Target;
import liveccu.faults.Target.Role;
import org.junit.jupiter.api.Test;

/** {@link Supervisor} on fake processes: their pids, their liveness answers, a clock and node control that record what happens. */
class SupervisorTest {

    private static final Target AGGREGATOR = Target.of(Role.AGGREGATOR, 1);
    private static final Target API = Target.of(Role.API, 1);
    private static final String ERROR = "503 {\"status\":\"DOWN\",\"reason\":\"Kafka Streams is ERROR\"}";

    private final Map<Target, Long> pids = new HashMap<>(Map.of(AGGREGATOR, 100L, API, 200L));
    private final Map<Target, Optional<String>> answers = new HashMap<>(Map.of(AGGREGATOR, Optional.empty(), API, Optional.empty()));
    private final List<String> actions = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private long nextPid = 1000;
    private Runnable duringStart = () -> { };
    private final NodeControl nodes = new NodeControl() {
        @Override
        public void kill(Target target) {
            actions.add("kill " + target);
            pids.remove(target);
        }

        @Override
        public void stop(Target target) {
            actions.add("stop " + target);
            pids.remove(target);
        }

        @Override
        public void start(Target target) {
            actions.add("start " + target);
            duringStart.run();
            pids.putIfAbsent(target, nextPid++);
        }
    };
    private final Supervisor supervisor = new Supervisor(List.of(AGGREGATOR, API),
            target -> pids.containsKey(target) ? OptionalLong.of(pids.get(target)) : OptionalLong.empty(),
            target -> CompletableFuture.completedFuture(answers.get(target)), nodes, clock::get, Runnable::run);
    private final List<Supervisor.Restart> heard = new ArrayList<>();

    SupervisorTest() {
        supervisor.onRestart(heard::add);
    }

    /** One probe round, then the period passes. */
    private void round() {
        supervisor.probe();
        clock.addAndGet(Supervisor.PERIOD.toMillis());
    }

    @Test
    void liveServicesAreLeftAlone() {
        for (int i = 0; i < 10; i++) {
            round();
        }
        assertEquals(List.of(), actions);
        assertEquals(List.of(), supervisor.restarts());
    }

    @Test
    void threeFailingAnswersInARowRestartTheServiceOnce() {
        round();  // live: started and answering
        answers.put(AGGREGATOR, Optional.of(ERROR));
        round();
        round();
        assertEquals(List.of(), actions, "two failing answers: not yet");
        long third = clock.get();
        round();
        assertEquals(List.of("kill aggregator:1", "start aggregator:1"), actions);
        assertEquals(List.of(new Supervisor.Restart(third, AGGREGATOR, ERROR)), supervisor.restarts());
        assertEquals(supervisor.restarts(), heard);

        round();  // the new process answers the same while it starts: not counted against it yet
        round();
        round();
        assertEquals(2, actions.size(), "one restart; the new process is starting");
    }

    @Test
    void aLiveAnswerStartsTheCountAgain() {
        round();
        answers.put(AGGREGATOR, Optional.of("no answer within 3 s"));
        round();
        round();
        answers.put(AGGREGATOR, Optional.empty());
        round();
        assertEquals(0, supervisor.failures(AGGREGATOR));
        answers.put(AGGREGATOR, Optional.of("no answer within 3 s"));
        round();
        round();
        assertEquals(List.of(), actions);
        assertEquals(2, supervisor.failures(AGGREGATOR));
    }

    @Test
    void aServiceThatIsNotRunningIsNotRestarted() {
        round();
        pids.remove(AGGREGATOR);  // killed by a drill: it restarts it itself
        answers.put(AGGREGATOR, Optional.of("connection refused"));
        for (int i = 0; i < 10; i++) {
            round();
        }
        assertEquals(List.of(), actions);
    }

    @Test
    void aServiceStartingIsGivenItsStartUpTimeThenCounted() {
        answers.put(API, Optional.of("connection refused"));  // never answered since it started
        long rounds = Supervisor.START_UP.toMillis() / Supervisor.PERIOD.toMillis();
        for (int i = 0; i < rounds; i++) {
            round();
        }
        assertEquals(List.of(), actions, "within its start-up time");
        round();
        round();
        round();
        assertEquals(List.of("kill api:1", "start api:1"), actions);
    }

    @Test
    void aServiceBeingStartedThroughTheSupervisorIsNotProbedMeanwhile() throws Exception {
        round();
        answers.put(AGGREGATOR, Optional.of(ERROR));
        round();
        round();
        pids.remove(AGGREGATOR);  // a drill killed it; its start takes a while
        duringStart = () -> {
            pids.put(AGGREGATOR, 555L);
            round();  // the process runs but is not ready yet, its start not returned: not asked
            round();
            round();
        };
        supervisor.start(AGGREGATOR);
        assertEquals(List.of("start aggregator:1"), actions);
        assertEquals(0, supervisor.failures(AGGREGATOR));
    }

    @Test
    void aProcessRestartedBySomeoneElseIsCountedAfresh() {
        round();
        answers.put(AGGREGATOR, Optional.of(ERROR));
        round();
        round();
        pids.put(AGGREGATOR, 555L);  // e.g. ./liveccu faults restart from another terminal
        round();
        round();
        assertEquals(List.of(), actions);
        assertEquals(0, supervisor.failures(AGGREGATOR), "a new process, within its start-up time");
    }
}
