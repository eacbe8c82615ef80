package org.scxgamer.dbus.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * {@code org.scx.Loader} for scxgamer. Its one scheduler is {@value #SCHEDULER}, which runs as long as the
 * scxgamer service does: Start and Switch (with a mode, or with the arguments {@code --profile NAME})
 * switch the profile, Restart detaches and attaches it again, Stop is refused (stop the service instead).
 */
final class LoaderObject extends PropertiesObject implements Loader {
    static final String PATH = "/org/scx/Loader";
    static final String SCHEDULER = "scx_gamer";
    static final String PROFILE_ARG = "--profile";

    private final Backend backend;
    private final String uniqueName;
    private final Authorizer authorizer;
    // What the last Start/Switch asked for, guarded by this: the mode (several may share a profile) or the profile.
    private Mode requestedMode;
    private String requestedProfile;

    LoaderObject(Backend backend, String uniqueName, Authorizer authorizer) {
        super("org.scx.Loader");
        this.backend = backend;
        this.uniqueName = uniqueName;
        this.authorizer = authorizer;
    }

    @Override
    public String getObjectPath() {
        return PATH;
    }

    @Override
    Map<String, Variant<?>> properties() {
        Map<String, Variant<?>> m = new LinkedHashMap<>();
        m.put("CurrentScheduler", new Variant<>(getCurrentScheduler()));
        m.put("SchedulerMode", new Variant<>(getSchedulerMode()));
        m.put("CurrentSchedulerArgs", new Variant<>(getCurrentSchedulerArgs().toArray(new String[0]), "as"));
        m.put("SupportedSchedulers", new Variant<>(getSupportedSchedulers().toArray(new String[0]), "as"));
        m.put("DefaultScheduler", new Variant<>(getDefaultScheduler()));
        m.put("DefaultMode", new Variant<>(getDefaultMode()));
        m.put("DaemonGeneration", new Variant<>(getDaemonGeneration()));
        return m;
    }

    public String getCurrentScheduler() {
        return backend.schedulerAttached() ? SCHEDULER : "unknown";
    }

    public synchronized UInt32 getSchedulerMode() {
        if (!backend.schedulerAttached()) {
            return new UInt32(Mode.AUTO.number());
        }
        Mode m = backend.settings().modeOf(backend.activeProfile(), requestedMode);
        return new UInt32(m == null ? Mode.AUTO.number() : m.number());
    }

    public synchronized List<String> getCurrentSchedulerArgs() {
        String active = backend.activeProfile();
        if (!backend.schedulerAttached() || requestedProfile == null || !requestedProfile.equals(active)) {
            return List.of();
        }
        return List.of(PROFILE_ARG, active);
    }

    public List<String> getSupportedSchedulers() {
        return List.of(SCHEDULER);
    }

    public String getDefaultScheduler() {
        return SCHEDULER;
    }

    public UInt32 getDefaultMode() {
        return new UInt32(backend.settings().defaultMode().number());
    }

    public String getDaemonGeneration() {
        return uniqueName;
    }

    @Override
    public List<UInt32> SchedulerModes(String scxName) {
        scheduler(scxName);
        List<String> known = backend.profiles();
        List<UInt32> modes = new ArrayList<>();
        for (Mode m : Mode.values()) {
            if (m == Mode.AUTO || known.contains(backend.settings().modes().get(m))) {
                modes.add(new UInt32(m.number()));
            }
        }
        return modes;
    }

    @Override
    public List<ModeArgs> SchedulerModeArgs(String scxName) {
        scheduler(scxName);
        List<ModeArgs> out = new ArrayList<>();
        for (Mode m : Mode.values()) {
            out.add(new ModeArgs(new UInt32(m.number()), List.of(PROFILE_ARG, backend.settings().modes().get(m))));
        }
        return out;
    }

    @Override
    public void StartScheduler(String scxName, UInt32 schedMode) {
        switchMode("StartScheduler", scxName, schedMode);
    }

    @Override
    public void SwitchScheduler(String scxName, UInt32 schedMode) {
        switchMode("SwitchScheduler", scxName, schedMode);
    }

    @Override
    public void StartSchedulerWithArgs(String scxName, List<String> scxArgs) {
        switchArgs("StartSchedulerWithArgs", scxName, scxArgs);
    }

    @Override
    public void SwitchSchedulerWithArgs(String scxName, List<String> scxArgs) {
        switchArgs("SwitchSchedulerWithArgs", scxName, scxArgs);
    }

    @Override
    public void StopScheduler() {
        authorizer.check("StopScheduler");
        throw Errors.of(Errors.NOT_SUPPORTED, SCHEDULER + " runs as long as the scxgamer service: stop the service "
                + "(systemctl stop scxgamer) to leave the kernel's default scheduler in charge");
    }

    @Override
    public void RestartScheduler() {
        authorizer.check("RestartScheduler");
        if (!backend.schedulerAttached()) {
            throw Errors.of(Errors.FAILED, "no scheduler is running (scx:status says why " + SCHEDULER + " is not attached)");
        }
        try {
            backend.restartScheduler();
        } catch (IllegalStateException e) {
            throw Errors.of(Errors.FAILED, e.getMessage());
        }
    }

    @Override
    public void RestoreDefault() {
        Mode m = backend.settings().defaultMode();
        apply("RestoreDefault", backend.settings().modes().get(m), m, null);
    }

    private void switchMode(String method, String scxName, UInt32 schedMode) {
        scheduler(scxName);
        Mode m;
        try {
            m = Mode.of(schedMode == null ? -1 : schedMode.longValue());
        } catch (IllegalArgumentException e) {
            throw Errors.of(Errors.INVALID_ARGS, e.getMessage());
        }
        apply(method, backend.settings().modes().get(m), m, null);
    }

    private void switchArgs(String method, String scxName, List<String> args) {
        scheduler(scxName);
        if (args == null || args.size() != 2 || !PROFILE_ARG.equals(args.get(0))) {
            throw Errors.of(Errors.INVALID_ARGS, "scx_args for " + SCHEDULER + ": accepted exactly [\"" + PROFILE_ARG
                    + "\", NAME] (org.scxgamer.Scheduler1.Profiles lists the names); got " + shownArgs(args));
        }
        String profile;
        try {
            profile = Settings.profile(args.get(1));
        } catch (IllegalArgumentException e) {
            throw Errors.of(Errors.INVALID_ARGS, "'" + Errors.shown(args.get(1)) + "': " + e.getMessage());
        }
        apply(method, profile, null, profile);
    }

    private void apply(String method, String profile, Mode mode, String byArgs) {
        authorizer.check(method);
        try {
            backend.activate(profile, "dbus org.scx.Loader." + method + (mode == null ? "" : " mode " + mode.key()));
        } catch (IllegalArgumentException e) {
            throw Errors.of(Errors.INVALID_ARGS, e.getMessage());
        } catch (IllegalStateException e) {
            throw Errors.of(Errors.FAILED, e.getMessage());
        }
        synchronized (this) {
            requestedMode = mode;
            requestedProfile = byArgs;
        }
    }

    private static void scheduler(String scxName) {
        if (!SCHEDULER.equals(scxName)) {
            throw Errors.of(Errors.INVALID_ARGS, "scx_name '" + Errors.shown(scxName) + "' is not supported here; "
                    + "accepted: " + SCHEDULER + " (SupportedSchedulers)");
        }
    }

    private static String shownArgs(List<String> args) {
        if (args == null) {
            return "(none)";
        }
        List<String> shown = new ArrayList<>();
        for (String a : args.subList(0, Math.min(args.size(), 4))) {
            shown.add("\"" + Errors.shown(a) + "\"");
        }
        return "[" + String.join(", ", shown) + (args.size() > 4 ? ", … (" + args.size() + " in all)" : "") + "]";
    }
}
