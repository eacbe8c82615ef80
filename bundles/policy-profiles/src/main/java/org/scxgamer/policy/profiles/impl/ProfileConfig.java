package org.scxgamer.policy.profiles.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** One profile per factory configuration (etc/scxgamer.policy.profile-NAME.cfg). Tunables left out are not touched. */
@ObjectClassDefinition(id = Profile.FACTORY_PID, name = "scxgamer profile",
        description = "A named preset of scheduler tunables; a profile with a built-in's name replaces it")
@interface ProfileConfig {
    @AttributeDefinition(description = "Profile name: 1-32 of a-z, 0-9, '.', '_', '-'")
    String name();

    @AttributeDefinition(required = false)
    String description();

    @AttributeDefinition(required = false, description = "us, 100 .. 1000000")
    long input_window_us();

    @AttributeDefinition(required = false, description = "us, 0 .. 10000000")
    long boost_mouse_us();

    @AttributeDefinition(required = false, description = "us, 0 .. 10000000")
    long boost_keyboard_us();

    @AttributeDefinition(required = false, description = "us, 0 .. 10000000")
    long boost_controller_us();

    @AttributeDefinition(required = false, description = "us, 100 .. 100000")
    long slice_us();

    @AttributeDefinition(required = false, description = "us, 50 .. 100000")
    long slice_boosted_us();

    @AttributeDefinition(required = false, description = "us, 0 .. 1000000")
    long lag_cap_us();

    @AttributeDefinition(required = false, description = "events/s, 1 .. 100000")
    long continuous_on_rate();

    @AttributeDefinition(required = false, description = "events/s, 0 .. 100000")
    long continuous_off_rate();

    @AttributeDefinition(required = false, description = "shift, 0 .. 16")
    long boost_input_shift();

    @AttributeDefinition(required = false, description = "shift, 0 .. 16")
    long boost_foreground_shift();

    @AttributeDefinition(required = false, description = "0 or 1")
    long preempt();

    @AttributeDefinition(required = false, description = "0 or 1")
    long classify_behaviour();

    @AttributeDefinition(required = false, description = "shift, 0 .. 16")
    long boost_audio_shift();

    @AttributeDefinition(required = false, description = "0 or 1")
    long classify_audio();

    @AttributeDefinition(required = false, description = "0 = none, 1 = fast cores, 2 = cache-rich LLC")
    long topology_prefer();

    @AttributeDefinition(required = false, description = "shift, 0 .. 16")
    long boost_render_shift();

    @AttributeDefinition(required = false, description = "0 or 1")
    long classify_render();

    @AttributeDefinition(required = false, description = "ms, 10 .. 60000")
    long render_hold_ms();

    @AttributeDefinition(required = false, description = "0 or 1")
    long boost_futex();

    @AttributeDefinition(required = false, description = "shift, 0 .. 16")
    long boost_futex_shift();

    @AttributeDefinition(required = false, description = "0 or 1")
    long boost_ntsync();

    @AttributeDefinition(required = false, description = "shift, 0 .. 16")
    long boost_ntsync_shift();
}
