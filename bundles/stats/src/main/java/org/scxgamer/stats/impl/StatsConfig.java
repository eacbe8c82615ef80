package org.scxgamer.stats.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = StatsCollector.PID, name = "scxgamer stats",
        description = "Event rates, drops and latency histograms")
@interface StatsConfig {
    @AttributeDefinition(name = "latency.max.ms", description = "Highest latency the histograms track (larger values count as this), ms; 1 .. 3600000",
            min = "1", max = "3600000")
    long latency_max_ms() default Settings.DEFAULT_LATENCY_MAX_MS;

    @AttributeDefinition(name = "latency.digits", description = "Significant decimal digits the histograms keep; 1 .. 5", min = "1", max = "5")
    int latency_digits() default Settings.DEFAULT_LATENCY_DIGITS;

    @AttributeDefinition(name = "devices.max", description = "Devices tracked one by one (the rest count as 'other'); 1 .. 4096", min = "1", max = "4096")
    int devices_max() default Settings.DEFAULT_DEVICES_MAX;

    @AttributeDefinition(name = "exits.max", description = "Scheduler exits kept in the history; 1 .. 1000", min = "1", max = "1000")
    int exits_max() default Settings.DEFAULT_EXITS_MAX;
}
