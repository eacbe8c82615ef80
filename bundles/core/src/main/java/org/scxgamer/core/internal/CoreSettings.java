package org.scxgamer.core.internal;

import java.util.List;
import java.util.Map;

import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;

/** A complete, validated configuration of PID scxgamer.core (see {@link CoreConfig} for the keys). */
record CoreSettings(int ringSizeKiB, boolean busyPoll, List<WhitelistRule> whitelist, Map<Tunable, Long> tunables,
                    boolean hookEnabled, boolean schedulerEnabled, boolean injectorEnabled,
                    RestartPolicy restartPolicy, int restartMaxAttempts, long restartBackoffMs) {

    CoreSettings {
        whitelist = List.copyOf(whitelist);
        tunables = Map.copyOf(tunables);
    }

    /** Whether going from this to {@code next} needs the BPF objects loaded again (sizes, parts). */
    boolean needsKernelReload(CoreSettings next) {
        return ringSizeKiB != next.ringSizeKiB || hookEnabled != next.hookEnabled
                || schedulerEnabled != next.schedulerEnabled || injectorEnabled != next.injectorEnabled;
    }
}
