package org.scxgamer.core.events;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.scxgamer.api.event.InputEventListener;
import org.scxgamer.api.event.SubscriberInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

/**
 * One listener with its own Disruptor ring and delivery thread. The reader thread calls
 * {@link #offer} (never blocks: a full ring drops and counts); the delivery thread calls the
 * listener, contains its exceptions and reports drops through {@code onDropped}.
 *
 * <p>Accounting, exact whenever the delivery thread is not inside a call:
 * matched = delivered + dropped + queued (the event a listener is stuck in counts as queued).
 */
final class Subscriber {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);
    /** At most one log line about a listener's exceptions per this period. */
    static final long FAILURE_LOG_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long an idle delivery thread parks before it checks for unreported drops. */
    static final long IDLE_REPORT_MILLIS = 500;

    private final long serviceId;
    private final String bundle;
    private final String name;
    private final InputEventListener listener;
    private final SubscriberFilter filter;
    private final RingBuffer<EventSlot> ring;
    private final BatchEventProcessor<EventSlot> processor;
    private final Thread thread;

    // Written by the reader thread only.
    private final AtomicLong matched = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Claimed and filled but not yet published sequences (reader thread): published per batch. */
    private long pendingLow = -1;
    private long pendingHigh;
    /** Highest sequence claimed so far (reader thread), -1 before the first. */
    private long lastClaimed = -1;
    private final int capacity;
    private final int flushEvery;
    // Written by the delivery thread only.
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private long dropsReported;
    private long lastFailureLog = System.nanoTime() - FAILURE_LOG_PERIOD_NANOS;
    private long failuresLogged;

    Subscriber(long serviceId, String bundle, String name, InputEventListener listener, SubscriberFilter filter) {
        this.serviceId = serviceId;
        this.bundle = bundle;
        this.name = name;
        this.listener = listener;
        this.filter = filter;
        this.ring = RingBuffer.createSingleProducer(EventSlot::new, filter.capacity(),
                new ParkingWaitStrategy(IDLE_REPORT_MILLIS, TimeUnit.MILLISECONDS));
        this.processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), new Delivery());
        processor.setExceptionHandler(new LoggingExceptionHandler());
        ring.addGatingSequences(processor.getSequence());
        this.capacity = filter.capacity();
        this.flushEvery = Math.max(1, capacity / 4);
        this.thread = new Thread(processor, "scxgamer-listener-" + bundle + "-" + serviceId);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Reader thread: copies the event into this listener's queue if it matches; never blocks (a full
     * queue drops and counts). The copy becomes visible at the next {@link #flush()}: publishing per
     * batch wakes a parked delivery thread once per batch instead of once per event.
     */
    void offer(EventSlot event) {
        if (!filter.matches(event.lane, event.type)) {
            return;
        }
        matched.setOpaque(matched.getPlain() + 1);
        // Room for one more once the consumer has passed lastClaimed + 1 - capacity. Checked with a plain
        // volatile read: Disruptor's hasAvailableCapacity() does a fenced store on every call while
        // the queue is full, which made a stalled subscriber slow down the reader for everyone.
        // Single producer: capacity seen here cannot shrink before next(), so next() never waits.
        if (processor.getSequence().get() < lastClaimed + 1 - capacity) {
            dropped.setOpaque(dropped.getPlain() + 1);
            return;
        }
        long seq = ring.next();
        lastClaimed = seq;
        ring.get(seq).copyFrom(event);
        if (pendingLow < 0) {
            pendingLow = seq;
        }
        pendingHigh = seq;
        if (seq - pendingLow + 1 >= flushEvery) {
            flush();
        }
    }

    /** Reader thread: publishes what {@link #offer} queued since the last flush. */
    void flush() {
        if (pendingLow >= 0) {
            ring.publish(pendingLow, pendingHigh);
            pendingLow = -1;
        }
    }

    /**
     * Stops the delivery thread: halt, then interrupt a listener that does not return.
     * @return true if the thread ended
     */
    boolean close(long waitMillis) {
        processor.halt();
        try {
            thread.join(Math.min(waitMillis, 200));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(waitMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        logSuppressedFailures();
        if (thread.isAlive()) {
            LOG.warn("Listener {} (service {}, bundle {}) did not return within {} ms of its removal, not even when interrupted; "
                    + "its delivery thread {} is left as a daemon", name, serviceId, bundle, waitMillis, thread.getName());
            return false;
        }
        return true;
    }

    long serviceId() { return serviceId; }

    long matched() { return matched.getOpaque(); }

    long dropped() { return dropped.getOpaque(); }

    long delivered() { return delivered.getOpaque(); }

    long failures() { return failures.getOpaque(); }

    /** Published and not yet handled (the reader flushes after every drain, so unpublished copies are transient). */
    int queued() {
        return (int) Math.max(0, ring.getCursor() - processor.getSequence().get());
    }

    String threadName() { return thread.getName(); }

    SubscriberInfo info() {
        // Read the consumer side first: a concurrent publish can then only make matched look larger.
        long d = delivered();
        int q = queued();
        return new SubscriberInfo(serviceId, bundle, name, ring.getBufferSize(), matched(), d, dropped(), failures(), q);
    }

    private void failed(Throwable t, String call) {
        if (t instanceof VirtualMachineError vme) {
            throw vme;
        }
        failures.setOpaque(failures.getPlain() + 1);
        long now = System.nanoTime();
        if (now - lastFailureLog >= FAILURE_LOG_PERIOD_NANOS) {
            long total = failures.getPlain();
            long since = total - failuresLogged;
            failuresLogged = total;
            lastFailureLog = now;
            LOG.warn("Listener {} (service {}, bundle {}) threw from {}: {} exception(s) since the last report, {} in total; "
                    + "the events stay counted as delivered. Latest:", name, serviceId, bundle, call, since, total, t);
        }
    }

    private void logSuppressedFailures() {
        long total = failures.getOpaque();
        if (total > failuresLogged) {
            LOG.warn("Listener {} (service {}, bundle {}) threw {} more exception(s) before its removal; {} in total",
                    name, serviceId, bundle, total - failuresLogged, total);
            failuresLogged = total;
        }
    }

    private void reportDrops() {
        long d = dropped.getOpaque();
        if (d != dropsReported) {
            long n = d - dropsReported;
            dropsReported = d;
            try {
                listener.onDropped(n);
            } catch (Throwable t) {
                failed(t, "onDropped");
            }
        }
    }

    private final class Delivery implements EventHandler<EventSlot> {
        private Sequence sequence;

        @Override
        public void setSequenceCallback(Sequence sequenceCallback) {
            this.sequence = sequenceCallback;
        }

        @Override
        public void onEvent(EventSlot event, long seq, boolean endOfBatch) {
            try {
                listener.onEvent(event);
            } catch (Throwable t) {
                failed(t, "onEvent");
            }
            delivered.setOpaque(delivered.getPlain() + 1);
            // Free the slot now rather than at the end of the batch: keeps queued() exact and the ring emptier.
            sequence.set(seq);
            if (endOfBatch) {
                reportDrops();
            }
        }

        @Override
        public void onTimeout(long seq) {
            reportDrops();
            logSuppressedFailuresIfDue();
        }

        private void logSuppressedFailuresIfDue() {
            if (failures.getPlain() > failuresLogged && System.nanoTime() - lastFailureLog >= FAILURE_LOG_PERIOD_NANOS) {
                lastFailureLog = System.nanoTime();
                logSuppressedFailures();
            }
        }
    }

    private final class LoggingExceptionHandler implements ExceptionHandler<EventSlot> {
        @Override
        public void handleEventException(Throwable ex, long seq, EventSlot event) {
            failed(ex, "delivery");
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.warn("Delivery thread {} failed to start", thread.getName(), ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.warn("Delivery thread {} failed to shut down cleanly", thread.getName(), ex);
        }
    }
}
