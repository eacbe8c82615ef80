package org.scxgamer.core.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;
import org.scxgamer.common.config.ConfigReader;
import org.scxgamer.core.kernel.LibbpfKernel;
import org.scxgamer.core.kernel.TopologyReader;
import org.scxgamer.common.config.ConfigReader.InvalidConfigException;

/**
 * A complete, validated configuration of PID scxgamer.core (see {@link CoreConfig} for the keys).
 * {@link #parse} gives either every value valid or an {@link InvalidConfigException} listing every
 * bad key with its value and the accepted range, so nothing is applied partially.
 */
record CoreSettings(int ringSizeKiB, int deviceCacheSize, boolean busyPoll, int readerBatchUs, List<WhitelistRule> whitelist, Map<Tunable, Long> tunables,
                    boolean hookEnabled, boolean schedulerEnabled, boolean injectorEnabled,
                    RestartPolicy restartPolicy, int restartMaxAttempts, long restartBackoffMs, Set<Integer> cacheCpus, Set<Integer> fastCpus) {
    static final String RING_SIZE_KIB = "ring.size.kib";
    static final String DEVICE_CACHE_SIZE = "device.cache.size";
    static final String READER_WAIT = "reader.wait";
    static final String READER_BATCH_US = "reader.batch.us";
    static final int READER_BATCH_MAX_US = 100_000;
    static final String WHITELIST = "whitelist";
    static final String HOOK_ENABLED = "hook.enabled";
    static final String SCHEDULER_ENABLED = "scheduler.enabled";
    static final String INJECTOR_ENABLED = "injector.enabled";
    static final String SCHEDULER_RESTART = "scheduler.restart";
    static final String RESTART_MAX_ATTEMPTS = "scheduler.restart.max.attempts";
    static final String RESTART_BACKOFF_MS = "scheduler.restart.backoff.ms";
    static final String TOPOLOGY_CACHE_CPUS = "topology.cache.cpus";
    static final String TOPOLOGY_FAST_CPUS = "topology.fast.cpus";

    static final int RING_MIN_KIB = 4;
    static final int RING_MAX_KIB = 16384;
    /** Capacity of the kernel's device_rules map (SCXG_MAX_DEVICES in bpf/src/scxgamer_maps.bpf.h). */
    static final int MAX_RULES = 256;
    static final List<String> DEFAULT_WHITELIST = List.of("usb:*:*=auto", "bluetooth:*:*=auto", "i8042:*:*=auto",
            "virtual:*:*=ignore");

    CoreSettings {
        whitelist = List.copyOf(whitelist);
        tunables = Map.copyOf(tunables);
        cacheCpus = Set.copyOf(cacheCpus);
        fastCpus = Set.copyOf(fastCpus);
    }

    /** Settings, the tunables the properties name explicitly, and non-fatal remarks (an empty whitelist). */
    record Parsed(CoreSettings settings, Map<Tunable, Long> explicitTunables, List<String> warnings) {
    }

    /** Whether going from this to {@code next} needs the BPF objects loaded again (sizes, parts, the topology's domains). */
    boolean needsKernelReload(CoreSettings next) {
        return ringSizeKiB != next.ringSizeKiB || deviceCacheSize != next.deviceCacheSize || hookEnabled != next.hookEnabled
                || schedulerEnabled != next.schedulerEnabled || injectorEnabled != next.injectorEnabled
                || !cacheCpus.equals(next.cacheCpus) || !fastCpus.equals(next.fastCpus);
    }

    /** What makes going to {@code next} need a reload, for the log: "ring.size.kib 256 → 512, hook.enabled → false". */
    String reloadReasons(CoreSettings next) {
        List<String> r = new ArrayList<>();
        if (ringSizeKiB != next.ringSizeKiB) {
            r.add(RING_SIZE_KIB + " " + ringSizeKiB + " → " + next.ringSizeKiB);
        }
        if (deviceCacheSize != next.deviceCacheSize) {
            r.add(DEVICE_CACHE_SIZE + " " + deviceCacheSize + " → " + next.deviceCacheSize);
        }
        if (hookEnabled != next.hookEnabled) {
            r.add(HOOK_ENABLED + " → " + next.hookEnabled);
        }
        if (schedulerEnabled != next.schedulerEnabled) {
            r.add(SCHEDULER_ENABLED + " → " + next.schedulerEnabled);
        }
        if (injectorEnabled != next.injectorEnabled) {
            r.add(INJECTOR_ENABLED + " → " + next.injectorEnabled);
        }
        if (!cacheCpus.equals(next.cacheCpus)) {
            r.add(TOPOLOGY_CACHE_CPUS + " → " + new TreeSet<>(next.cacheCpus));
        }
        if (!fastCpus.equals(next.fastCpus)) {
            r.add(TOPOLOGY_FAST_CPUS + " → " + new TreeSet<>(next.fastCpus));
        }
        return String.join(", ", r);
    }

    static CoreSettings defaults() {
        return parse(Map.of()).settings();
    }

    /** @throws InvalidConfigException naming the file and every bad or unknown key */
    static Parsed parse(Map<String, ?> props) {
        ConfigReader c = new ConfigReader(CoreConfig.PID, props);
        List<String> warnings = new ArrayList<>();
        int ring = (int) c.number(RING_SIZE_KIB, 256, RING_MIN_KIB, RING_MAX_KIB, "KiB");
        if (Integer.bitCount(ring) != 1) {
            c.problem(RING_SIZE_KIB, c.raw(RING_SIZE_KIB), "not a power of two; accepted: 4, 8, 16, … " + RING_MAX_KIB + " (KiB)", 0);
        }
        int deviceCache = (int) c.number(DEVICE_CACHE_SIZE, LibbpfKernel.Options.DEFAULT_DEVICE_CACHE, 1,
                LibbpfKernel.Options.MAX_DEVICE_CACHE, "devices");
        boolean busyPoll = c.oneOf(READER_WAIT, "blocking", "blocking", "busy-poll").equals("busy-poll");
        int readerBatch = (int) c.number(READER_BATCH_US, 4_000, 0, READER_BATCH_MAX_US, "us");
        List<String> ruleTexts = c.list(WHITELIST, DEFAULT_WHITELIST);
        List<WhitelistRule> rules = whitelist(c, ruleTexts);
        if (c.has(WHITELIST) && ruleTexts.isEmpty()) {
            warnings.add(WHITELIST + " is empty: every input device is filtered");
        }
        boolean hook = c.bool(HOOK_ENABLED, true);
        boolean sched = c.bool(SCHEDULER_ENABLED, true);
        boolean injector = c.bool(INJECTOR_ENABLED, true);
        RestartPolicy policy = RestartPolicy.parse(c.oneOf(SCHEDULER_RESTART, "on-request", "on-request", "always", "never"));
        int attempts = (int) c.number(RESTART_MAX_ATTEMPTS, 5, 0, 100, "attempts");
        long backoff = c.number(RESTART_BACKOFF_MS, 500, 100, RestartPolicy.MAX_BACKOFF_MS, "ms");
        Set<Integer> cacheCpus = c.parsed(TOPOLOGY_CACHE_CPUS, Set.of(), TopologyReader::parseCpuList);
        Set<Integer> fastCpus = c.parsed(TOPOLOGY_FAST_CPUS, Set.of(), TopologyReader::parseCpuList);
        Map<Tunable, Long> tunables = new EnumMap<>(Tunable.class);
        Map<Tunable, Long> explicit = new EnumMap<>(Tunable.class);
        for (Tunable t : Tunable.values()) {
            tunables.put(t, c.number(t.key(), t.defaultValue(), t.min(), t.max(), t.unit()));
            if (c.has(t.key())) {
                explicit.put(t, tunables.get(t));
            }
        }
        long on = tunables.get(Tunable.CONTINUOUS_ON_RATE);
        long off = tunables.get(Tunable.CONTINUOUS_OFF_RATE);
        if (off > on) {
            c.problem(Tunable.CONTINUOUS_OFF_RATE.key() + " = " + off + " is above " + Tunable.CONTINUOUS_ON_RATE.key() + " = " + on
                    + ": continuous-input mode would turn off above the rate that turns it on; accepted: off <= on");
        }
        c.check();
        return new Parsed(new CoreSettings(ring, deviceCache, busyPoll, readerBatch, rules, tunables, hook, sched, injector, policy, attempts, backoff,
                cacheCpus, fastCpus),
                explicit, warnings);
    }

    /** Every key the core accepts, sorted. */
    static List<String> knownKeys() {
        List<String> keys = new ArrayList<>(List.of(RING_SIZE_KIB, DEVICE_CACHE_SIZE, READER_WAIT, READER_BATCH_US, WHITELIST, HOOK_ENABLED, SCHEDULER_ENABLED,
                INJECTOR_ENABLED, SCHEDULER_RESTART, RESTART_MAX_ATTEMPTS, RESTART_BACKOFF_MS, TOPOLOGY_CACHE_CPUS, TOPOLOGY_FAST_CPUS));
        for (Tunable t : Tunable.values()) {
            keys.add(t.key());
        }
        keys.sort(null);
        return keys;
    }

    /** Rules the kernel map can hold: each valid, no two for the same devices, at most {@link #MAX_RULES}. */
    private static List<WhitelistRule> whitelist(ConfigReader c, List<String> texts) {
        List<WhitelistRule> rules = new ArrayList<>();
        Map<List<Integer>, WhitelistRule> seen = new HashMap<>();
        for (String text : texts) {
            try {
                WhitelistRule r = WhitelistRule.parse(text);
                WhitelistRule before = seen.putIfAbsent(List.of(r.bus(), r.vendor(), r.product()), r);
                if (before != null) {
                    c.problem(WHITELIST + ": rules " + before + " and " + r + " match the same devices; keep one");
                }
                rules.add(r);
            } catch (IllegalArgumentException e) {
                c.problem(WHITELIST + ": " + ConfigReader.shown(e.getMessage(), 4 * ConfigReader.SHOWN_MAX));
            }
        }
        if (rules.size() > MAX_RULES) {
            c.problem(WHITELIST + " has " + rules.size() + " rules; the kernel holds at most " + MAX_RULES
                    + " (use * for vendor or product to cover many devices with one rule)");
        }
        return rules;
    }
}
