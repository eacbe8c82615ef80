package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;
import org.scxgamer.api.control.WhitelistRule;

/**
 * Issue 14 on the host: device cache keys reused by devices with other identities, the way the kernel
 * reuses a freed input_dev's address. The injector connects and disconnects devices through the code the
 * hook runs on input_register_device / __input_unregister_device, so whatever sequence of connects and
 * disconnects runs, each connection must be classified afresh, get its own id and its own counts, and
 * leave nothing behind (held keys included). A small device cache shows what happens beyond it.
 */
class DeviceLifetimeHostTest {
    static final int EV_KEY = 1, EV_REL = 2, EV_SYN = 0, REL_X = 0, KEY_A = 30, KEY_B = 48;
    static final int BUS_USB = 0x03;
    static final int CACHE = 4;
    /** One key, reused by every connection below. */
    static final long KEY = 0xffff_8880_1234_5000L;

    /** A listed mouse, a model the whitelist does not list, one it ignores, a listed keyboard. */
    record Model(String name, int vendor, int product, String classification, int lane) {
    }

    static final Model LISTED = new Model("listed", 0x046d, 0xc077, "mouse", Contract.LANE_MOUSE);
    static final Model UNLISTED = new Model("unlisted", 0x1209, 0x0003, "unlisted", Contract.LANE_NONE);
    static final Model IGNORED = new Model("ignored", 0x045e, 0x0040, "ignored", Contract.LANE_NONE);
    static final Model KEYBOARD = new Model("keyboard", 0x046d, 0xc31c, "keyboard", Contract.LANE_KEYBOARD);

    LibbpfKernel kernel;
    RingReader rings;

    @BeforeEach
    void open() {
        kernel = LibbpfKernel.open(LibbpfKernel.Options.defaults().withRingBytes(1 << 20).withDeviceCache(CACHE));
        LibbpfKernelHostTest.requireHostBpf(kernel);
        rings = kernel.rings();
        kernel.setRules(List.of(WhitelistRule.parse("usb:046d:c077=mouse"), WhitelistRule.parse("usb:046d:c31c=keyboard"),
                WhitelistRule.parse("usb:045e:*=ignore")));
    }

    @AfterEach
    void close() {
        kernel.close();
    }

    static InjectedEvent ev(long key, Model m, int type, int code, int value) {
        return new InjectedEvent(key, BUS_USB, m.vendor, m.product, type, code, value);
    }

    void connect(long key, Model m) {
        kernel.injectDevice(key, BUS_USB, m.vendor, m.product, true);
    }

    void disconnect(long key) {
        kernel.injectDevice(key, 0, 0, 0, false);
    }

    /** n frames of REL_X + SYN from the device under key (as model m). */
    InjectResult frames(long key, Model m, int n) throws Exception {
        return HostCpu.on(0, () -> kernel.inject(List.of(ev(key, m, EV_REL, REL_X, 1), ev(key, m, EV_SYN, 0, 0)), n, false));
    }

    DeviceInfo only(List<DeviceInfo> devices) {
        assertThat(devices).as("connected devices").hasSize(1);
        return devices.get(0);
    }

    @Test
    void aReusedKeyNeverHandsOnClassificationIdOrCounts() throws Exception {
        Model[] cycle = {LISTED, UNLISTED, LISTED, IGNORED, LISTED, LISTED, UNLISTED, IGNORED};
        Set<Integer> ids = new HashSet<>();
        long[] start = kernel.inputStats();
        long listedEvents = 0, otherEvents = 0;
        for (int i = 0; i < 40; i++) {
            Model m = cycle[i % cycle.length];
            int frames = 50 + i;
            connect(KEY, m);
            DeviceInfo connected = only(kernel.devices());
            assertThat(connected.classification()).as("cycle %d (%s) classified at connection", i, m.name).isEqualTo(m.classification);
            assertThat(connected.learned()).isEqualTo("registration");
            assertThat(connected.events()).isZero();
            assertThat(ids.add(connected.id())).as("cycle %d: id %d is new", i, connected.id()).isTrue();

            InjectResult r = frames(KEY, m, frames);
            List<Records.Rec> recs = Records.drainAll(rings);
            if (m.lane == Contract.LANE_NONE) {
                assertThat(r).as("cycle %d (%s)", i, m.name).isEqualTo(new InjectResult(0, 0, 2L * frames));
                assertThat(recs).isEmpty();
                otherEvents += 2L * frames;
            } else {
                assertThat(r).as("cycle %d (%s)", i, m.name).isEqualTo(new InjectResult(2L * frames, 0, 0));
                assertThat(recs).extracting(Records.Rec::deviceId).containsOnly(connected.id());
                assertThat(recs).extracting(Records.Rec::lane).containsOnly(m.lane);
                listedEvents += 2L * frames;
            }
            DeviceInfo after = only(kernel.devices());
            assertThat(after.id()).isEqualTo(connected.id());
            assertThat(after.events()).as("cycle %d: this connection's events only", i).isEqualTo(2L * frames);

            disconnect(KEY);
            assertThat(kernel.devices()).as("cycle %d: nothing connected after the disconnect", i).isEmpty();
            List<DeviceInfo> history = kernel.deviceHistory();
            DeviceInfo gone = history.get(history.size() - 1);
            assertThat(gone.id()).isEqualTo(connected.id());
            assertThat(gone.events()).isEqualTo(2L * frames);
            assertThat(gone.classification()).isEqualTo(m.classification);
            assertThat(gone.connected()).isFalse();
        }
        long[] end = kernel.inputStats();
        assertThat(end[Contract.STAT_LANE_MOUSE] - start[Contract.STAT_LANE_MOUSE]).as("lane.mouse").isEqualTo(listedEvents);
        assertThat(end[Contract.STAT_FILTERED] - start[Contract.STAT_FILTERED]).as("events.filtered").isEqualTo(otherEvents);
        assertThat(end[Contract.STAT_DEVICE_CONNECTS] - start[Contract.STAT_DEVICE_CONNECTS]).isEqualTo(40);
        assertThat(end[Contract.STAT_DEVICE_DISCONNECTS] - start[Contract.STAT_DEVICE_DISCONNECTS]).isEqualTo(40);
        List<DeviceInfo> history = kernel.deviceHistory();
        assertThat(history).as("the history is bounded").hasSize(32);
        assertThat(history).extracting(DeviceInfo::id).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aDeviceSeenFirstByItsEventsIsReplacedWhenAnotherRegistersAtItsKey() throws Exception {
        InjectResult r = frames(KEY, LISTED, 10);
        assertThat(r.submitted()).isEqualTo(20);
        DeviceInfo early = only(kernel.devices());
        assertThat(early.learned()).as("connected before the hook: learned on its first event").isEqualTo("first-event");
        assertThat(early.classification()).isEqualTo("mouse");

        // Its unregistration was not seen; an unlisted device registers at the same address.
        connect(KEY, UNLISTED);
        DeviceInfo next = only(kernel.devices());
        assertThat(next.id()).isNotEqualTo(early.id());
        assertThat(next.classification()).isEqualTo("unlisted");
        assertThat(next.events()).isZero();
        assertThat(frames(KEY, UNLISTED, 10)).isEqualTo(new InjectResult(0, 0, 20));
        assertThat(kernel.deviceHistory()).extracting(DeviceInfo::id, DeviceInfo::events)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(early.id(), 20L));
    }

    @Test
    void heldKeysLeaveWithTheirDevice() throws Exception {
        long held0 = kernel.inputState().get("held_keys");
        connect(KEY, KEYBOARD);
        HostCpu.on(0, () -> kernel.inject(List.of(ev(KEY, KEYBOARD, EV_KEY, KEY_A, 1), ev(KEY, KEYBOARD, EV_KEY, KEY_B, 1)), 1, false));
        assertThat(kernel.inputState().get("held_keys")).isEqualTo(held0 + 2);
        assertThat(only(kernel.devices()).heldKeys()).isEqualTo(2);
        // A whitelist edit filters the keyboard between press and release: the release still counts.
        kernel.setRules(List.of());
        HostCpu.on(0, () -> kernel.inject(List.of(ev(KEY, KEYBOARD, EV_KEY, KEY_A, 0)), 1, false));
        assertThat(kernel.inputState().get("held_keys")).isEqualTo(held0 + 1);
        // Unplugged with KEY_B still down: the next device at this address starts with nothing held.
        disconnect(KEY);
        assertThat(kernel.inputState().get("held_keys")).isEqualTo(held0);
        connect(KEY, KEYBOARD);
        HostCpu.on(0, () -> kernel.inject(List.of(ev(KEY, KEYBOARD, EV_KEY, KEY_B, 0)), 3, false));
        assertThat(kernel.inputState().get("held_keys")).as("releases of keys the new device never pressed").isEqualTo(held0);
        assertThat(only(kernel.devices()).heldKeys()).isZero();
    }

    @Test
    void beyondTheCacheDevicesAreClassifiedUncachedAndLearnedWhenRoomFrees() throws Exception {
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < CACHE; i++) {
            keys.add(KEY + 0x800L * (i + 1));
            connect(keys.get(i), i % 2 == 0 ? LISTED : UNLISTED);
        }
        assertThat(kernel.devices()).hasSize(CACHE);
        long extra = KEY;
        long[] before = kernel.inputStats();
        connect(extra, LISTED);
        assertThat(kernel.devices()).as("a full cache evicts nobody").hasSize(CACHE)
                .extracting(DeviceInfo::classification).containsExactly("mouse", "unlisted", "mouse", "unlisted");
        InjectResult r = frames(extra, LISTED, 25);
        assertThat(r).as("the uncached device is still classified").isEqualTo(new InjectResult(50, 0, 0));
        assertThat(Records.drainAll(rings)).extracting(Records.Rec::deviceId, Records.Rec::lane)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(0, Contract.LANE_MOUSE));
        long[] after = kernel.inputStats();
        assertThat(after[Contract.STAT_DEVICE_UNCACHED] - before[Contract.STAT_DEVICE_UNCACHED]).isEqualTo(50);
        assertThat(after[Contract.STAT_LANE_MOUSE] - before[Contract.STAT_LANE_MOUSE]).isEqualTo(50);

        disconnect(keys.get(1));
        frames(extra, LISTED, 5);
        DeviceInfo learned = kernel.devices().stream().filter(d -> d.learned().equals("first-event")).findFirst().orElseThrow();
        assertThat(learned.classification()).isEqualTo("mouse");
        assertThat(learned.events()).as("counted from the event that found room").isEqualTo(10);
        assertThat(learned.id()).isNotZero();
        assertThat(Records.drainAll(rings)).extracting(Records.Rec::deviceId).containsOnly(learned.id());
        assertThat(kernel.inputStats()[Contract.STAT_DEVICE_UNCACHED]).isEqualTo(after[Contract.STAT_DEVICE_UNCACHED]);
    }
}
