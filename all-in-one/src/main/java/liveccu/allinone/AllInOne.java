package liveccu.allinone;

import liveccu.ops.ServiceMain;
import liveccu.ops.config.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code ./liveccu}: the whole system on this machine, with an embedded Kafka broker. */
public final class AllInOne {

    private static final Logger LOG = LoggerFactory.getLogger(AllInOne.class);

    private AllInOne() {
    }

    public static void main(String[] args) {
        ServiceMain.run("live CCU", () -> {
            LocalSystem system = LocalSystem.start(Env.system());
            LOG.info("""
                    live CCU is running
                      dashboard  http://localhost:{}/
                      beacons    http://localhost:{}/<guid>/<jobid>/<sessionid>/<accountid>/<epoch_s>/heartbeat (or /csheartbeat)
                      query API  http://localhost:{}/ccu?jobid=<jobid>   and   http://localhost:{}/jobs
                      health     http://localhost:{}/health/ready  (collector; api and aggregator alike on {} and {})
                      sessions   {}
                      Kafka      {}
                    Ctrl-C stops it; counts are kept in the data directory.""",
                    system.apiPort(), system.collectorPort(), system.apiPort(), system.apiPort(), system.collectorPort(),
                    system.apiPort(), system.aggregatorPort(),
                    system.sessionsPort().map(port -> "http://localhost:" + port + "/api/v1/accounts/<account_id>/sessions")
                            .orElse("off (set CCU_TOKEN_SECRET or CCU_TOKEN_PUBLIC_KEYS to limit stream concurrency)"),
                    system.broker().map(b -> b.bootstrapServers() + " (embedded)").orElse("external cluster"));
            return system::close;
        });
    }
}
