/**
 * Control of the core: part states, counters, device whitelist, live tunables, event injection,
 * scheduler state and task classes, the CPU topology, the Event Admin topics the core posts, and the status whiteboard
 * ({@link org.scxgamer.api.control.StatusContributor}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.7.0")
package org.scxgamer.api.control;
