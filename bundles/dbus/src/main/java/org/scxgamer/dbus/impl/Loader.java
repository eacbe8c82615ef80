package org.scxgamer.dbus.impl;

import java.util.List;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.DBusProperty;
import org.freedesktop.dbus.annotations.DBusProperty.Access;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.annotations.PropertiesEmitsChangedSignal.EmitChangeSignal;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.UInt32;

/**
 * scx_loader's interface {@code org.scx.Loader} (at {@code /org/scx/Loader}): the same members, types and
 * meanings, served for scxgamer's one scheduler, {@value LoaderObject#SCHEDULER}. Modes switch profiles.
 * The properties are served through {@link PropertiesObject} (declared here for introspection).
 */
@DBusInterfaceName("org.scx.Loader")
@DBusProperty(name = "CurrentScheduler", type = String.class, access = Access.READ)
@DBusProperty(name = "SchedulerMode", type = UInt32.class, access = Access.READ)
@DBusProperty(name = "CurrentSchedulerArgs", type = String[].class, access = Access.READ)
@DBusProperty(name = "SupportedSchedulers", type = String[].class, access = Access.READ,
        emitChangeSignal = EmitChangeSignal.CONST)
@DBusProperty(name = "DefaultScheduler", type = String.class, access = Access.READ, emitChangeSignal = EmitChangeSignal.CONST)
@DBusProperty(name = "DefaultMode", type = UInt32.class, access = Access.READ, emitChangeSignal = EmitChangeSignal.CONST)
@DBusProperty(name = "DaemonGeneration", type = String.class, access = Access.READ, emitChangeSignal = EmitChangeSignal.CONST)
public interface Loader extends DBusInterface {
    List<UInt32> SchedulerModes(String scxName);

    List<ModeArgs> SchedulerModeArgs(String scxName);

    void StartScheduler(String scxName, UInt32 schedMode);

    void StartSchedulerWithArgs(String scxName, List<String> scxArgs);

    void SwitchScheduler(String scxName, UInt32 schedMode);

    void SwitchSchedulerWithArgs(String scxName, List<String> scxArgs);

    void StopScheduler();

    void RestartScheduler();

    void RestoreDefault();

    /** One (mode, arguments) pair of SchedulerModeArgs. */
    final class ModeArgs extends Struct {
        @Position(0)
        private final UInt32 mode;
        @Position(1)
        private final List<String> args;

        public ModeArgs(UInt32 mode, List<String> args) {
            this.mode = mode;
            this.args = args;
        }

        public UInt32 getMode() {
            return mode;
        }

        public List<String> getArgs() {
            return args;
        }
    }
}
