package org.scxgamer.itest.reliability.faulty;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Hashtable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.scxgamer.api.event.InputEvent;
import org.scxgamer.api.event.InputEventListener;

/**
 * The activator of the plugin bundles FaultyPluginTest writes at run time (this package is copied into
 * each jar, so every bundle has its own copy). Header X-Fault picks the misbehaviour: healthy, throw,
 * block (forever, ignoring interrupts), sleep, allocate, spawn (a thread per event), activator (start
 * fails). The listener is registered with a small queue so that slow modes fill it quickly.
 */
public class FaultyPlugin implements BundleActivator, InputEventListener {
    public static final String HEADER = "X-Fault";

    private String mode;
    private final AtomicLong received = new AtomicLong();
    private final Deque<byte[]> hoard = new ArrayDeque<>();

    @Override
    public void start(BundleContext context) {
        mode = context.getBundle().getHeaders().get(HEADER);
        if ("activator".equals(mode)) {
            throw new IllegalStateException("faulty plugin: activator fails on purpose");
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(InputEventListener.QUEUE_CAPACITY, 256);
        props.put("component.name", "faulty-" + mode);
        context.registerService(InputEventListener.class, this, props);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service; block mode stays stuck on purpose
    }

    @Override
    public void onEvent(InputEvent event) {
        received.incrementAndGet();
        switch (mode) {
            case "throw" -> throw new IllegalStateException("faulty plugin throws on purpose");
            case "block" -> {
                CountDownLatch never = new CountDownLatch(1);
                while (true) {
                    try {
                        never.await();
                    } catch (InterruptedException ignored) {
                        // a plugin that ignores interrupts: the core can only leave its thread behind
                    }
                }
            }
            case "sleep" -> {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case "allocate" -> {
                hoard.addLast(new byte[1 << 20]);
                if (hoard.size() > 64) {
                    hoard.removeFirst();
                }
            }
            case "spawn" -> {
                Thread t = new Thread(() -> {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "faulty-spawned");
                t.setDaemon(true);
                t.start();
            }
            default -> { }
        }
    }
}
