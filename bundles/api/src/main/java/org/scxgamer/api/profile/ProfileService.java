package org.scxgamer.api.profile;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Named presets of the core's live tunables, offered by the profiles policy: other bundles (desktop
 * control, power-profile following) switch them by name.
 */
@ProviderType
public interface ProfileService {
    /** The names of the profiles offered now, in a stable order. */
    List<String> names();

    /** The active profile's name, or the empty string when none is active. */
    String active();

    /**
     * Switches the live tunables to a profile.
     * @param source who asks (shown in the log)
     * @throws IllegalArgumentException naming the known profiles when there is no such profile
     */
    void activate(String name, String source);
}
