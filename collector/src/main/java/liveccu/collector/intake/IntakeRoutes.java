package liveccu.collector.intake;

import io.vertx.ext.web.Router;

/** Routes of an intake beside the beacons' fast path (player events and CMCD reports, CDN logs), mounted on each verticle's router. */
public interface IntakeRoutes {

    void mount(Router router);
}
