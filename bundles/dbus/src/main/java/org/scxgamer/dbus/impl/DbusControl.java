package org.scxgamer.dbus.impl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.StatusContributor;
import org.scxgamer.api.control.Topics;
import org.scxgamer.api.profile.ProfileService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop control on the system bus: owns {@code org.scxgamer.Scheduler} and, unless another process
 * (scx_loader) has it, {@code org.scx.Loader}; optionally follows power-profiles-daemon. Without a bus it
 * says so in {@code scx:status} and tries again every {@value #RETRY_SECONDS} s; it never stops the platform.
 */
@Component(service = {StatusContributor.class, EventHandler.class}, immediate = true, configurationPid = DbusConfig.PID,
        property = {EventConstants.EVENT_TOPIC + "=" + Topics.TUNABLES_CHANGED,
                EventConstants.EVENT_TOPIC + "=" + Topics.SCHEDULER_ATTACHED,
                EventConstants.EVENT_TOPIC + "=" + Topics.SCHEDULER_EXITED})
@Designate(ocd = DbusConfig.class)
public class DbusControl implements StatusContributor, EventHandler, Backend {
    static final String OWN_NAME = "org.scxgamer.Scheduler";
    static final String LOADER_NAME = "org.scx.Loader";
    static final long RETRY_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(DbusControl.class);

    private final ScxControl control;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scxgamer-dbus");
        t.setDaemon(true);
        return t;
    });
    private volatile ProfileService profiles;
    private volatile Settings settings;
    private volatile String state = "starting";
    private volatile String powerProfile = "";
    // Owned by the executor thread.
    private DBusConnection connection;
    private ScheduledFuture<?> retry;
    private PowerProfiles power;
    private LoaderObject loader;
    private SchedulerObject own;
    private final Map<String, Object> shownLoader = new HashMap<>();
    private final Map<String, Object> shownOwn = new HashMap<>();

    @Activate
    public DbusControl(@Reference ScxControl control, Map<String, Object> props) {
        this.control = control;
        Settings s;
        try {
            s = Settings.parse(props);
        } catch (IllegalArgumentException e) {
            LOG.error("dbus: {}; using the defaults", e.getMessage());
            s = Settings.defaults();
        }
        settings = s;
        executor.execute(this::connect);
    }

    @Modified
    void modified(Map<String, Object> props) {
        try {
            Settings s = Settings.parse(props);
            executor.execute(() -> {
                settings = s;
                disconnect();
                connect();
            });
        } catch (IllegalArgumentException e) {
            LOG.error("dbus: {}; the previous configuration stays in force", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        executor.execute(this::disconnect);
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setProfiles(ProfileService p) {
        profiles = p;
        changed();
    }

    void unsetProfiles(ProfileService p) {
        if (profiles == p) {
            profiles = null;
        }
        changed();
    }

    // ---- connection (executor thread) -------------------------------------------------------------

    private void connect() {
        Settings s = settings;
        if (!s.enabled()) {
            state = "disabled (enabled = false in " + DbusConfig.PID + ")";
            LOG.info("dbus: {}", state);
            return;
        }
        DBusConnection c = null;
        try {
            c = DBusConnectionBuilder.forAddress(s.busAddress()).withShared(false)
                    .transportConfig().withServiceLoaderClassLoader(DbusControl.class.getClassLoader()).back()
                    .withDisconnectCallback(new org.freedesktop.dbus.connections.IDisconnectCallback() {
                        @Override
                        public void disconnectOnError(java.io.IOException e) {
                            try {
                                executor.execute(() -> lost(e));
                            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                                // deactivated meanwhile
                            }
                        }
                    }).build();
            DBus bus = c.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
            Authorizer auth = new Authorizer(sender -> bus.GetConnectionUnixUser(sender).longValue(), s.controlGroups(),
                    Path.of("/etc/passwd"), Path.of("/etc/group"));
            own = new SchedulerObject(this, auth);
            c.exportObject(own);
            c.requestBusName(OWN_NAME);
            List<String> names = new ArrayList<>(List.of(OWN_NAME));
            String loaderNote = "";
            if (s.loader()) {
                if (bus.NameHasOwner(LOADER_NAME)) {
                    loaderNote = "; " + LOADER_NAME + " is owned by another process (" + bus.GetNameOwner(LOADER_NAME)
                            + ", scx_loader?): offering only " + OWN_NAME;
                    LOG.warn("dbus: {} is owned by another process ({}), probably scx_loader: offering only {}", LOADER_NAME,
                            bus.GetNameOwner(LOADER_NAME), OWN_NAME);
                } else {
                    loader = new LoaderObject(this, c.getUniqueName(), auth);
                    c.exportObject(loader);
                    c.requestBusName(LOADER_NAME);
                    names.add(LOADER_NAME);
                }
            }
            connection = c;
            if (s.powerFollow()) {
                power = new PowerProfiles(c, executor, this::powerChanged);
                power.start();
            }
            state = "connected to " + s.busAddress() + " as " + c.getUniqueName() + ", owning " + String.join(", ", names)
                    + loaderNote + powerNote();
            LOG.info("dbus: {}", state);
            emitChanges();
        } catch (DBusException | RuntimeException e) {
            if (c != null) {
                c.disconnect();
            }
            connection = null;
            loader = null;
            own = null;
            state = "unavailable: no usable bus at " + s.busAddress() + " (" + Errors.shown(String.valueOf(e.getMessage()))
                    + "); trying again every " + RETRY_SECONDS + " s; set bus.address or enabled = false in etc/"
                    + DbusConfig.PID + ".cfg";
            LOG.warn("dbus: {}", state);
            retry = executor.schedule(this::connect, RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void lost(java.io.IOException e) {
        if (connection == null) {
            return;
        }
        LOG.warn("dbus: lost the bus ({}); reconnecting", e.getMessage());
        disconnect();
        connect();
    }

    private void disconnect() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        if (power != null) {
            power.stop();
            power = null;
        }
        if (connection != null) {
            connection.disconnect();
            connection = null;
        }
        loader = null;
        own = null;
        shownLoader.clear();
        shownOwn.clear();
        powerProfile = "";
    }

    private String powerNote() {
        return settings.powerFollow() ? "; power profile: " + (powerProfile.isEmpty() ? "not seen (power-profiles-daemon "
                + "not on the bus)" : powerProfile + " → profile " + settings.power().get(powerProfile)) : "";
    }

    /** power-profiles-daemon's active profile changed (executor thread); empty when it left the bus. */
    private void powerChanged(String profile) {
        powerProfile = profile;
        String target = settings.power().get(profile);
        if (target != null) {
            try {
                activate(target, "dbus power profile " + profile);
            } catch (RuntimeException e) {
                LOG.warn("dbus: power profile {} maps to profile {}, which could not be applied: {}", profile, target,
                        e.getMessage());
            }
        } else if (!profile.isEmpty()) {
            LOG.warn("dbus: power profile '{}' is not one of {}; profile left alone", Errors.shown(profile),
                    String.join(", ", Settings.POWER_PROFILES));
        }
        if (connection != null) {
            state = state.replaceAll("; power profile: .*$", "") + powerNote();
        }
        emitChanges();
    }

    // ---- property change signals ------------------------------------------------------------------

    @Override
    public void handleEvent(Event event) {
        changed();
    }

    private void changed() {
        try {
            executor.execute(this::emitChanges);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // deactivated: the connection is gone, nothing to announce
        }
    }

    /** Sends PropertiesChanged for the properties that differ from what was last announced. */
    private void emitChanges() {
        if (connection == null) {
            return;
        }
        if (loader != null) {
            Map<String, Variant<?>> now = loader.properties();
            now.keySet().retainAll(List.of("CurrentScheduler", "SchedulerMode", "CurrentSchedulerArgs"));
            emit(LoaderObject.PATH, "org.scx.Loader", now, shownLoader);
        }
        if (own != null) {
            Map<String, Variant<?>> now = own.properties();
            now.keySet().retainAll(List.of("SchedulerAttached", "ActiveProfile", "PowerProfile"));
            emit(SchedulerObject.PATH, "org.scxgamer.Scheduler1", now, shownOwn);
        }
    }

    private void emit(String path, String iface, Map<String, Variant<?>> now, Map<String, Object> shown) {
        Map<String, Variant<?>> diff = new LinkedHashMap<>();
        now.forEach((k, v) -> {
            Object value = v.getValue() instanceof Object[] a ? List.of(a) : v.getValue();
            if (!value.equals(shown.get(k))) {
                diff.put(k, v);
                shown.put(k, value);
            }
        });
        if (diff.isEmpty()) {
            return;
        }
        try {
            connection.sendMessage(new Properties.PropertiesChanged(path, iface, diff, List.of()));
        } catch (DBusException e) {
            LOG.warn("dbus: could not announce {} of {}: {}", diff.keySet(), iface, e.getMessage());
        }
    }

    // ---- Backend -----------------------------------------------------------------------------------

    @Override
    public String name() {
        return "dbus";
    }

    @Override
    public String status() {
        return state;
    }

    @Override
    public boolean schedulerAttached() {
        var s = control.scheduler();
        return s != null && s.attached();
    }

    @Override
    public Map<String, String> parts() {
        Map<String, String> m = new LinkedHashMap<>();
        for (PartStatus p : control.parts()) {
            m.put(p.part().name().toLowerCase(Locale.ROOT),
                    p.state() + (p.reason() == null || p.reason().isEmpty() ? "" : ": " + p.reason()));
        }
        return m;
    }

    @Override
    public List<String> profiles() {
        return profileService().names();
    }

    @Override
    public String activeProfile() {
        ProfileService p = profiles;
        return p == null ? "" : p.active();
    }

    @Override
    public void activate(String profile, String source) {
        profileService().activate(profile, source);
        changed();
    }

    @Override
    public void restartScheduler() {
        control.restartScheduler();
    }

    @Override
    public int foreground() {
        return control.foreground();
    }

    @Override
    public String powerProfile() {
        return powerProfile;
    }

    @Override
    public Settings settings() {
        return settings;
    }

    private ProfileService profileService() {
        ProfileService p = profiles;
        if (p == null) {
            throw new IllegalStateException("the profiles policy is not running: drop org.scxgamer.policy.profiles.jar "
                    + "into deploy/ (modes switch its profiles)");
        }
        return p;
    }
}
