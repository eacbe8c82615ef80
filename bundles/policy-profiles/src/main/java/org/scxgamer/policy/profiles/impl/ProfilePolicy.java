package org.scxgamer.policy.profiles.impl;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.Topics;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.profile.ProfileService;
import org.scxgamer.common.config.ConfigReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profiles policy: switches the live tunables between named presets with
 * {@code setTunables(values, "profile:NAME")}. It only ever sets tunables (never classes or the
 * foreground), so it cannot fight the foreground policy. When some other source changes a tunable the
 * active profile set, the core's last-writer-wins applies; this policy logs a warning naming the source,
 * marks the tunable "overridden" in {@code policy:profiles}, and does not fight back —
 * {@code policy:profile NAME} re-applies the profile.
 */
@Component(service = {ProfilePolicy.class, ProfileService.class, EventHandler.class}, immediate = true, configurationPid = ProfilePolicy.PID,
        property = {
                "osgi.command.scope=policy",
                "osgi.command.function=profile",
                "osgi.command.function=profiles",
                EventConstants.EVENT_TOPIC + "=" + Topics.TUNABLES_CHANGED})
@Designate(ocd = ProfilesConfig.class)
public class ProfilePolicy implements EventHandler, ProfileService {
    static final String PID = "scxgamer.policy.profiles";
    static final String SOURCE_PREFIX = "profile:";
    private static final Logger LOG = LoggerFactory.getLogger(ProfilePolicy.class);

    private final ScxControl control;

    private final List<ProfileDefinition> configured = new CopyOnWriteArrayList<>();
    // Guarded by this.
    private boolean builtins = true;
    private String wanted = "";
    private Profile active;
    private Map<Tunable, Long> baseline;
    private final Map<Tunable, String> overridden = new EnumMap<>(Tunable.class);

    @Activate
    public ProfilePolicy(@Reference ScxControl control, Map<String, Object> props) {
        this.control = control;
        configure(props, true);
    }

    /** For tests: not configured yet ({@link #configure}). */
    ProfilePolicy(ScxControl control) {
        this.control = control;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addProfile(ProfileDefinition d) {
        configured.add(d);
        refresh(d);
    }

    void updatedProfile(ProfileDefinition d) {
        refresh(d);
    }

    void removeProfile(ProfileDefinition d) {
        configured.remove(d);
        refresh(d);
    }

    /** A configured profile came, changed or went: re-apply if it is (or replaces) the active one. */
    private synchronized void refresh(ProfileDefinition d) {
        Profile p = d.profile();
        if (active == null || p == null || !p.name().equals(active.name())) {
            if (active == null && p != null && p.name().equals(wanted)) {
                switchTo(wanted, "configured");
            }
            return;
        }
        Profile now = available().get(active.name());
        if (now == null) {
            LOG.warn("active profile {} was removed; its values stay until another profile is chosen", active.name());
            return;
        }
        if (!now.equals(active)) {
            switchTo(now.name(), "its definition changed");
        }
    }

    @Modified
    void modified(Map<String, Object> props) {
        configure(props, false);
    }

    synchronized void configure(Map<String, ?> props, boolean first) {
        ConfigReader c = new ConfigReader(PID, props);
        boolean builtinsNow = c.bool("builtins", true);
        String name = c.parsed("active", "", a -> a);
        try {
            c.check();
        } catch (IllegalArgumentException e) {
            LOG.error("{}; keeping the {} configuration", e.getMessage(), first ? "default" : "previous");
            return;
        }
        if (!name.isEmpty() && !profilesWith(builtinsNow).containsKey(name)) {
            // A configured profile may still be on its way (factory configurations activate in any order).
            LOG.warn("{}: active = '{}' is not a known profile yet (known: {}); it is applied when it appears", PID, name,
                    profilesWith(builtinsNow).keySet());
        }
        builtins = builtinsNow;
        boolean changed = !name.equals(wanted);
        wanted = name;
        if (!name.isEmpty() && (first || changed) && available().containsKey(name)) {
            switchTo(name, "configured");
        }
    }

    @Deactivate
    synchronized void deactivate() {
        if (active != null && baseline != null) {
            Map<Tunable, Long> restore = new EnumMap<>(Tunable.class);
            for (Tunable t : active.values().keySet()) {
                if (!overridden.containsKey(t)) {
                    restore.put(t, baseline.getOrDefault(t, t.defaultValue()));
                }
            }
            try {
                control.setTunables(restore, SOURCE_PREFIX + "none");
                LOG.info("profile {} removed: {} tunables back to the values before any profile", active.name(), restore.size());
            } catch (RuntimeException e) {
                LOG.warn("could not restore the tunables of profile {}: {}", active.name(), e.getMessage());
            }
        }
        active = null;
    }

    /** Profiles offered now: built-ins (if on) replaced by configured ones of the same name. */
    Map<String, Profile> available() {
        return profilesWith(builtins);
    }

    private Map<String, Profile> profilesWith(boolean withBuiltins) {
        Map<String, Profile> m = withBuiltins ? Profile.builtins() : new LinkedHashMap<>();
        for (ProfileDefinition d : configured) {
            Profile p = d.profile();
            if (p != null) {
                m.put(p.name(), p);
            }
        }
        return m;
    }

    private synchronized String switchTo(String name, String why) {
        Profile next = available().get(name);
        if (next == null) {
            throw new IllegalArgumentException("no profile '" + name + "'; known: " + String.join(", ", available().keySet()));
        }
        Map<Tunable, Long> before = control.tunables();
        Map<Tunable, Long> base = baseline != null ? baseline : before;
        Map<Tunable, Long> values = Profile.plan(active, next, base);
        control.setTunables(values, SOURCE_PREFIX + name);
        if (baseline == null) {
            baseline = new EnumMap<>(before);
        }
        active = next;
        overridden.clear();
        Map<Tunable, Long> restored = new EnumMap<>(values);
        restored.keySet().removeAll(next.values().keySet());
        String text = "profile " + name + " active: " + render(next.values())
                + (restored.isEmpty() ? "" : "; back to the values before any profile: " + render(restored));
        LOG.info("{} ({})", text, why);
        return text;
    }

    @Override
    public void handleEvent(Event event) {
        Object source = event.getProperty(Topics.SOURCE);
        String src = source == null ? "unknown" : source.toString();
        synchronized (this) {
            // Profile switches (this policy's own, possibly delivered late) are not overrides.
            if (active == null || src.startsWith(SOURCE_PREFIX)) {
                return;
            }
            for (Tunable t : active.values().keySet()) {
                Object v = event.getProperty(t.key());
                if (v != null && !String.valueOf(active.values().get(t)).equals(v.toString())) {
                    overridden.put(t, src);
                    LOG.warn("profile {}: {} changed to {} by {} (last writer wins); policy:profile {} re-applies it",
                            active.name(), t.key(), v, src, active.name());
                }
            }
        }
    }

    @Descriptor("Switch the live scheduler tunables to a profile, or show the active one")
    public String profile(@Descriptor("[NAME] (policy:profiles lists them; no argument: show the active one)") String... args) {
        if (args.length > 1) {
            throw new IllegalArgumentException("usage: policy:profile [NAME]");
        }
        if (args.length == 1) {
            return switchTo(args[0], "command");
        }
        synchronized (this) {
            if (active == null) {
                return "no profile active; policy:profiles lists them";
            }
            return "profile " + active.name() + " active: " + render(active.values())
                    + (overridden.isEmpty() ? "" : "\noverridden since: " + overriddenText());
        }
    }

    @Descriptor("List every profile with its values; '*' marks the active one")
    public synchronized String profiles(@Descriptor("none") String... args) {
        if (args.length > 0) {
            throw new IllegalArgumentException("usage: policy:profiles");
        }
        List<String> lines = new ArrayList<>();
        for (Profile p : available().values()) {
            boolean on = active != null && active.name().equals(p.name());
            lines.add((on ? "* " : "  ") + p.name() + " (" + p.origin() + ")" + (p.description().isEmpty() ? "" : " - " + p.description()));
            lines.add("      " + render(p.values()));
            if (on && !overridden.isEmpty()) {
                lines.add("      overridden: " + overriddenText());
            }
        }
        return String.join("\n", lines);
    }

    private String overriddenText() {
        List<String> parts = new ArrayList<>();
        overridden.forEach((t, src) -> parts.add(t.key() + " by " + src));
        return String.join(", ", parts);
    }

    private static String render(Map<Tunable, Long> values) {
        Map<String, Long> sorted = new TreeMap<>();
        values.forEach((t, v) -> sorted.put(t.key(), v));
        List<String> parts = new ArrayList<>();
        sorted.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(" ", parts);
    }

    @Override
    public synchronized List<String> names() {
        return List.copyOf(available().keySet());
    }

    @Override
    public synchronized String active() {
        return active == null ? "" : active.name();
    }

    @Override
    public void activate(String name, String source) {
        switchTo(name, source);
    }
}
