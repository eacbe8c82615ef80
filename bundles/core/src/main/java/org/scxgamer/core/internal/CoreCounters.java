package org.scxgamer.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.scxgamer.core.events.EventHub;
import org.scxgamer.core.kernel.Contract;
import org.scxgamer.core.kernel.Kernel;

/**
 * The core's counters ({@code scx:stats}, metrics): the live kernel's plus those carried over from
 * kernels closed by reloads, so every counter stays monotonic for the runtime's life, and the event
 * hub's subscriber totals. Not thread-safe: the {@link CoreRuntime} calls it under its lock.
 */
final class CoreCounters {
    /** Kernel input counters of closed kernels. */
    private final long[] carriedStats = new long[Contract.STAT_COUNT];
    private long carriedHookMisses;

    /** A kernel with active buffers is about to close: keep its counts. */
    void carry(Kernel k) {
        long[] last = k.inputStats();
        for (int i = 0; i < carriedStats.length && i < last.length; i++) {
            carriedStats[i] += last[i];
        }
        carriedHookMisses += k.hookMisses();
    }

    /**
     * @param live the kernel if its buffers are active, else null
     * @param sched the scheduler's counters (all zero when it is not attached)
     */
    Map<String, Long> snapshot(Kernel live, long[] sched, EventHub hub, int restarts) {
        long[] st = carriedStats.clone();
        long hookMisses = carriedHookMisses;
        Map<String, Long> inputState = Map.of();
        if (live != null) {
            long[] now = live.inputStats();
            for (int i = 0; i < st.length && i < now.length; i++) {
                st[i] += now[i];
            }
            inputState = live.inputState();
            hookMisses += live.hookMisses();
        }
        long[] t = hub.totals();
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("events.seen", st[Contract.STAT_SEEN]);
        c.put("events.hook", st[Contract.STAT_FROM_HOOK]);
        c.put("events.missed.hook", hookMisses);
        c.put("events.injected", st[Contract.STAT_INJECTED]);
        c.put("events.submitted", st[Contract.STAT_SUBMITTED]);
        c.put("events.filtered", st[Contract.STAT_FILTERED]);
        c.put("events.dropped.kernel", st[Contract.STAT_DROPPED]);
        c.put("events.read", hub.read());
        c.put("events.matched", t[0]);
        c.put("events.delivered", t[1]);
        c.put("events.dropped.subscribers", t[2]);
        c.put("listener.failures", t[3]);
        c.put("listener.demotions", t[4]);
        c.put("lane.mouse", st[Contract.STAT_LANE_MOUSE]);
        c.put("lane.keyboard", st[Contract.STAT_LANE_KEYBOARD]);
        c.put("lane.controller", st[Contract.STAT_LANE_CONTROLLER]);
        c.put("keys.pressed", st[Contract.STAT_KEY_PRESS]);
        c.put("keys.released", st[Contract.STAT_KEY_RELEASE]);
        c.put("keys.repeated", st[Contract.STAT_KEY_REPEAT]);
        c.put("keys.held", inputState.getOrDefault("held_keys", 0L));
        c.put("boosts", st[Contract.STAT_BOOSTS]);
        c.put("continuous.on", st[Contract.STAT_CONTINUOUS_ON]);
        c.put("device.cache.miss", st[Contract.STAT_DEVICE_CACHE_MISS]);
        c.put("device.connects", st[Contract.STAT_DEVICE_CONNECTS]);
        c.put("device.disconnects", st[Contract.STAT_DEVICE_DISCONNECTS]);
        c.put("device.uncached", st[Contract.STAT_DEVICE_UNCACHED]);
        c.put("device.gone.events", st[Contract.STAT_DEVICE_GONE]);
        c.put("audio.periods", st[Contract.STAT_AUDIO_PERIODS]);
        c.put("render.commits", st[Contract.STAT_RENDER_COMMITS]);
        c.put("render.flips", st[Contract.STAT_RENDER_FLIPS]);
        c.put("futex.wakes", st[Contract.STAT_FUTEX_WAKES]);
        c.put("ntsync.wakes", st[Contract.STAT_NTSYNC_WAKES]);
        for (int r = 0; r < Contract.RING_COUNT; r++) {
            c.put("ring." + r + ".dropped", st[Contract.STAT_RING_DROP_BASE + r]);
        }
        c.put("scheduler.restarts", (long) restarts);
        if (sched.length >= Contract.SCHED_STAT_COUNT) {
            c.put("sched.enqueued", sched[Contract.SCHED_STAT_ENQUEUED]);
            c.put("sched.dispatched.direct", sched[Contract.SCHED_STAT_DIRECT_DISPATCHED]);
            c.put("sched.dispatched.shared", sched[Contract.SCHED_STAT_SHARED_DISPATCHED]);
            c.put("sched.boosted", sched[Contract.SCHED_STAT_BOOSTED]);
            c.put("sched.preempt.kicks", sched[Contract.SCHED_STAT_PREEMPT_KICKS]);
            c.put("sched.behaviour.classified", sched[Contract.SCHED_STAT_BEHAVIOUR_CLASSIFIED]);
            c.put("sched.wake.samples", sched[Contract.SCHED_STAT_WAKE_SAMPLES]);
            c.put("sched.wake.samples.dropped", sched[Contract.SCHED_STAT_WAKE_SAMPLES_DROPPED]);
            c.put("sched.wake.samples.throttled", sched[Contract.SCHED_STAT_WAKE_SAMPLES_THROTTLED]);
            c.put("sched.reader.wakeups", sched[Contract.SCHED_STAT_READER_WAKEUPS]);
            c.put("sched.reader.wake.ns", sched[Contract.SCHED_STAT_READER_WAKE_NS]);
            c.put("sched.reader.wake.slow", sched[Contract.SCHED_STAT_READER_WAKE_SLOW]);
            c.put("sched.preempt.lower", sched[Contract.SCHED_STAT_PREEMPT_LOWER]);
            c.put("sched.audio.classified", sched[Contract.SCHED_STAT_AUDIO_CLASSIFIED]);
            c.put("sched.audio.boosted", sched[Contract.SCHED_STAT_AUDIO_BOOSTED]);
            c.put("sched.preempt.local", sched[Contract.SCHED_STAT_PREEMPT_LOCAL]);
            c.put("sched.preempt.none", sched[Contract.SCHED_STAT_PREEMPT_NONE]);
            c.put("sched.preempt.none.young", sched[Contract.SCHED_STAT_PREEMPT_NONE_YOUNG]);
            c.put("sched.preempt.behind", sched[Contract.SCHED_STAT_PREEMPT_BEHIND]);
            c.put("sched.topo.idle.core", sched[Contract.SCHED_STAT_TOPO_IDLE_CORE]);
            c.put("sched.topo.idle.sibling", sched[Contract.SCHED_STAT_TOPO_IDLE_SIBLING]);
            c.put("sched.topo.llc.local", sched[Contract.SCHED_STAT_TOPO_LLC_LOCAL]);
            c.put("sched.topo.llc.remote", sched[Contract.SCHED_STAT_TOPO_LLC_REMOTE]);
            c.put("sched.topo.preferred", sched[Contract.SCHED_STAT_TOPO_PREFERRED]);
            c.put("sched.topo.steals", sched[Contract.SCHED_STAT_TOPO_STEALS]);
            c.put("sched.render.classified", sched[Contract.SCHED_STAT_RENDER_CLASSIFIED]);
            c.put("sched.render.boosted", sched[Contract.SCHED_STAT_RENDER_BOOSTED]);
            c.put("sched.audio.wakeups", sched[Contract.SCHED_STAT_AUDIO_WAKEUPS]);
            c.put("sched.futex.handoffs", sched[Contract.SCHED_STAT_FUTEX_HANDOFFS]);
            c.put("sched.futex.boosted", sched[Contract.SCHED_STAT_FUTEX_BOOSTED]);
            c.put("sched.ntsync.handoffs", sched[Contract.SCHED_STAT_NTSYNC_HANDOFFS]);
            c.put("sched.ntsync.boosted", sched[Contract.SCHED_STAT_NTSYNC_BOOSTED]);
            c.put("sched.preempt.deferred", sched[Contract.SCHED_STAT_PREEMPT_DEFERRED]);
            c.put("sched.preempt.deferred.kicks", sched[Contract.SCHED_STAT_PREEMPT_DEFERRED_KICKS]);
        }
        return c;
    }
}
