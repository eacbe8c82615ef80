package org.scxgamer.recorder.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = RecorderComponent.PID, name = "scxgamer recorder",
        description = "Records the event stream to checksummed files; replays and exports them")
@interface RecorderConfig {
    @AttributeDefinition(description = "Folder of the recordings (a relative path is taken from the runtime folder, scxgamer.home)")
    String folder() default Settings.DEFAULT_FOLDER;

    @AttributeDefinition(description = "Block payload size: a crash loses at most one block; 32768 .. 4194304 bytes", min = "32768", max = "4194304")
    int block_bytes() default Settings.DEFAULT_BLOCK_BYTES;

    @AttributeDefinition(description = "Longest time a partly filled block waits before it is written; 10 .. 60000 ms", min = "10", max = "60000")
    int flush_ms() default Settings.DEFAULT_FLUSH_MS;

    @AttributeDefinition(description = "Start a new file when this size is reached; 1048576 .. 1099511627776 bytes", min = "1048576", max = "1099511627776")
    long rotate_bytes() default Settings.DEFAULT_ROTATE_BYTES;

    @AttributeDefinition(description = "Start a new file after this time; 10 .. 604800 s", min = "10", max = "604800")
    long rotate_seconds() default Settings.DEFAULT_ROTATE_SECONDS;

    @AttributeDefinition(description = "Events the recorder queues for its writer thread (rounded up to a power of two); 1024 .. 1048576", min = "1024", max = "1048576")
    int queue_capacity() default Settings.DEFAULT_QUEUE_CAPACITY;

    @AttributeDefinition(description = "Force each block to the disk (survives power loss, not only a killed process)")
    boolean sync() default true;
}
