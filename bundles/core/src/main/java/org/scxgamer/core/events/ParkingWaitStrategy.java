package org.scxgamer.core.events;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

/**
 * Wait strategy for delivery threads that spin briefly, then park, and a publisher (the ring reader)
 * that never takes a lock: Disruptor's blocking strategies make the publisher enter a monitor that a
 * waiter may hold, its spinning and sleeping ones burn CPU at idle. Here the publisher unparks only
 * threads that announced they park. A wait returns with {@link TimeoutException} after the timeout so
 * the delivery thread can report drops and failures while no events come.
 */
final class ParkingWaitStrategy implements WaitStrategy {
    /** Spins before parking: catches the next publish of a burst without a wake-up. */
    private static final int SPINS = 100;
    private static final Waiter[] NONE = new Waiter[0];

    private static final class Waiter {
        final Thread thread;
        volatile boolean parked;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    private final long timeoutNanos;
    /** Registered delivery threads, copy-on-write. */
    private volatile Waiter[] waiters = NONE;

    ParkingWaitStrategy(long timeout, TimeUnit unit) {
        this.timeoutNanos = unit.toNanos(timeout);
    }

    synchronized void register(Thread thread) {
        Waiter[] w = Arrays.copyOf(waiters, waiters.length + 1);
        w[w.length - 1] = new Waiter(thread);
        waiters = w;
    }

    synchronized void unregister(Thread thread) {
        waiters = Arrays.stream(waiters).filter(w -> w.thread != thread).toArray(Waiter[]::new);
    }

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException, TimeoutException {
        long available;
        for (int i = 0; i < SPINS; i++) {
            if ((available = dependentSequence.get()) >= sequence) {
                return available;
            }
            barrier.checkAlert();
            Thread.onSpinWait();
        }
        Waiter me = current();
        long deadline = System.nanoTime() + timeoutNanos;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw TimeoutException.INSTANCE;
            }
            me.parked = true;
            VarHandle.fullFence();
            // Re-check after announcing: a publish that missed the announcement is seen here.
            if (dependentSequence.get() < sequence && !barrier.isAlerted()) {
                LockSupport.parkNanos(this, left);
            }
            me.parked = false;
            // A listener stuck in a call is interrupted on removal; a flag left set would make parkNanos return at once forever.
            Thread.interrupted();
        }
        return available;
    }

    private Waiter current() {
        Thread t = Thread.currentThread();
        for (Waiter w : waiters) {
            if (w.thread == t) {
                return w;
            }
        }
        throw new IllegalStateException(t.getName() + " waits on a ring it is not registered with");
    }

    /** Publisher (and barrier alerts): unparks the waiters that park. */
    @Override
    public void signalAllWhenBlocking() {
        // The cursor store before this call is a release store: without a full fence the loads of
        // parked could be ordered before it and miss a thread that is about to park.
        VarHandle.fullFence();
        for (Waiter w : waiters) {
            if (w.parked) {
                LockSupport.unpark(w.thread);
            }
        }
    }
}
