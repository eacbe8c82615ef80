package org.scxgamer.dbus.impl;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** D-Bus error replies with the standard names; messages say what was wrong and what is accepted. */
final class Errors {
    static final String INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs";
    static final String NOT_SUPPORTED = "org.freedesktop.DBus.Error.NotSupported";
    static final String ACCESS_DENIED = "org.freedesktop.DBus.Error.AccessDenied";
    static final String FAILED = "org.freedesktop.DBus.Error.Failed";
    /** Caller-supplied text in messages is cut to this and stripped of control characters. */
    static final int SHOWN_MAX = 80;

    private Errors() {
    }

    static DBusExecutionException of(String name, String message) {
        DBusExecutionException e = new DBusExecutionException(message);
        e.setType(name);
        return e;
    }

    static String shown(String s) {
        if (s == null) {
            return "(null)";
        }
        String t = s.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return t.length() > SHOWN_MAX ? t.substring(0, SHOWN_MAX) + "…" : t;
    }
}
