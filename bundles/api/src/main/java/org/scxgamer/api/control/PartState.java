package org.scxgamer.api.control;

public enum PartState {
    ACTIVE,
    /** Turned off by configuration. */
    DISABLED,
    /** The kernel or machine lacks what the part needs (the reason says what). */
    UNAVAILABLE,
    /** It should have worked but did not (the reason carries the error). */
    FAILED
}
