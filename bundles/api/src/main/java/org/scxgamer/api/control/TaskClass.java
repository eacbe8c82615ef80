package org.scxgamer.api.control;

/**
 * Scheduler class of a thread; ids match the BPF contract (enum scxg_task_class). {@link #AUDIO} threads
 * (sound servers, a game's mixer) and {@link #RENDER} threads (compositors, whatever flips frames onto the
 * display) are boosted on every wakeup; input handlers and the foreground while input is active.
 */
public enum TaskClass {
    DEFAULT(0), INPUT(1), FOREGROUND(2), BACKGROUND(3), AUDIO(4), RENDER(5);

    private final int id;

    TaskClass(int id) { this.id = id; }

    public int id() { return id; }

    public static TaskClass ofId(int id) {
        for (TaskClass c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown task class id " + id);
    }
}
