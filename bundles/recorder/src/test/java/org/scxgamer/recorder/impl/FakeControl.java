package org.scxgamer.recorder.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.PartStatus;
import org.scxgamer.api.control.SchedulerStatus;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.TaskClass;
import org.scxgamer.api.control.Topology;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;

/** Records injector calls and answers the few queries the recorder makes. */
class FakeControl implements ScxControl {
    final List<InjectedEvent> injected = Collections.synchronizedList(new ArrayList<>());
    final List<Long> injectTimes = Collections.synchronizedList(new ArrayList<>());
    final List<DeviceInfo> devices = new ArrayList<>();
    final List<DeviceInfo> history = new ArrayList<>();

    @Override
    public List<PartStatus> parts() {
        return List.of();
    }

    @Override
    public Topology topology() {
        return Topology.unreadable("fake control");
    }

    @Override
    public Map<String, String> kernelFacts() {
        return Map.of("release", "7.3.4-test");
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    public List<DeviceInfo> devices() {
        return devices;
    }

    @Override
    public List<DeviceInfo> deviceHistory() {
        return history;
    }

    @Override
    public List<WhitelistRule> whitelist() {
        return List.of(WhitelistRule.parse("usb:046d:*=mouse"));
    }

    @Override
    public void setWhitelist(List<WhitelistRule> rules) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Map<Tunable, Long> tunables() {
        Map<Tunable, Long> m = new EnumMap<>(Tunable.class);
        for (Tunable t : Tunable.values()) {
            m.put(t, t.defaultValue());
        }
        return m;
    }

    @Override
    public void setTunables(Map<Tunable, Long> values, String source) {
        throw new UnsupportedOperationException();
    }

    @Override
    public InjectResult inject(List<InjectedEvent> events, int repeat, boolean valueSequence) {
        injected.addAll(events);
        injectTimes.add(System.nanoTime());
        return new InjectResult(events.size(), 0, 0);
    }

    @Override
    public SchedulerStatus scheduler() {
        return new SchedulerStatus("disabled", "", 0, false, 0, List.of());
    }

    @Override
    public void restartScheduler() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void classify(int tid, TaskClass taskClass) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Map<Integer, TaskClass> classes() {
        return Map.of();
    }

    @Override
    public void setForeground(int tgid) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int foreground() {
        return 0;
    }
}
