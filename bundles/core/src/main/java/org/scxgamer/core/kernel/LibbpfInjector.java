package org.scxgamer.core.kernel;

import java.util.List;

import org.scxgamer.api.control.InjectResult;
import org.scxgamer.api.control.InjectedEvent;

import com.sun.jna.Memory;

/**
 * {@link Injector} on libbpf: test runs of the events object's SEC("syscall") program, which pushes
 * events and device (dis)connections through the code the input hook runs. Thread-safe: the program fd
 * stays valid while the facade is open, and each call has its own buffers.
 */
final class LibbpfInjector implements Injector {
    /** Events handled per injector run at most, so one run stays short (it runs with migration disabled). */
    private static final int MAX_HANDLED_PER_RUN = 1 << 16;
    private final int fd;

    LibbpfInjector(int programFd) {
        this.fd = programFd;
    }

    @Override
    public InjectResult inject(List<InjectedEvent> events, int repeat, boolean valueSequence) {
        if (events.isEmpty() || repeat < 1) {
            throw new IllegalArgumentException("inject needs at least one event and repeat >= 1 (got "
                    + events.size() + " events, repeat " + repeat + ")");
        }
        Memory args = new Memory(Contract.INJECT_ARGS_SIZE);
        Memory opts = new Memory(Libbpf.TEST_RUN_OPTS_SIZE);
        long[] totals = new long[3];
        int n = events.size();
        if (n <= Contract.INJECT_MAX) {
            // One batch repeated in the kernel; split only to keep each run short.
            int perRun = Math.max(1, MAX_HANDLED_PER_RUN / n);
            for (int done = 0; done < repeat; done += perRun) {
                int times = Math.min(perRun, repeat - done);
                run(fd, args, opts, events, 0, n, times, valueSequence ? done : 0,
                        valueSequence ? Contract.INJECT_VALUE_SEQ : 0, totals);
            }
        } else {
            // The batch does not fit one run: repeat it here, in order, adding the repeat index ourselves.
            for (int r = 0; r < repeat; r++) {
                for (int from = 0; from < n; from += Contract.INJECT_MAX) {
                    run(fd, args, opts, events, from, Math.min(n, from + Contract.INJECT_MAX), 1, valueSequence ? r : 0, 0, totals);
                }
            }
        }
        return new InjectResult(totals[0], totals[1], totals[2]);
    }

    @Override
    public void injectDevice(long deviceKey, int bus, int vendor, int product, boolean connect) {
        Memory args = new Memory(Contract.INJECT_ARGS_SIZE);
        args.clear();
        args.setInt(Contract.INJECT_ARGS_COUNT, 1);
        args.setInt(Contract.INJECT_ARGS_REPEAT, 1);
        long at = Contract.INJECT_ARGS_EVENTS;
        args.setLong(at + Contract.INJECT_EVENT_DEV_KEY, deviceKey);
        args.setShort(at + Contract.INJECT_EVENT_BUSTYPE, (short) bus);
        args.setShort(at + Contract.INJECT_EVENT_VENDOR, (short) vendor);
        args.setShort(at + Contract.INJECT_EVENT_PRODUCT, (short) product);
        args.setShort(at + Contract.INJECT_EVENT_OP, (short) (connect ? Contract.INJECT_OP_CONNECT : Contract.INJECT_OP_DISCONNECT));
        testRun(fd, args, new Memory(Libbpf.TEST_RUN_OPTS_SIZE));
    }

    private static void run(int fd, Memory args, Memory opts, List<InjectedEvent> events, int from, int to,
                            int repeat, int valueOffset, int flags, long[] totals) {
        args.clear();
        args.setInt(Contract.INJECT_ARGS_COUNT, to - from);
        args.setInt(Contract.INJECT_ARGS_REPEAT, repeat);
        args.setInt(Contract.INJECT_ARGS_FLAGS, flags);
        for (int i = from; i < to; i++) {
            InjectedEvent e = events.get(i);
            long at = Contract.INJECT_ARGS_EVENTS + (long) (i - from) * Contract.INJECT_EVENT_SIZE;
            args.setLong(at + Contract.INJECT_EVENT_DEV_KEY, e.deviceKey());
            args.setShort(at + Contract.INJECT_EVENT_BUSTYPE, (short) e.bus());
            args.setShort(at + Contract.INJECT_EVENT_VENDOR, (short) e.vendor());
            args.setShort(at + Contract.INJECT_EVENT_PRODUCT, (short) e.product());
            args.setShort(at + Contract.INJECT_EVENT_TYPE, (short) e.type());
            args.setShort(at + Contract.INJECT_EVENT_CODE, (short) e.code());
            args.setShort(at + Contract.INJECT_EVENT_OP, (short) Contract.INJECT_OP_EVENT);
            args.setInt(at + Contract.INJECT_EVENT_VALUE, e.value() + valueOffset);
        }
        testRun(fd, args, opts);
        totals[0] += args.getLong(Contract.INJECT_ARGS_SUBMITTED);
        totals[1] += args.getLong(Contract.INJECT_ARGS_DROPPED);
        totals[2] += args.getLong(Contract.INJECT_ARGS_FILTERED);
    }

    private static void testRun(int fd, Memory args, Memory opts) {
        // SEC("syscall") test runs take ctx_in only and copy the context back into it; ctx_out is refused.
        opts.clear();
        opts.setLong(0, Libbpf.TEST_RUN_OPTS_SIZE);
        opts.setPointer(Libbpf.TEST_RUN_OPTS_CTX_IN, args);
        opts.setInt(Libbpf.TEST_RUN_OPTS_CTX_SIZE_IN, Contract.INJECT_ARGS_SIZE);
        int rc = Libbpf.bpf_prog_test_run_opts(fd, opts);
        if (rc < 0) {
            throw new LibbpfException("running " + Contract.INJECT_PROGRAM, -rc, List.of());
        }
        int retval = opts.getInt(Libbpf.TEST_RUN_OPTS_RETVAL);
        if (retval != 0) {
            throw new IllegalStateException(Contract.INJECT_PROGRAM + " refused the batch: returned " + retval);
        }
    }
}
