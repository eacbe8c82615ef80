package org.scxgamer.api.control;

import org.scxgamer.api.event.Lane;

/**
 * An input device connection the input path has seen, with how the whitelist classified it. A device that
 * unplugs and connects again is a new connection with a new id; counts never carry over.
 *
 * @param id               per connection, as in {@link org.scxgamer.api.event.InputEvent#deviceId()}; 0 for a
 *                         device the kernel side's full device cache could not hold (its events carry 0)
 * @param classification   mouse, keyboard, controller, auto, ignored or unlisted
 * @param events           events of this connection the input path saw, filtered ones included
 * @param heldKeys         keys this device holds pressed now (its share of the keys.held counter)
 * @param connectedNanos   CLOCK_MONOTONIC time the kernel side learned the connection
 * @param disconnectedNanos CLOCK_MONOTONIC time it unregistered, 0 while connected
 * @param learned          how the connection was learned: "registration" (seen connecting),
 *                         "first-event" (connected before the hook attached, or the cache was full then),
 *                         "uncached" (the cache is full)
 */
public record DeviceInfo(int id, String name, int bus, int vendor, int product, String classification, long events,
                         int heldKeys, long connectedNanos, long disconnectedNanos, String learned) {

    /** A connected device learned on its first event, with nothing held. */
    public DeviceInfo(int id, String name, int bus, int vendor, int product, String classification, long events) {
        this(id, name, bus, vendor, product, classification, events, 0, 0, 0, "first-event");
    }

    /** Lane for devices classified to a fixed lane, NONE otherwise. */
    public Lane lane() {
        return switch (classification) {
            case "mouse" -> Lane.MOUSE;
            case "keyboard" -> Lane.KEYBOARD;
            case "controller" -> Lane.CONTROLLER;
            default -> Lane.NONE;
        };
    }

    /** Whether the device is still connected (it is in {@link ScxControl#devices()}, not in the history). */
    public boolean connected() {
        return disconnectedNanos == 0;
    }
}
