package org.scxgamer.core.events;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

/**
 * Wait strategy for one consumer thread that parks when idle, and a publisher that never takes a
 * lock: Disruptor's blocking strategies make the publisher (our ring reader) enter a monitor on
 * every publish, the spinning/sleeping ones burn CPU at idle. Here the publisher only reads a
 * volatile field and, if the consumer is parked, unparks it. Returns with {@link TimeoutException}
 * after the timeout so the handler gets {@code onTimeout} (used to report drops while idle).
 */
final class ParkingWaitStrategy implements WaitStrategy {
    private static final int SPINS = 100;
    private final long timeoutNanos;
    private volatile Thread waiter;

    ParkingWaitStrategy(long timeout, TimeUnit unit) {
        this.timeoutNanos = unit.toNanos(timeout);
    }

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException, TimeoutException {
        long available;
        int spins = SPINS;
        while ((available = dependentSequence.get()) < sequence && spins-- > 0) {
            barrier.checkAlert();
            Thread.onSpinWait();
        }
        if (available >= sequence) {
            return available;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw TimeoutException.INSTANCE;
            }
            waiter = Thread.currentThread();
            // Re-check after announcing ourselves: a publish that missed the announcement is seen here.
            if (dependentSequence.get() < sequence) {
                LockSupport.parkNanos(this, left);
            }
            waiter = null;
            // Stopping uses halt() (alert) plus interrupt for a listener blocked in onEvent; the flag
            // must not stay set here or parkNanos would return at once forever.
            Thread.interrupted();
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking() {
        // The cursor store before this call is a release store: without a full fence the load of
        // waiter could be ordered before it and miss a consumer that is about to park.
        VarHandle.fullFence();
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }
}
