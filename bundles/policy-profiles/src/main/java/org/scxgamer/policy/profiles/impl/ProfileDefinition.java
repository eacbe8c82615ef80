package org.scxgamer.policy.profiles.impl;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured profile (factory PID scxgamer.policy.profile). An invalid configuration does not
 * activate (the error names the key and its range); an invalid change keeps the previous values.
 */
@Component(service = ProfileDefinition.class, configurationPid = Profile.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ProfileConfig.class, factory = true)
public class ProfileDefinition {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileDefinition.class);
    private volatile Profile profile;

    /** @throws IllegalArgumentException for an invalid configuration: the component does not activate */
    @Activate
    public ProfileDefinition(Map<String, Object> props) {
        try {
            profile = Profile.parse(props, origin(props));
        } catch (IllegalArgumentException e) {
            LOG.error("{}; this profile is not offered", e.getMessage());
            throw e;
        }
    }

    /** For tests. */
    ProfileDefinition(Profile profile) {
        this.profile = profile;
    }

    @Modified
    void modified(Map<String, Object> props) {
        try {
            Profile p = Profile.parse(props, origin(props));
            if (!p.name().equals(profile.name())) {
                LOG.warn("profile {} renamed to {}", profile.name(), p.name());
            }
            profile = p;
        } catch (IllegalArgumentException e) {
            LOG.error("{}; keeping the previous values of profile {}", e.getMessage(), profile.name());
        }
    }

    private static String origin(Map<String, Object> props) {
        Object file = props.get("felix.fileinstall.filename");
        return file != null ? "config " + file : "config " + props.get("service.pid");
    }

    Profile profile() {
        return profile;
    }
}
