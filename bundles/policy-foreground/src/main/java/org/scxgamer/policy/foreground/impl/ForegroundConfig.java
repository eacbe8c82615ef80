package org.scxgamer.policy.foreground.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = ForegroundPolicy.PID, name = "scxgamer foreground policy",
        description = "Finds the game process in /proc and tells the core its tgid, its input-handler and audio threads, the sound servers' threads and the compositors'")
@interface ForegroundConfig {
    @AttributeDefinition(description = "How often /proc is scanned; 100 .. 60000 ms", min = "100", max = "60000")
    int scan_interval_ms() default Settings.DEFAULT_SCAN_MS;

    @AttributeDefinition(description = "Regular expressions (whole-name match) over a process's comm, argv[0] file name "
            + "and exe file name that mark it as the game; checked after the command and the pid file")
    String[] process_patterns() default {};

    @AttributeDefinition(description = "Also take Wine/Proton/Steam processes as games: argv[0] ending in .exe, "
            + "exe named wine*, or SteamGameId / SteamAppId / STEAM_COMPAT_APP_ID in the environment")
    boolean wine_markers() default true;

    @AttributeDefinition(description = "Regular expressions (over comm and argv[0] file name) for launchers, Wine services and wrappers that are never the game")
    String[] exclude_patterns() default {Settings.DEFAULT_EXCLUDE};

    @AttributeDefinition(description = "File holding the game's pid (written by a launcher script); empty for none")
    String pid_file() default "";

    @AttributeDefinition(description = "Regular expressions over thread names (/proc/PID/task/TID/comm) of the game's input-handler threads")
    String[] input_thread_patterns() default {Settings.DEFAULT_INPUT_THREADS};

    @AttributeDefinition(description = "Regular expressions (whole-name match) over a process's comm and argv[0] file name "
            + "that mark it as a sound server: all its threads are classed audio, whatever the game; empty for none")
    String[] audio_process_patterns() default {Settings.DEFAULT_AUDIO_PROCESSES};

    @AttributeDefinition(description = "Regular expressions over thread names of the game's audio threads (classed audio; "
            + "a thread that is also an input thread stays input); empty for none")
    String[] audio_thread_patterns() default {Settings.DEFAULT_AUDIO_THREADS};

    @AttributeDefinition(description = "Regular expressions (whole-name match) over a process's comm and argv[0] file name "
            + "that mark it as a compositor or display server: all its threads are classed render, whatever the game; empty for none")
    String[] render_process_patterns() default {Settings.DEFAULT_RENDER_PROCESSES};

    @AttributeDefinition(description = "Root of the proc file system (a different root is for tests and containers)")
    String proc_root() default "/proc";
}
