package org.scxgamer.dbus.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code scxgamer.dbus} (etc/scxgamer.dbus.cfg). */
@ObjectClassDefinition(id = DbusConfig.PID, name = "scxgamer D-Bus control",
        description = "Desktop control on the system bus: org.scx.Loader (scx_loader compatible; modes switch profiles) "
                + "and org.scxgamer.Scheduler, and optionally following power-profiles-daemon's active profile.")
public @interface DbusConfig {
    String PID = "scxgamer.dbus";

    @AttributeDefinition(name = "Enabled", description = "Connect to the bus and offer the interfaces")
    boolean enabled() default true;

    @AttributeDefinition(name = "Bus address", description = "D-Bus address of the system bus (unix:path=...)")
    String bus_address() default Settings.SYSTEM_BUS;

    @AttributeDefinition(name = "Offer org.scx.Loader", description = "Also own scx_loader's name (left alone when "
            + "scx_loader owns it)")
    boolean loader() default true;

    @AttributeDefinition(name = "Control groups", description = "Besides root, members of these groups may change "
            + "the scheduler (the bus policy file must let them through too)")
    String[] control_groups() default {"wheel"};

    @AttributeDefinition(name = "Auto mode profile", description = "Profile of mode 0 (Auto), also the default mode's")
    String mode_auto() default "default";

    @AttributeDefinition(name = "Gaming mode profile")
    String mode_gaming() default "esports";

    @AttributeDefinition(name = "PowerSave mode profile")
    String mode_powersave() default "low-power";

    @AttributeDefinition(name = "LowLatency mode profile")
    String mode_lowlatency() default "esports";

    @AttributeDefinition(name = "Server mode profile")
    String mode_server() default "casual";

    @AttributeDefinition(name = "Default mode", description = "Mode of RestoreDefault and the DefaultMode property")
    String mode_default() default "auto";

    @AttributeDefinition(name = "Follow power profile", description = "Switch profiles when power-profiles-daemon's "
            + "active profile (net.hadess.PowerProfiles) changes")
    boolean power_follow() default false;

    @AttributeDefinition(name = "Profile for 'performance'")
    String power_performance() default "esports";

    @AttributeDefinition(name = "Profile for 'balanced'")
    String power_balanced() default "default";

    @AttributeDefinition(name = "Profile for 'power-saver'")
    String power_power$_$saver() default "low-power";
}
