package org.scxgamer.dbus.impl;

import java.util.Map;

import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

/**
 * org.freedesktop.DBus.Properties of one interface, read-only: every property answered as a variant with its
 * exact D-Bus type (as for string lists, a{ss} for maps).
 */
abstract class PropertiesObject implements Properties {
    private final String iface;

    PropertiesObject(String iface) {
        this.iface = iface;
    }

    /** The current values, by property name. */
    abstract Map<String, Variant<?>> properties();

    @Override
    @SuppressWarnings("unchecked")
    public <A> A Get(String interfaceName, String propertyName) {
        Variant<?> v = all(interfaceName).get(propertyName);
        if (v == null) {
            throw Errors.of("org.freedesktop.DBus.Error.UnknownProperty", "no property '" + Errors.shown(propertyName)
                    + "' in " + iface + "; GetAll lists them");
        }
        return (A) v;
    }

    @Override
    public <A> void Set(String interfaceName, String propertyName, A value) {
        all(interfaceName);
        throw Errors.of("org.freedesktop.DBus.Error.PropertyReadOnly", "the properties of " + iface + " are read-only; "
                + "use its methods to change the scheduler");
    }

    @Override
    public Map<String, Variant<?>> GetAll(String interfaceName) {
        return all(interfaceName);
    }

    private Map<String, Variant<?>> all(String interfaceName) {
        if (!iface.equals(interfaceName)) {
            throw Errors.of("org.freedesktop.DBus.Error.UnknownInterface", "no interface '" + Errors.shown(interfaceName)
                    + "' here; this object serves " + iface);
        }
        return properties();
    }
}
