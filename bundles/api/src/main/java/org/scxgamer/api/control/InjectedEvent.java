package org.scxgamer.api.control;

/**
 * An event for the injector: it goes through exactly the kernel handling code of real input, as if
 * the device identified by {@code deviceKey} (with bus/vendor/product) had produced it.
 */
public record InjectedEvent(long deviceKey, int bus, int vendor, int product, int type, int code, int value) {
}
