package org.scxgamer.dbus.impl;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows power-profiles-daemon's {@code ActiveProfile} ({@value #NAME}): read when the daemon is (or comes)
 * on the bus and on each PropertiesChanged it sends. Changes reach the listener on the given executor.
 */
final class PowerProfiles {
    static final String NAME = "net.hadess.PowerProfiles";
    static final String PATH = "/net/hadess/PowerProfiles";
    private static final Logger LOG = LoggerFactory.getLogger(PowerProfiles.class);

    private final DBusConnection connection;
    private final Executor executor;
    private final Consumer<String> listener;
    private AutoCloseable changes;
    private AutoCloseable owners;
    private String last = "";

    PowerProfiles(DBusConnection connection, Executor executor, Consumer<String> listener) {
        this.connection = connection;
        this.executor = executor;
        this.listener = listener;
    }

    void start() throws DBusException {
        changes = connection.addSigHandler(Properties.PropertiesChanged.class, s -> {
            if (PATH.equals(s.getPath()) && NAME.equals(s.getInterfaceName())) {
                Variant<?> v = s.getPropertiesChanged().get("ActiveProfile");
                if (v != null && v.getValue() instanceof String p) {
                    executor.execute(() -> seen(p));
                }
            }
        });
        owners = connection.addSigHandler(DBus.NameOwnerChanged.class, s -> {
            if (NAME.equals(s.name)) {
                executor.execute(s.newOwner.isEmpty() ? () -> seen("") : this::read);
            }
        });
        read();
    }

    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {changes, owners}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                LOG.debug("dbus: removing a signal handler: {}", e.toString());
            }
        }
    }

    /** Reads ActiveProfile now; absent daemon: nothing to follow yet. */
    private void read() {
        try {
            Properties p = connection.getRemoteObject(NAME, PATH, Properties.class);
            Object v = p.Get(NAME, "ActiveProfile");
            if (v instanceof String s) {
                seen(s);
            }
        } catch (DBusException | DBusExecutionException e) {
            LOG.info("dbus: power-profiles-daemon ({}) is not on the bus ({}); following it when it appears", NAME,
                    e.getMessage());
        }
    }

    private void seen(String profile) {
        if (!profile.equals(last)) {
            last = profile;
            LOG.info("dbus: power profile {}", profile.isEmpty() ? "gone (power-profiles-daemon left the bus)" : profile);
            listener.accept(profile);
        }
    }
}
