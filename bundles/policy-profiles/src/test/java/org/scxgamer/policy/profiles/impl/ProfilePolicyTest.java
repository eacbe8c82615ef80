package org.scxgamer.policy.profiles.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.Topics;
import org.scxgamer.api.control.Tunable;

class ProfilePolicyTest {
    /** The core's live tunables, starting from a non-default baseline (as a core .cfg would set). */
    private final Map<Tunable, Long> live = new EnumMap<>(Tunable.class);
    private final List<String> sources = new ArrayList<>();
    private final List<Map<Tunable, Long>> writes = new ArrayList<>();

    private final ScxControl control = (ScxControl) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ScxControl.class},
            (p, m, a) -> switch (m.getName()) {
                case "tunables" -> new EnumMap<>(live);
                case "setTunables" -> {
                    @SuppressWarnings("unchecked")
                    Map<Tunable, Long> v = (Map<Tunable, Long>) a[0];
                    v.forEach((t, x) -> t.check(x));
                    live.putAll(v);
                    writes.add(new EnumMap<>(v));
                    sources.add((String) a[1]);
                    yield null;
                }
                default -> throw new UnsupportedOperationException(m.getName());
            });

    ProfilePolicyTest() {
        for (Tunable t : Tunable.values()) {
            live.put(t, t.defaultValue());
        }
        live.put(Tunable.MOUSE_BOOST_US, 9_000L);
        live.put(Tunable.SLICE_US, 6_000L);
    }

    private ProfilePolicy policy(Map<String, Object> config) {
        ProfilePolicy p = new ProfilePolicy(control);
        p.configure(config, true);
        return p;
    }

    @Test
    void shipsFourPresetsAndSwitchesTheLiveTunables() {
        ProfilePolicy p = policy(Map.of());
        assertThat(p.names()).containsExactlyInAnyOrder("default", "esports", "casual", "low-power");
        assertThat(writes).isEmpty();

        assertThat(p.profile("esports")).startsWith("profile esports active: boost.foreground.shift=3 boost.input.shift=6 boost.mouse.us=16000");
        assertThat(sources).containsExactly("profile:esports");
        assertThat(live).containsEntry(Tunable.MOUSE_BOOST_US, 16_000L).containsEntry(Tunable.SLICE_US, 3_000L)
                .containsEntry(Tunable.BOOSTED_SLICE_US, 500L).containsEntry(Tunable.INPUT_BOOST_SHIFT, 6L);
    }

    @Test
    void switchingRestoresWhatThePreviousProfileSetAndTheNextDoesNot() {
        ProfilePolicy p = policy(Map.of());
        p.profile("esports");
        assertThat(p.profile("casual")).isEqualTo("profile casual active: boost.foreground.shift=1 boost.input.shift=3 boost.mouse.us=4000 "
                + "input.window.us=3000 preempt=1 slice.boosted.us=2000; back to the values before any profile: continuous.on.rate=150 slice.us=6000");
        // casual does not set slice.us or continuous.on.rate: they go back to the baseline (6000 from the core's config, 150 default).
        assertThat(writes.get(1)).containsEntry(Tunable.SLICE_US, 6_000L).containsEntry(Tunable.CONTINUOUS_ON_RATE, 150L)
                .containsEntry(Tunable.MOUSE_BOOST_US, 4_000L).containsEntry(Tunable.BOOSTED_SLICE_US, 2_000L)
                .doesNotContainKey(Tunable.LAG_CAP_US);
        Map<Tunable, Long> viaEsports = new EnumMap<>(live);

        // The same end state as switching to casual directly from the baseline.
        ProfilePolicyTest fresh = new ProfilePolicyTest();
        ProfilePolicy q = fresh.policy(Map.of());
        q.profile("casual");
        assertThat(fresh.live).isEqualTo(viaEsports);
    }

    @Test
    void planIsPureAndOrderIndependent() {
        Map<String, Profile> b = Profile.builtins();
        Map<Tunable, Long> base = Map.of(Tunable.SLICE_US, 7_000L);
        Map<Tunable, Long> plan = Profile.plan(b.get("low-power"), b.get("esports"), base);
        assertThat(plan).containsEntry(Tunable.SLICE_US, 3_000L).containsEntry(Tunable.BEHAVIOUR_CLASSIFY, Tunable.BEHAVIOUR_CLASSIFY.defaultValue())
                .containsEntry(Tunable.KEYBOARD_BOOST_US, Tunable.KEYBOARD_BOOST_US.defaultValue());
        assertThat(Profile.plan(null, b.get("default"), base)).hasSize(Tunable.values().length - 1).doesNotContainKey(Tunable.DEBUG_ERROR);
    }

    @Test
    void configuredProfilesReplaceBuiltinsAndAreValidated() {
        ProfilePolicy p = policy(Map.of());
        p.addProfile(new ProfileDefinition(Profile.parse(Map.of("name", "esports", "boost.mouse.us", "20000", "service.pid", "x"), "config esports.cfg")));
        p.addProfile(new ProfileDefinition(Profile.parse(Map.of("name", "streaming", "slice.us", 4000L), "config streaming.cfg")));
        assertThat(p.profiles()).contains("  esports (config esports.cfg)", "boost.mouse.us=20000", "  streaming (config streaming.cfg)");
        assertThat(p.profile("esports")).isEqualTo("profile esports active: boost.mouse.us=20000");
        assertThat(p.profiles()).contains("* esports (config esports.cfg)");

        assertThatThrownBy(() -> Profile.parse(Map.of("name", "x", "slice.us", "5"), "t"))
                .hasMessage("configuration scxgamer.policy.profile: slice.us = '5': out of range; accepted: 100 .. 100000 us");
        assertThatThrownBy(() -> Profile.parse(Map.of("name", "x", "slice.us", "fast", "felix.fileinstall.filename", "file:/etc/p-x.cfg"), "t"))
                .hasMessage("file:/etc/p-x.cfg: slice.us = 'fast': not a whole number; accepted: 100 .. 100000 us");
        assertThatThrownBy(() -> Profile.parse(Map.of("name", "x", "slice.usec", "5"), "t"))
                .hasMessageContaining("unknown key 'slice.usec' (did you mean slice.us?)").hasMessageContaining("known keys: boost.audio.shift, boost.controller.us, ");
        assertThatThrownBy(() -> Profile.parse(Map.of("name", "x", "debug.error", "1"), "t"))
                .hasMessageContaining("debug.error is a debug-only knob (tests) and cannot be set by a profile");
        assertThatThrownBy(() -> Profile.parse(Map.of("name", "Bad Name"), "t")).hasMessageContaining("name = 'Bad Name': accepted: 1-32 of");
        assertThatThrownBy(() -> Profile.parse(Map.of("slice.us", "5000"), "t")).hasMessageContaining("name is missing");
    }

    @Test
    void anInvalidChangeKeepsThePreviousProfileValues() {
        ProfileDefinition d = new ProfileDefinition(new HashMap<>(Map.of("name", "mine", "slice.us", "4000")));
        d.modified(new HashMap<>(Map.of("name", "mine", "slice.us", "1")));
        assertThat(d.profile().values()).containsExactly(Map.entry(Tunable.SLICE_US, 4_000L));
        assertThatThrownBy(() -> new ProfileDefinition(new HashMap<>(Map.of("name", "bad", "preempt", "2"))))
                .hasMessageContaining("preempt = '2': out of range; accepted: 0 .. 1 bool");
    }

    @Test
    void configuredActiveProfileIsAppliedAtStartOrWhenItAppears() {
        ProfilePolicy p = policy(Map.of("active", "low-power"));
        assertThat(sources).containsExactly("profile:low-power");
        assertThat(live).containsEntry(Tunable.PREEMPT, 0L);

        ProfilePolicy later = policy(Map.of("active", "streaming"));
        assertThat(later.active()).isEmpty();
        later.addProfile(new ProfileDefinition(Profile.parse(Map.of("name", "streaming", "slice.us", "4000"), "t")));
        assertThat(later.active()).isEqualTo("streaming");
        assertThat(live).containsEntry(Tunable.SLICE_US, 4_000L);
        assertThat(p.active()).isEqualTo("low-power");
    }

    @Test
    void activeProfileFollowsItsDefinition() {
        ProfilePolicy p = policy(Map.of());
        ProfileDefinition d = new ProfileDefinition(Profile.parse(Map.of("name", "mine", "slice.us", "4000"), "t"));
        p.addProfile(d);
        p.profile("mine");
        d.modified(new HashMap<>(Map.of("name", "mine", "slice.us", "4500")));
        p.updatedProfile(d);
        assertThat(live).containsEntry(Tunable.SLICE_US, 4_500L);
    }

    @Test
    void anotherWriterWinsAndIsReportedNotFought() {
        ProfilePolicy p = policy(Map.of());
        p.profile("esports");
        p.handleEvent(new Event(Topics.TUNABLES_CHANGED, Map.of(Topics.SOURCE, "scx:tunables", "boost.mouse.us", 1234L, "lag.cap.us", 5L)));
        p.handleEvent(new Event(Topics.TUNABLES_CHANGED, Map.of(Topics.SOURCE, "profile:esports", "slice.us", 3000L)));
        assertThat(p.profile()).contains("overridden since: boost.mouse.us by scx:tunables").doesNotContain("lag.cap.us").doesNotContain("slice.us by");
        assertThat(sources).containsExactly("profile:esports");
        p.profile("esports");
        assertThat(p.profile()).doesNotContain("overridden");
    }

    @Test
    void removingThePolicyPutsBackTheBaselineExceptOverriddenTunables() {
        ProfilePolicy p = policy(Map.of());
        p.profile("esports");
        p.handleEvent(new Event(Topics.TUNABLES_CHANGED, Map.of(Topics.SOURCE, "user", "slice.us", 2500L)));
        p.deactivate();
        Map<Tunable, Long> restore = writes.get(writes.size() - 1);
        assertThat(sources.get(sources.size() - 1)).isEqualTo("profile:none");
        assertThat(restore).containsEntry(Tunable.MOUSE_BOOST_US, 9_000L).doesNotContainKey(Tunable.SLICE_US)
                .containsEntry(Tunable.BOOSTED_SLICE_US, Tunable.BOOSTED_SLICE_US.defaultValue());
    }

    @Test
    void unknownProfileAndBadArgumentsAreClearErrors() {
        ProfilePolicy p = policy(Map.of("builtins", "false"));
        assertThat(p.names()).isEmpty();
        assertThatThrownBy(() -> p.profile("esports")).hasMessage("no profile 'esports'; known: ");
        assertThatThrownBy(() -> p.profile("a", "b")).hasMessage("usage: policy:profile [NAME]");
        assertThat(p.profile()).isEqualTo("no profile active; policy:profiles lists them");
        ProfilePolicy q = policy(Map.of("builtins", "yes"));
        assertThat(q.names()).contains("esports");
    }
}
