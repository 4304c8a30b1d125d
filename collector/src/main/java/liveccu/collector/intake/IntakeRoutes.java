package liveccu.collector.intake;

import io.vertx.ext.web.Router;

/** An intake's routes (beacons, player events and CMCD reports, CDN logs), mounted on each verticle's router. */
public interface IntakeRoutes {

    void mount(Router router);
}
