package org.scxgamer.api.control;

import java.time.Instant;

/** Why the scheduler last left the kernel (sched_ext exit info), as the kernel reported it. */
public record ExitInfo(Instant at, int kind, long exitCode, String reason, String message) {
}
