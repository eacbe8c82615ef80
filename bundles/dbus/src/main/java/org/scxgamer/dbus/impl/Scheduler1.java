package org.scxgamer.dbus.impl;

import java.util.Map;

import org.freedesktop.dbus.TypeRef;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.DBusProperty;
import org.freedesktop.dbus.annotations.DBusProperty.Access;
import org.freedesktop.dbus.annotations.PropertiesEmitsChangedSignal.EmitChangeSignal;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.UInt32;

/**
 * scxgamer's own interface {@code org.scxgamer.Scheduler1} at {@code /org/scxgamer/Scheduler}. Parts: each core
 * part's state and reason; ActiveProfile: empty when none; ForegroundPid/ForegroundName: the foreground game
 * (0 and empty for none); PowerProfile: power-profiles-daemon's active profile as last seen, empty when not
 * followed or not seen. SchedulerAttached, ActiveProfile and PowerProfile changes are announced.
 */
@DBusInterfaceName("org.scxgamer.Scheduler1")
@DBusProperty(name = "Parts", type = Scheduler1.PartsType.class, access = Access.READ, emitChangeSignal = EmitChangeSignal.FALSE)
@DBusProperty(name = "SchedulerAttached", type = Boolean.class, access = Access.READ)
@DBusProperty(name = "Profiles", type = String[].class, access = Access.READ, emitChangeSignal = EmitChangeSignal.FALSE)
@DBusProperty(name = "ActiveProfile", type = String.class, access = Access.READ)
@DBusProperty(name = "ForegroundPid", type = UInt32.class, access = Access.READ, emitChangeSignal = EmitChangeSignal.FALSE)
@DBusProperty(name = "ForegroundName", type = String.class, access = Access.READ, emitChangeSignal = EmitChangeSignal.FALSE)
@DBusProperty(name = "PowerProfile", type = String.class, access = Access.READ)
public interface Scheduler1 extends DBusInterface {
    /** Switches the live tunables to a profile (Profiles lists them). */
    void SetProfile(String name);

    /** a{ss} */
    interface PartsType extends TypeRef<Map<String, String>> {
    }
}
