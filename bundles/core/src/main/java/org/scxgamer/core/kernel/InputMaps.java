package org.scxgamer.core.kernel;

import java.util.List;
import java.util.Map;

import org.scxgamer.api.control.DeviceInfo;
import org.scxgamer.api.control.WhitelistRule;

/**
 * The input side's kernel maps: the device whitelist, the devices the hook knows, the input state and
 * counters. Methods throw {@link IllegalStateException} naming the part and its reason when the maps
 * are not loaded.
 */
public interface InputMaps {

    /** Input counters summed over CPUs, indexed by {@link Contract} STAT_* indices. */
    long[] inputStats();

    /**
     * Events the kernel did not hand to the input hook because the hook was already running on that CPU
     * (the program's recursion_misses); 0 without an attached hook.
     */
    long hookMisses();

    /** Replaces the whitelist map and bumps the rules generation. */
    void setRules(List<WhitelistRule> rules);

    /** Connected devices (device cache entries), by id. */
    List<DeviceInfo> devices();

    /** Disconnected devices the kernel keeps (device_history), oldest first. */
    List<DeviceInfo> deviceHistory();

    /**
     * Current input state (held keys, window, continuous mode) for status output. Keys are the
     * struct scxg_input_state field names (held_keys, rules_generation, …); lane_until_ns is split
     * into lane_until_ns.none/mouse/keyboard/controller/sched.
     */
    Map<String, Long> inputState();
}
