package org.scxgamer.dbus.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/** {@code org.scxgamer.Scheduler1}: the state behind scx:status and the profiles, and switching profiles. */
final class SchedulerObject extends PropertiesObject implements Scheduler1 {
    static final String PATH = "/org/scxgamer/Scheduler";

    private final Backend backend;
    private final Authorizer authorizer;

    SchedulerObject(Backend backend, Authorizer authorizer) {
        super("org.scxgamer.Scheduler1");
        this.backend = backend;
        this.authorizer = authorizer;
    }

    @Override
    public String getObjectPath() {
        return PATH;
    }

    @Override
    Map<String, Variant<?>> properties() {
        Map<String, Variant<?>> m = new LinkedHashMap<>();
        m.put("Parts", new Variant<>(getParts(), "a{ss}"));
        m.put("SchedulerAttached", new Variant<>(isSchedulerAttached()));
        m.put("Profiles", new Variant<>(getProfiles().toArray(new String[0]), "as"));
        m.put("ActiveProfile", new Variant<>(getActiveProfile()));
        m.put("ForegroundPid", new Variant<>(getForegroundPid()));
        m.put("ForegroundName", new Variant<>(getForegroundName()));
        m.put("PowerProfile", new Variant<>(getPowerProfile()));
        return m;
    }

    public Map<String, String> getParts() {
        return backend.parts();
    }

    public boolean isSchedulerAttached() {
        return backend.schedulerAttached();
    }

    public List<String> getProfiles() {
        try {
            return backend.profiles();
        } catch (IllegalStateException e) {
            return List.of();
        }
    }

    public String getActiveProfile() {
        return backend.activeProfile();
    }

    public UInt32 getForegroundPid() {
        return new UInt32(Math.max(0, backend.foreground()));
    }

    public String getForegroundName() {
        int pid = backend.foreground();
        if (pid <= 0) {
            return "";
        }
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    public String getPowerProfile() {
        return backend.powerProfile();
    }

    @Override
    public void SetProfile(String name) {
        String profile;
        try {
            profile = Settings.profile(name);
        } catch (IllegalArgumentException e) {
            throw Errors.of(Errors.INVALID_ARGS, "'" + Errors.shown(name) + "': " + e.getMessage());
        }
        authorizer.check("SetProfile");
        try {
            backend.activate(profile, "dbus org.scxgamer.Scheduler1.SetProfile");
        } catch (IllegalArgumentException e) {
            throw Errors.of(Errors.INVALID_ARGS, e.getMessage());
        } catch (IllegalStateException e) {
            throw Errors.of(Errors.FAILED, e.getMessage());
        }
    }
}
