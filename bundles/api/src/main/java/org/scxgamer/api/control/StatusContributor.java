package org.scxgamer.api.control;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: a bundle that registers this service adds a line about itself to {@code scx:status}
 * and the status page (e.g. the desktop control's bus state).
 */
@ConsumerType
public interface StatusContributor {
    /** A short name for the line, e.g. {@code dbus}. */
    String name();

    /** One line: the state and its reason. */
    String status();
}
