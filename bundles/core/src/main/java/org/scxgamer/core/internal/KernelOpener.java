package org.scxgamer.core.internal;

import org.scxgamer.core.kernel.Kernel;

/** Opens the BPF objects for some settings (sizes and part switches); replaced by a fake in tests. */
@FunctionalInterface
interface KernelOpener {
    Kernel open(CoreSettings settings);
}
