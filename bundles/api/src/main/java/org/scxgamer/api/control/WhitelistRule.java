package org.scxgamer.api.control;

import java.util.Locale;

import org.scxgamer.api.event.Lane;

/**
 * One whitelist rule: devices matching bus/vendor/product (each -1 for "any") get an action.
 * Text form: {@code bus:vendor:product=action}, numbers in hex, {@code *} for any, bus also by name
 * (usb, bluetooth, i8042, virtual), action one of mouse, keyboard, controller, auto, ignore.
 * Example: {@code usb:046d:*=mouse}.
 */
public record WhitelistRule(int bus, int vendor, int product, Action action) {
    public static final int ANY = -1;

    public enum Action {
        MOUSE, KEYBOARD, CONTROLLER,
        /** Lane chosen per event type: relative motion and buttons → mouse, keys → keyboard, absolute axes → controller. */
        AUTO,
        /** Matched but deliberately not delivered and never boosting. */
        IGNORE;

        public Lane lane() {
            return switch (this) {
                case MOUSE -> Lane.MOUSE;
                case KEYBOARD -> Lane.KEYBOARD;
                case CONTROLLER -> Lane.CONTROLLER;
                default -> Lane.NONE;
            };
        }
    }

    public WhitelistRule {
        checkField("bus", bus);
        checkField("vendor", vendor);
        checkField("product", product);
        if (action == null) {
            throw new IllegalArgumentException("whitelist rule needs an action");
        }
    }

    private static void checkField(String name, int v) {
        if (v != ANY && (v < 0 || v > 0xfffe)) {
            throw new IllegalArgumentException("whitelist " + name + " " + v + " out of range: 0000..fffe or *");
        }
    }

    /**
     * Parses the text form.
     * @throws IllegalArgumentException saying what is wrong and what is accepted
     */
    public static WhitelistRule parse(String text) {
        String s = text == null ? "" : text.trim();
        int eq = s.indexOf('=');
        String[] ids = eq < 0 ? new String[0] : s.substring(0, eq).split(":", -1);
        if (eq < 0 || ids.length != 3) {
            throw new IllegalArgumentException("whitelist rule '" + text + "' is malformed: expected bus:vendor:product=action, e.g. usb:046d:*=mouse");
        }
        Action action;
        try {
            action = Action.valueOf(s.substring(eq + 1).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("whitelist rule '" + text + "': unknown action '" + s.substring(eq + 1).trim()
                    + "', accepted: mouse, keyboard, controller, auto, ignore");
        }
        return new WhitelistRule(parseBus(ids[0].trim(), text), parseHex(ids[1].trim(), "vendor", text),
                parseHex(ids[2].trim(), "product", text), action);
    }

    private static int parseBus(String s, String text) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "usb" -> 0x03;
            case "bluetooth" -> 0x05;
            case "virtual" -> 0x06;
            case "i8042" -> 0x11;
            default -> parseHex(s, "bus", text);
        };
    }

    private static int parseHex(String s, String field, String text) {
        if (s.equals("*")) {
            return ANY;
        }
        try {
            int v = Integer.parseInt(s, 16);
            if (v < 0 || v > 0xfffe) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("whitelist rule '" + text + "': " + field + " '" + s
                    + "' is not a hex id 0..fffe or *");
        }
    }

    /** The text form, parseable by {@link #parse(String)}. */
    @Override
    public String toString() {
        return id(bus) + ":" + id(vendor) + ":" + id(product) + "=" + action.name().toLowerCase(Locale.ROOT);
    }

    private static String id(int v) {
        return v == ANY ? "*" : String.format("%04x", v);
    }
}
