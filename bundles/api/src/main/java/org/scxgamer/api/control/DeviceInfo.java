package org.scxgamer.api.control;

import org.scxgamer.api.event.Lane;

/** A device the input path has seen, with how the whitelist classified it. */
public record DeviceInfo(int id, String name, int bus, int vendor, int product, String classification, long events) {
    /** Lane for devices classified to a fixed lane, NONE otherwise. */
    public Lane lane() {
        return switch (classification) {
            case "mouse" -> Lane.MOUSE;
            case "keyboard" -> Lane.KEYBOARD;
            case "controller" -> Lane.CONTROLLER;
            default -> Lane.NONE;
        };
    }
}
