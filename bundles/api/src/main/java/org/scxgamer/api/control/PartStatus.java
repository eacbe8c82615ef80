package org.scxgamer.api.control;

/** State of one part with a human-readable reason (empty when ACTIVE without remark). */
public record PartStatus(Part part, PartState state, String reason) {
}
