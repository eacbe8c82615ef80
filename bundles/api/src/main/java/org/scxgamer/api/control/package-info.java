/**
 * Control of the core: part states, counters, device whitelist, live tunables, event injection,
 * scheduler state and task classes, plus the Event Admin topics the core posts.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.scxgamer.api.control;
