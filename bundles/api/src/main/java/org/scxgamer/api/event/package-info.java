/**
 * The input event stream: the core publishes every event read from the kernel's ring buffers to
 * {@link org.scxgamer.api.event.InputEventListener} services (whiteboard pattern).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.scxgamer.api.event;
