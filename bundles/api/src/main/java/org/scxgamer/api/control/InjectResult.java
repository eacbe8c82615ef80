package org.scxgamer.api.control;

/** What the kernel did with injected events: written to a ring, dropped (ring full), or filtered. */
public record InjectResult(long submitted, long dropped, long filtered) {
}
