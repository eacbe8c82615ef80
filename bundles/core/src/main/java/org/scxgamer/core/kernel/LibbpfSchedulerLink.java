package org.scxgamer.core.kernel;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.scxgamer.api.control.ExitInfo;
import org.scxgamer.api.control.Part;
import org.scxgamer.api.control.PartState;
import org.scxgamer.api.control.TaskClass;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@link SchedulerLink} on libbpf, the story of upstream scx_simple.c's main(): load the scheduler
 * object, attach its struct_ops map, see the kernel enable it; on detach or ejection keep the exit info
 * ops.exit left in exit_info; to attach again, load a fresh object (a struct_ops map attached once is
 * not reused). Also the scheduler's shared maps: task classes, hints, counters. Not thread-safe: used
 * under {@link LibbpfKernel}'s lock.
 */
final class LibbpfSchedulerLink implements SchedulerLink {
    private static final long SCHED_ENABLE_WAIT_MS = 1000;

    private final BpfObjects objects;
    private final PartStates parts;
    private final boolean enabled;
    private final Map<Long, Instant> exitSeen = new HashMap<>();
    private BpfObjects.Loaded sched;
    private boolean schedUsed;
    private Pointer schedLink;

    LibbpfSchedulerLink(BpfObjects objects, PartStates parts, boolean enabled) {
        this.objects = objects;
        this.parts = parts;
        this.enabled = enabled;
    }

    /** Keeps part SCHEDULER honest: after the kernel stopped our scheduler it is FAILED with the exit reason. */
    void refreshStatus() {
        if (schedLink != null && !SchedExt.oursEnabled()) {
            parts.set(Part.SCHEDULER, PartState.FAILED, stoppedReason());
        }
    }

    @Override
    public long[] schedStats() {
        return objects.percpuSum(Contract.SCHED_STATS_MAP);
    }

    @Override
    public void attachScheduler() {
        if (!enabled) {
            throw new IllegalStateException("SCHEDULER is disabled by configuration");
        }
        if (schedulerAttached()) {
            return;
        }
        releaseSchedLink();
        awaitOursGone();
        String unavailable = SchedExt.unavailableReason();
        if (unavailable != null) {
            parts.set(Part.SCHEDULER, PartState.UNAVAILABLE, unavailable);
            return;
        }
        try {
            if (sched != null && schedUsed) {
                // A struct_ops map that was attached once is not reused: load a fresh object.
                sched.close();
                sched = null;
            }
            if (sched == null) {
                sched = objects.load(Contract.SCHED_OBJECT, obj -> { });
                schedUsed = false;
            }
            Pointer ops = Libbpf.bpf_object__find_map_by_name(sched.obj, Contract.SCHED_OPS_MAP);
            if (ops == null) {
                throw new IllegalStateException(Contract.SCHED_OBJECT + " has no struct_ops map " + Contract.SCHED_OPS_MAP);
            }
            LibbpfLog.begin();
            Pointer link = Libbpf.bpf_map__attach_struct_ops(ops);
            schedUsed = true;
            if (link == null) {
                int errno = Native.getLastError();
                if (errno == Errno.EBUSY || errno == Errno.EEXIST) {
                    parts.set(Part.SCHEDULER, PartState.UNAVAILABLE, "another sched_ext scheduler is active: " + SchedExt.ops());
                    return;
                }
                throw new LibbpfException("attaching struct_ops " + Contract.SCHED_OPS_NAME, errno, LibbpfLog.lines());
            }
            schedLink = link;
        } catch (LibbpfException | IllegalStateException e) {
            parts.failed(Part.SCHEDULER, e);
            return;
        }
        long deadline = System.currentTimeMillis() + SCHED_ENABLE_WAIT_MS;
        while (!SchedExt.oursEnabled() && System.currentTimeMillis() < deadline && !Thread.currentThread().isInterrupted()) {
            sleep(5);
        }
        if (SchedExt.oursEnabled()) {
            parts.set(Part.SCHEDULER, PartState.ACTIVE, "attached (enable_seq " + SchedExt.enableSeq() + ")");
        } else {
            parts.set(Part.SCHEDULER, PartState.FAILED, "attached, but the kernel shows state " + SchedExt.state()
                    + " and ops " + SchedExt.ops());
        }
    }

    /** Keeps an ejection visible: after the kernel stopped it, the status stays FAILED with the exit reason. */
    @Override
    public void detachScheduler() {
        if (schedLink != null) {
            boolean ejected = !SchedExt.oursEnabled();
            releaseSchedLink();
            if (ejected) {
                parts.set(Part.SCHEDULER, PartState.FAILED, stoppedReason());
            } else {
                parts.set(Part.SCHEDULER, PartState.DISABLED, "detached");
            }
        }
    }

    private String stoppedReason() {
        ExitInfo exit = lastExit();
        return "the kernel stopped it" + (exit == null ? ""
                : ": " + exit.reason() + (exit.message().isEmpty() ? "" : " (" + exit.message() + ")"));
    }

    /** After a detach or an ejection the kernel takes a moment to get back to "disabled". */
    private static void awaitOursGone() {
        long deadline = System.currentTimeMillis() + SCHED_ENABLE_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            String state = SchedExt.state();
            if (state == null || "disabled".equals(state)
                    || !"disabling".equals(state) && !Contract.SCHED_OPS_NAME.equals(SchedExt.ops())) {
                return;
            }
            sleep(5);
        }
    }

    private static void awaitNotDisabling() {
        long deadline = System.currentTimeMillis() + SCHED_ENABLE_WAIT_MS;
        while ("disabling".equals(SchedExt.state()) && System.currentTimeMillis() < deadline) {
            sleep(5);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void releaseSchedLink() {
        if (schedLink != null) {
            Libbpf.bpf_link__destroy(schedLink);
            schedLink = null;
        }
    }

    @Override
    public boolean schedulerAttached() {
        return schedLink != null && SchedExt.oursEnabled();
    }

    @Override
    public ExitInfo lastExit() {
        BpfMap map = objects.find(Contract.EXIT_INFO_MAP);
        if (map == null) {
            return null;
        }
        if (schedLink != null) {
            awaitNotDisabling(); // ops.exit writes the exit info while the kernel is disabling
        }
        Memory v = map.first();
        long seq = v.getLong(Contract.EXIT_INFO_SEQ);
        if (seq == 0) {
            return null;
        }
        // The kernel records no time: the first time we see this exit stands in for it.
        Instant at = exitSeen.computeIfAbsent(seq, s -> Instant.now());
        return new ExitInfo(at, v.getInt(Contract.EXIT_INFO_KIND), v.getLong(Contract.EXIT_INFO_EXIT_CODE),
                BpfMap.cString(v, Contract.EXIT_INFO_REASON, Contract.EXIT_REASON_LEN), BpfMap.cString(v, Contract.EXIT_INFO_MSG, Contract.EXIT_MSG_LEN));
    }

    @Override
    public String lastExitDump() {
        BpfMap map = objects.find(Contract.EXIT_DUMP_MAP);
        if (map == null) {
            return "";
        }
        if (schedLink != null) {
            awaitNotDisabling();
        }
        return BpfMap.cString(map.first(), Contract.EXIT_DUMP_TEXT, Contract.EXIT_DUMP_LEN).strip();
    }

    // ---- task classes and hints (shared maps: they hold whether the scheduler is attached or not)

    @Override
    public void setTaskClass(int tid, TaskClass taskClass) {
        BpfMap map = objects.map(Contract.TASK_CLASSES_MAP);
        if (tid <= 0) {
            throw new IllegalArgumentException("thread id " + tid + " is not a valid tid");
        }
        Memory key = new Memory(4);
        key.setInt(0, tid);
        if (taskClass == TaskClass.DEFAULT) {
            map.delete(key);
            return;
        }
        Memory value = new Memory(1);
        value.setByte(0, (byte) taskClass.id());
        map.update(key, value);
    }

    @Override
    public Map<Integer, TaskClass> taskClasses() {
        BpfMap map = objects.map(Contract.TASK_CLASSES_MAP);
        Map<Integer, TaskClass> classes = new TreeMap<>();
        Memory value = new Memory(1);
        for (Memory key : map.keys(4)) {
            if (map.read(key, value)) {
                classes.put(key.getInt(0), TaskClass.ofId(value.getByte(0) & 0xff));
            }
        }
        return classes;
    }

    @Override
    public void setForeground(int tgid) {
        if (tgid < 0) {
            throw new IllegalArgumentException("process id " + tgid + " is not valid (0 clears the foreground)");
        }
        setHint(Contract.SCHED_HINTS_FOREGROUND_TGID, tgid);
    }

    @Override
    public void setReaderThread(int tid) {
        if (tid < 0) {
            throw new IllegalArgumentException("thread id " + tid + " is not valid (0 clears the reader thread)");
        }
        setHint(Contract.SCHED_HINTS_READER_TID, tid);
    }

    /** Read-modify-write of one sched_hints field (callers hold the monitor: no lost update between fields). */
    private void setHint(int offset, int value) {
        BpfMap map = objects.map(Contract.SCHED_HINTS_MAP);
        Memory key = new Memory(4);
        key.setInt(0, 0);
        Memory hints = map.first();
        hints.setInt(offset, value);
        map.update(key, hints);
    }

    @Override
    public int foreground() {
        return objects.map(Contract.SCHED_HINTS_MAP).first().getInt(Contract.SCHED_HINTS_FOREGROUND_TGID);
    }

    /** Detaches and closes the scheduler object. */
    void close() {
        releaseSchedLink();
        if (sched != null) {
            sched.close();
            sched = null;
        }
    }
}
