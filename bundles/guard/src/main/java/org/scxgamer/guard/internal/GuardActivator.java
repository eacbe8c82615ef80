package org.scxgamer.guard.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two duties the runtime needs before anything else runs: the file guard for deploy/ and etc/, and
 * a JVM shutdown hook that stops the framework on SIGTERM (the bnd launcher has none, so without
 * it bundles would never deactivate: no scheduler detach, no flush) within {@link #STOP_WAIT_MS}.
 */
public final class GuardActivator implements BundleActivator {
    /** Leaves headroom under the 5 s a service manager is promised. */
    static final long STOP_WAIT_MS = 4000;
    /** Looked up at use, never at start: this bundle starts before the logging backend, and an early
     *  first call would bind SLF4J to its no-op provider for the whole runtime. */
    private static Logger log() {
        return LoggerFactory.getLogger("org.scxgamer.guard");
    }

    /** Marks the guard's own installer, so that it is not among the installers it passes files to. */
    static final String GUARD_PROPERTY = "scxgamer.guard";

    private ServiceRegistration<ArtifactInstaller> installer;
    private ServiceTracker<ArtifactInstaller, ArtifactInstaller> others;
    private Thread hook;

    @Override
    public void start(BundleContext context) throws Exception {
        List<Path> dirs = new ArrayList<>();
        String prop = context.getProperty("felix.fileinstall.dir");
        if (prop != null) {
            for (String d : prop.split(",")) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d.trim()).toAbsolutePath().normalize());
                }
            }
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
        props.put(GUARD_PROPERTY, Boolean.TRUE);
        others = new ServiceTracker<>(context, context.createFilter("(&(" + Constants.OBJECTCLASS + "="
                + ArtifactInstaller.class.getName() + ")(!(" + GUARD_PROPERTY + "=*)))"), null);
        others.open();
        installer = context.registerService(ArtifactInstaller.class,
                new RefusingInstaller(new FilePolicy(FilePolicy.currentUid()), new AllowList(allowListFile(context)), dirs,
                        this::otherInstallers),
                props);

        Framework framework = (Framework) context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        hook = new Thread(() -> stopFramework(framework), "scxgamer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * scxgamer.guard.cfg of the configuration folder (scxgamer.etc, else etc/ of the runtime folder; none
     * outside the runtime, e.g. in-framework tests).
     */
    private static Path allowListFile(BundleContext context) {
        String etc = context.getProperty("scxgamer.etc");
        if (etc != null) {
            return Path.of(etc, "scxgamer.guard.cfg");
        }
        String home = context.getProperty("scxgamer.home");
        return home == null ? null : Path.of(home, "etc", "scxgamer.guard.cfg");
    }

    @Override
    public void stop(BundleContext context) {
        installer.unregister();
        others.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook itself is stopping the framework
        }
    }

    /** The other installers, highest ranking first (ServiceReference order). */
    private List<ArtifactInstaller> otherInstallers() {
        ServiceReference<ArtifactInstaller>[] refs = others.getServiceReferences();
        if (refs == null) {
            return List.of();
        }
        Arrays.sort(refs, Collections.reverseOrder());
        List<ArtifactInstaller> out = new ArrayList<>();
        for (ServiceReference<ArtifactInstaller> r : refs) {
            ArtifactInstaller i = others.getService(r);
            if (i != null) {
                out.add(i);
            }
        }
        return out;
    }

    private static void stopFramework(Framework framework) {
        if ((framework.getState() & (Framework.ACTIVE | Framework.STARTING)) == 0) {
            return;
        }
        long t0 = System.nanoTime();
        log().info("scxgamer: shutdown requested (SIGTERM or exit): stopping the framework");
        try {
            framework.stop();
            FrameworkEvent e = framework.waitForStop(STOP_WAIT_MS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                log().error("scxgamer: the framework did not stop within {} ms; exiting anyway", ms);
            } else {
                log().info("scxgamer: clean shutdown: framework stopped in {} ms", ms);
            }
        } catch (Exception e) {
            log().error("scxgamer: stopping the framework failed", e);
        }
    }
}
