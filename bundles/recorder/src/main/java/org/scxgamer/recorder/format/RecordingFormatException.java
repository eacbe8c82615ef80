package org.scxgamer.recorder.format;

import java.io.IOException;

/** A recording is not readable from some point on; the message says where (block, offset) and why. */
public class RecordingFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long blocksRead;

    public RecordingFormatException(String message, long blocksRead) {
        super(message);
        this.blocksRead = blocksRead;
    }

    /** Whole, valid blocks read before the problem. */
    public long blocksRead() {
        return blocksRead;
    }
}
