package org.scxgamer.web.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.Servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.scxgamer.common.config.ConfigReader;
import org.scxgamer.common.config.ConfigReader.InvalidConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the two listeners (page, metrics) and the login. The listeners are Felix HTTP Jetty factory
 * instances this component configures from PID scxgamer.web after checking the values; the
 * framework-wide default instance is disabled in the runtime, so nothing listens unless configured
 * here. Servlets go to the whiteboard with a target filter naming their listener.
 */
@Component(configurationPid = WebConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = WebConfig.class)
public class WebServer {
    static final String JETTY_PID = "org.apache.felix.http";
    static final String PAGE_LISTENER = "scxgamer-web";
    static final String METRICS_LISTENER = "scxgamer-metrics";
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    /** A PID nobody configures: registering a ManagedService for it makes ConfigAdmin call back in turn. */
    static final String SETTLED_PID = "scxgamer.web.listeners-settled";
    private static final long SETTLE_SECONDS = 10;

    private final BundleContext context;
    private final ConfigurationAdmin cm;
    private final Credentials credentials;
    private final ServiceRegistration<?> pageReg;
    private final ServiceRegistration<?> metricsReg;
    private volatile Settings settings;
    private volatile Auth auth;

    @Activate
    public WebServer(BundleContext context, @Reference ConfigurationAdmin cm, @Reference Monitor monitor,
                     Map<String, Object> props) throws IOException {
        this.context = context;
        this.cm = cm;
        Settings s;
        try {
            s = Settings.parse(props);
        } catch (InvalidConfigException e) {
            LOG.error("web: invalid configuration {}{}: {}; using the defaults (loopback)", WebConfig.PID, from(props), e.problems());
            s = Settings.DEFAULTS;
        }
        this.credentials = Credentials.load(passwordFile(context), s.user());
        this.pageReg = context.registerService(Servlet.class, new PageServlet(this, monitor), whiteboard(PAGE_LISTENER,
                "/scxgamer/*", "/"));
        this.metricsReg = context.registerService(Servlet.class, new MetricsServlet(this, monitor),
                whiteboard(METRICS_LISTENER, "/metrics"));
        apply(s);
    }

    @Modified
    void modified(Map<String, Object> props) throws IOException {
        Settings s;
        try {
            s = Settings.parse(props);
        } catch (InvalidConfigException e) {
            LOG.error("web: invalid configuration {}{}: {}; the previous configuration stays in force", WebConfig.PID, from(props),
                    e.problems());
            return;
        }
        apply(s);
    }

    @Deactivate
    void deactivate() throws IOException {
        pageReg.unregister();
        metricsReg.unregister();
        listener(PAGE_LISTENER, false, null, 0);
        listener(METRICS_LISTENER, false, null, 0);
        awaitConfigAdmin();
    }

    /**
     * Waits until ConfigAdmin has delivered what was queued before: the deletion of the listeners and a
     * listener start still in progress. Felix ConfigAdmin hands configurations to managed services one at a
     * time, in order, on one thread, and calls a newly registered ManagedService (here with a PID nobody
     * configures) in that same queue. Without this wait a stop right after the start (a piped shell, SIGTERM)
     * lets the framework stop the Jetty bundle while that thread is still starting a listener in it, which
     * then fails with "Invalid BundleContext" and a stack trace.
     */
    private void awaitConfigAdmin() {
        CountDownLatch called = new CountDownLatch(1);
        ServiceRegistration<ManagedService> marker = context.registerService(ManagedService.class, p -> called.countDown(),
                new Hashtable<>(Map.of(Constants.SERVICE_PID, SETTLED_PID)));
        try {
            if (!called.await(SETTLE_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("web: ConfigAdmin did not get to stopping the listeners within {} s; stopping anyway", SETTLE_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            marker.unregister();
        }
    }

    Auth auth() {
        return auth;
    }

    private static Path passwordFile(BundleContext context) {
        String home = context.getProperty("scxgamer.home");
        return home != null ? Path.of(home, "data", "web", "password")
                : context.getDataFile("web").toPath().resolve("password");
    }

    private void apply(Settings s) throws IOException {
        Settings old = settings;
        auth = old != null && old.user().equals(s.user()) && old.sessionMinutes() == s.sessionMinutes()
                ? auth : new Auth(s.user(), credentials, s.sessionMinutes());
        listener(PAGE_LISTENER, s.enabled(), s.host(), s.port());
        listener(METRICS_LISTENER, s.metricsEnabled(), s.metricsHost(), s.metricsPort());
        settings = s;
        if (s.enabled()) {
            LOG.info("web: page on http://{}/scxgamer/ (user '{}', password in {})", hostPort(s.host(), s.port()),
                    s.user(), credentials.file());
        }
        if (s.metricsEnabled()) {
            LOG.info("web: metrics on http://{}/metrics (same login, HTTP Basic)", hostPort(s.metricsHost(), s.metricsPort()));
        }
        warnIfExposed("host", s.enabled(), s.host());
        warnIfExposed("metrics.host", s.metricsEnabled(), s.metricsHost());
    }

    private static void warnIfExposed(String key, boolean enabled, String host) {
        if (enabled && !Settings.loopback(host)) {
            LOG.warn("web: {} = {} is not loopback: reachable from the network over plain HTTP; "
                    + "prefer 127.0.0.1 behind an SSH tunnel or a TLS reverse proxy (docs/SECURITY.md)", key, host);
        }
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private void listener(String name, boolean enabled, String host, int port) throws IOException {
        Configuration c = cm.getFactoryConfiguration(JETTY_PID, name, "?");
        if (!enabled) {
            if (c.getProperties() != null) {
                c.delete();
            }
            return;
        }
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("org.apache.felix.http.name", name);
        p.put("org.apache.felix.http.host", host);
        p.put("org.osgi.service.http.port", port);
        p.put("org.apache.felix.http.enable", true);
        p.put("org.apache.felix.https.enable", false);
        p.put("org.apache.felix.http.jetty.sendServerHeader", false);
        c.updateIfDifferent(p);
    }

    private static Dictionary<String, Object> whiteboard(String listener, String... patterns) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("osgi.http.whiteboard.servlet.pattern", patterns);
        p.put("osgi.http.whiteboard.target", "(org.apache.felix.http.name=" + listener + ")");
        p.put("osgi.http.whiteboard.servlet.name", listener);
        return p;
    }

    /** The file a configuration came from (FileInstall), for messages. */
    private static String from(Map<String, Object> props) {
        Object file = props.get(ConfigReader.FILENAME);
        return file == null ? "" : " (" + file + ")";
    }
}
