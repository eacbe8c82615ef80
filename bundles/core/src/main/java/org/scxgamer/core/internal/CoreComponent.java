package org.scxgamer.core.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.InputEventService;
import org.scxgamer.core.events.EventHub;
import org.scxgamer.core.kernel.Kernel;
import org.scxgamer.core.kernel.LibbpfKernel;
import org.scxgamer.core.kernel.TopologyReader;
import org.scxgamer.common.config.ConfigReader;
import org.scxgamer.common.config.ConfigReader.InvalidConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core: configuration PID scxgamer.core, the kernel lifecycle, the listener whiteboard, and the
 * services. {@link ScxControl} is registered while the component is active; {@link InputEventService}
 * while the ring reader runs. A configuration with an invalid value is refused as a whole (one error
 * naming the file, key, value and range) and the previous one stays in force.
 */
@Component(immediate = true, configurationPid = CoreConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = CoreConfig.class)
public class CoreComponent {
    private static final Logger LOG = LoggerFactory.getLogger(CoreComponent.class);

    private final EventHub hub = new EventHub();
    private volatile EventAdmin eventAdmin;
    private BundleContext context;
    private CoreRuntime runtime;
    /** Runs the monitor rounds: every {@link CoreRuntime#tickMillis}, and at once when the reader reads an exit. */
    private Thread monitor;
    private volatile boolean monitoring;
    /** Set by the reader thread with the wake-up, so a round is not taken for a spurious one. */
    private final AtomicBoolean exitRead = new AtomicBoolean();
    private ServiceRegistration<ScxControl> controlReg;
    private ServiceRegistration<InputEventService> eventReg;

    /*
     * An activate method, not constructor injection: DS binds the dynamic references (Event Admin,
     * listeners) before it, so the parts' first states and the scheduler's attach are posted.
     */
    @Activate
    void activate(BundleContext ctx, Map<String, Object> props) {
        this.context = ctx;
        CoreSettings.Parsed parsed = parseOrDefaults(props, true);
        runtime = new CoreRuntime(this::openKernel, new SchedExtSysfs(SchedExtSysfs.DEFAULT), this::post,
                this::publishEventService, hub);
        runtime.start(parsed.settings(), parsed.explicitTunables(), new ConfigReader(CoreConfig.PID, props).source());
        controlReg = ctx.registerService(ScxControl.class, runtime, null);
        monitoring = true;
        monitor = new Thread(this::monitorRounds, "scxgamer-monitor");
        monitor.setDaemon(true);
        Thread m = monitor;
        // The reader thread: a flag and an unpark, nothing that waits.
        hub.onSchedulerExit(() -> {
            exitRead.set(true);
            LockSupport.unpark(m);
        });
        monitor.start();
    }

    private void monitorRounds() {
        long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(runtime.tickMillis());
        while (monitoring) {
            LockSupport.parkNanos(this, next - System.nanoTime());
            if (!monitoring) {
                return;
            }
            boolean exit = exitRead.getAndSet(false);
            if (!exit && System.nanoTime() - next < 0) {
                continue; // a spurious wake-up
            }
            try {
                runtime.tick();
            } catch (RuntimeException e) {
                LOG.error("Monitor round failed: {}", e.getMessage(), e);
            }
            next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(runtime.tickMillis());
        }
    }

    @Modified
    void modified(Map<String, Object> props) {
        CoreSettings.Parsed parsed = parseOrDefaults(props, false);
        if (parsed == null) {
            return;
        }
        try {
            runtime.apply(parsed.settings(), new ConfigReader(CoreConfig.PID, props).source());
        } catch (RuntimeException e) {
            // The values were valid but the kernel side refused them (e.g. a map update failed).
            LOG.error("{}: configuration could not be applied: {}", new ConfigReader(CoreConfig.PID, props).source(), e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate() {
        monitoring = false;
        hub.onSchedulerExit(() -> { });
        LockSupport.unpark(monitor);
        try {
            monitor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        controlReg.unregister();
        runtime.stop();
        hub.removeAll();
        LOG.info("Core stopped: reader stopped, scheduler detached, kernel objects closed");
    }

    /**
     * @param first on activation an invalid configuration falls back to the built-in defaults;
     *              later the previous configuration stays (null is returned)
     */
    private CoreSettings.Parsed parseOrDefaults(Map<String, Object> props, boolean first) {
        try {
            CoreSettings.Parsed r = CoreSettings.parse(props);
            for (String w : r.warnings()) {
                LOG.warn("{}: {}", new ConfigReader(CoreConfig.PID, props).source(), w);
            }
            return r;
        } catch (InvalidConfigException e) {
            LOG.error("{}: invalid configuration, nothing of it applied, {} stays in force: {}", e.source(),
                    first ? "the built-in default configuration" : "the previous configuration", e.problems());
            return first ? CoreSettings.parse(Map.of()) : null;
        }
    }

    private Kernel openKernel(CoreSettings s) {
        return LibbpfKernel.open(LibbpfKernel.Options.defaults().withRingBytes(s.ringSizeKiB() * 1024).withDeviceCache(s.deviceCacheSize())
                .withParts(s.hookEnabled(), s.schedulerEnabled(), s.injectorEnabled())
                .withTopology(TopologyReader.read(TopologyReader.SYSFS_CPU, s.cacheCpus(), s.fastCpus())));
    }

    private void publishEventService(boolean available) {
        synchronized (this) {
            if (available && eventReg == null) {
                eventReg = context.registerService(InputEventService.class, runtime.eventService(), null);
            } else if (!available && eventReg != null) {
                eventReg.unregister();
                eventReg = null;
            }
        }
    }

    private void post(String topic, Map<String, Object> props) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(topic, props));
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setEventAdmin(EventAdmin ea) {
        this.eventAdmin = ea;
    }

    void unsetEventAdmin(EventAdmin ea) {
        if (this.eventAdmin == ea) {
            this.eventAdmin = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(InputEventListener listener, ServiceReference<InputEventListener> ref) {
        Map<String, Object> props = new HashMap<>();
        for (String k : ref.getPropertyKeys()) {
            props.put(k, ref.getProperty(k));
        }
        String bundle = ref.getBundle() == null ? "unknown" : ref.getBundle().getSymbolicName();
        try {
            hub.add(listener, props, bundle);
        } catch (IllegalArgumentException e) {
            LOG.error("Listener {} (service {}, bundle {}) not subscribed, fix its service properties: {}",
                    listener.getClass().getName(), ref.getProperty(Constants.SERVICE_ID), bundle, e.getMessage());
        }
    }

    void updatedListener(InputEventListener listener, ServiceReference<InputEventListener> ref) {
        removeListener(listener, ref);
        addListener(listener, ref);
    }

    void removeListener(InputEventListener listener, ServiceReference<InputEventListener> ref) {
        hub.remove((Long) ref.getProperty(Constants.SERVICE_ID));
    }
}
