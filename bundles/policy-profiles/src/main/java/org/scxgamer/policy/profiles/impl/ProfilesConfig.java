package org.scxgamer.policy.profiles.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = ProfilePolicy.PID, name = "scxgamer profiles policy",
        description = "Switches the live scheduler between named tunable presets")
@interface ProfilesConfig {
    @AttributeDefinition(description = "Profile applied when the policy starts (and whenever this changes); empty leaves the tunables alone")
    String active() default "";

    @AttributeDefinition(description = "Offer the shipped presets default, esports, casual and low-power")
    boolean builtins() default true;
}
