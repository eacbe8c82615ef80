package org.scxgamer.web.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code scxgamer.web} (runtime/etc/scxgamer.web.cfg). */
@ObjectClassDefinition(id = WebConfig.PID, name = "scxgamer web page and metrics",
        description = "Listeners of the live status page and of the Prometheus metrics endpoint. Both require the login "
                + "whose password is generated on first start (data/web/password).")
public @interface WebConfig {
    String PID = "scxgamer.web";

    @AttributeDefinition(name = "Page enabled", description = "Serve the live status page")
    boolean enabled() default true;

    @AttributeDefinition(name = "Page address", description = "IP address the page listens on; loopback by default. "
            + "Any other address makes the page reachable from the network.")
    String host() default "127.0.0.1";

    @AttributeDefinition(name = "Page port", min = "1", max = "65535")
    int port() default 8477;

    @AttributeDefinition(name = "Metrics enabled", description = "Serve /metrics (Prometheus text format)")
    boolean metrics_enabled() default true;

    @AttributeDefinition(name = "Metrics address", description = "IP address of the metrics listener (its own listener, "
            + "so that a fleet can scrape it on the LAN while the page stays on loopback)")
    String metrics_host() default "127.0.0.1";

    @AttributeDefinition(name = "Metrics port", min = "1", max = "65535")
    int metrics_port() default 9477;

    @AttributeDefinition(name = "User", description = "Login name for the page and the metrics (HTTP Basic or form login)")
    String user() default "scxgamer";

    @AttributeDefinition(name = "Session minutes", description = "Idle time after which a page login expires", min = "1", max = "10080")
    int session_minutes() default 720;
}
