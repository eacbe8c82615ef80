package org.scxgamer.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.scxgamer.api.control.Tunable;
import org.scxgamer.api.control.WhitelistRule;
import org.scxgamer.common.config.ConfigReader;
import org.scxgamer.common.config.ConfigReader.InvalidConfigException;

class CoreSettingsTest {

    @Test
    void emptyConfigurationGivesTheDocumentedDefaults() throws Exception {
        CoreSettings.Parsed r = CoreSettings.parse(Map.of());
        CoreSettings s = r.settings();
        assertThat(s.ringSizeKiB()).isEqualTo(256);
        assertThat(s.busyPoll()).isFalse();
        assertThat(s.readerBatchUs()).isEqualTo(4_000);
        assertThat(s.whitelist()).extracting(WhitelistRule::toString)
                .containsExactly("0003:*:*=auto", "0005:*:*=auto", "0011:*:*=auto", "0006:*:*=ignore");
        assertThat(s.hookEnabled() && s.schedulerEnabled() && s.injectorEnabled()).isTrue();
        assertThat(s.restartPolicy()).isEqualTo(RestartPolicy.ON_REQUEST);
        for (Tunable t : Tunable.values()) {
            assertThat(s.tunables()).containsEntry(t, t.defaultValue());
        }
        assertThat(r.explicitTunables()).isEmpty();
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void cfgFileStringsAreParsed() throws Exception {
        Map<String, Object> p = Map.of(CoreSettings.RING_SIZE_KIB, "1024", CoreSettings.READER_WAIT, "busy-poll",
                CoreSettings.WHITELIST, "usb:046d:c077=mouse, virtual:*:*=auto", CoreSettings.HOOK_ENABLED, "false",
                CoreSettings.SCHEDULER_RESTART, "always", Tunable.PREEMPT.key(), "false", Tunable.SLICE_US.key(), "2_000",
                ConfigReader.FILENAME, "file:/opt/scxgamer/etc/scxgamer.core.cfg", "service.pid", "scxgamer.core",
                "component.name", "x");
        CoreSettings.Parsed r = CoreSettings.parse(p);
        CoreSettings s = r.settings();
        assertThat(s.ringSizeKiB()).isEqualTo(1024);
        assertThat(s.busyPoll()).isTrue();
        assertThat(CoreSettings.parse(Map.of(CoreSettings.READER_BATCH_US, "0")).settings().readerBatchUs()).isZero();
        assertThat(s.whitelist()).hasSize(2);
        assertThat(s.hookEnabled()).isFalse();
        assertThat(s.restartPolicy()).isEqualTo(RestartPolicy.ALWAYS);
        assertThat(s.tunables()).containsEntry(Tunable.PREEMPT, 0L).containsEntry(Tunable.SLICE_US, 2000L);
        assertThat(r.explicitTunables()).containsOnlyKeys(Tunable.PREEMPT, Tunable.SLICE_US);
        assertThat(r.warnings()).isEmpty();
        assertThat(new ConfigReader(CoreConfig.PID, p).source()).isEqualTo("file:/opt/scxgamer/etc/scxgamer.core.cfg");
    }

    @Test
    void typedValuesAndArraysAreAccepted() throws Exception {
        CoreSettings s = CoreSettings.parse(Map.of(CoreSettings.RING_SIZE_KIB, 64, CoreSettings.HOOK_ENABLED, Boolean.FALSE,
                CoreSettings.WHITELIST, new String[] {"usb:*:*=mouse"}, Tunable.SLICE_US.key(), 3000L)).settings();
        assertThat(s.ringSizeKiB()).isEqualTo(64);
        assertThat(s.hookEnabled()).isFalse();
        assertThat(s.whitelist()).extracting(WhitelistRule::toString).containsExactly("0003:*:*=mouse");
        assertThat(s.tunables()).containsEntry(Tunable.SLICE_US, 3000L);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "ring.size.kib | abc | not a whole number; accepted: 4 .. 16384 KiB",
            "ring.size.kib | 2 | out of range; accepted: 4 .. 16384 KiB",
            "ring.size.kib | 32768 | out of range; accepted: 4 .. 16384 KiB",
            "reader.batch.us | -1 | out of range; accepted: 0 .. 100000 us",
            "reader.batch.us | 200000 | out of range; accepted: 0 .. 100000 us",
            "ring.size.kib | 100 | not a power of two",
            "reader.wait | sometimes | accepted: blocking, busy-poll",
            "hook.enabled | yes | accepted: true, false",
            "scheduler.restart | maybe | accepted: on-request, always, never",
            "scheduler.restart.max.attempts | 101 | accepted: 0 .. 100",
            "scheduler.restart.backoff.ms | 10 | accepted: 100 .. 30000 ms",
            "slice.us | 50 | accepted: 100 .. 100000 us",
            "slice.us | 1.5 | not a whole number",
            "preempt | 2 | accepted: 0 .. 1 bool",
            "boost.mouse.us | -1 | accepted: 0 .. 10000000 us",
            "whitelist | usb:046d=mouse | expected bus:vendor:product=action",
            "whitelist | usb:*:*=touchpad | accepted: mouse, keyboard, controller, auto, ignore",
            "topology.cache.cpus | 0-3,x | 'x' is not a CPU or a range of CPUs",
            "topology.fast.cpus | 7-2 | ranges low-high",
            "topology.prefer | 3 | accepted: 0 .. 2 mode",
    })
    void invalidValuesNameKeyValueAndRange(String key, String value, String expected) {
        assertThatThrownBy(() -> CoreSettings.parse(Map.of(key, value)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(key).hasMessageContaining(value).hasMessageContaining(expected);
    }

    @Test
    void wrongJavaTypesAreRejected() {
        assertThatThrownBy(() -> CoreSettings.parse(Map.of(Tunable.SLICE_US.key(), 5000.0)))
                .hasMessageContaining("slice.us").hasMessageContaining("Double").hasMessageContaining("100 .. 100000");
        assertThatThrownBy(() -> CoreSettings.parse(Map.of(CoreSettings.RING_SIZE_KIB, List.of(1))))
                .hasMessageContaining(CoreSettings.RING_SIZE_KIB);
    }

    @Test
    void everyProblemIsReportedInOneMessage() {
        Map<String, Object> p = new HashMap<>();
        p.put(CoreSettings.RING_SIZE_KIB, "abc");
        p.put(Tunable.SLICE_US.key(), "1");
        assertThatThrownBy(() -> CoreSettings.parse(p)).hasMessageContaining(CoreSettings.RING_SIZE_KIB)
                .hasMessageContaining(Tunable.SLICE_US.key());
    }

    @Test
    void unknownKeysRefuseTheConfigurationWithAHint() {
        assertThatThrownBy(() -> CoreSettings.parse(Map.of("slice.usec", "1000", Tunable.LAG_CAP_US.key(), "100")))
                .hasMessageContaining("unknown key 'slice.usec' (did you mean slice.us?)").hasMessageContaining("known keys: ");
    }

    @Test
    void hostileValuesAreEscapedAndCut() {
        assertThatThrownBy(() -> CoreSettings.parse(Map.of(CoreSettings.READER_WAIT, "a\nERROR forged\u001b[2J" + "x".repeat(5000))))
                .hasMessageContaining("'a\\nERROR forged\\u001b[2J").hasMessageContaining("(5018 characters)")
                .hasMessageNotContaining("\n").hasMessageNotContaining("\u001b");
    }

    @Test
    void rulesTheKernelCannotHoldAreRefused() {
        assertThatThrownBy(() -> CoreSettings.parse(Map.of(CoreSettings.WHITELIST, "usb:*:*=mouse, usb:*:*=keyboard")))
                .hasMessageContaining("match the same devices");
        StringBuilder many = new StringBuilder();
        for (int i = 1; i <= CoreSettings.MAX_RULES + 1; i++) {
            many.append(String.format("usb:1234:%04x=mouse,", i));
        }
        assertThatThrownBy(() -> CoreSettings.parse(Map.of(CoreSettings.WHITELIST, many.toString())))
                .hasMessageContaining("257 rules; the kernel holds at most 256");
    }

    @Test
    void continuousModeThresholdsMustNotBeInverted() {
        assertThatThrownBy(() -> CoreSettings.parse(Map.of(Tunable.CONTINUOUS_OFF_RATE.key(), "500")))
                .hasMessageContaining("continuous.off.rate = 500 is above continuous.on.rate = 150");
    }

    @Test
    void emptyWhitelistWarns() throws Exception {
        CoreSettings.Parsed r = CoreSettings.parse(Map.of(CoreSettings.WHITELIST, ""));
        assertThat(r.settings().whitelist()).isEmpty();
        assertThat(r.warnings()).singleElement().asString().contains("every input device is filtered");
    }

    @Test
    void loadTimeKeysNeedAReloadAndLiveKeysDoNot() throws Exception {
        CoreSettings base = CoreSettings.defaults();
        assertThat(base.needsKernelReload(CoreSettings.parse(Map.of(CoreSettings.RING_SIZE_KIB, 512)).settings())).isTrue();
        assertThat(base.needsKernelReload(CoreSettings.parse(Map.of(CoreSettings.SCHEDULER_ENABLED, false)).settings())).isTrue();
        CoreSettings cache = CoreSettings.parse(Map.of(CoreSettings.TOPOLOGY_CACHE_CPUS, "2-3")).settings();
        assertThat(cache.cacheCpus()).containsExactlyInAnyOrder(2, 3);
        assertThat(base.needsKernelReload(cache)).as("the domains are written when the kernel side loads").isTrue();
        assertThat(base.reloadReasons(cache)).isEqualTo("topology.cache.cpus → [2, 3]");
        assertThat(base.needsKernelReload(CoreSettings.parse(Map.of(Tunable.TOPOLOGY_PREFER.key(), 2)).settings())).isFalse();
        assertThat(base.needsKernelReload(CoreSettings.parse(Map.of(CoreSettings.WHITELIST, "usb:*:*=mouse",
                Tunable.SLICE_US.key(), 3000, CoreSettings.READER_WAIT, "busy-poll")).settings())).isFalse();
    }

    /** The shipped runtime/etc/scxgamer.core.cfg documents every key with its real default. */
    @Test
    void shippedConfigFileDocumentsTheDefaults() throws Exception {
        Path cfg = Path.of("../../runtime/etc/scxgamer.core.cfg");
        assertThat(cfg).exists();
        Map<String, Object> documented = new HashMap<>();
        for (String line : Files.readAllLines(cfg)) {
            Matcher m = Pattern.compile("^#([a-z.]+) = (.*)$").matcher(line);
            if (m.matches()) {
                documented.put(m.group(1), m.group(2));
            }
        }
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(CoreSettings.knownKeys());
        CoreSettings.Parsed r = CoreSettings.parse(documented);
        assertThat(r.warnings()).isEmpty();
        assertThat(r.settings()).isEqualTo(CoreSettings.defaults());
    }

    /** The metatype description (generated by bnd from CoreConfig) must say what the parser accepts. */
    @Test
    void metatypeMatchesTunablesAndParser() throws Exception {
        for (Tunable t : Tunable.values()) {
            Method m = CoreConfig.class.getDeclaredMethod(t.key().replace('.', '_'));
            assertThat(((Number) m.getDefaultValue()).longValue()).as(t.key()).isEqualTo(t.defaultValue());
        }
        assertThat((String[]) CoreConfig.class.getDeclaredMethod("whitelist").getDefaultValue())
                .containsExactlyElementsOf(CoreSettings.DEFAULT_WHITELIST);
        Path xml = Path.of("target/classes/OSGI-INF/metatype/scxgamer.core.xml");
        assertThat(xml).as("metatype generated by bnd").exists();
        String text = Files.readString(xml);
        for (Tunable t : Tunable.values()) {
            Matcher ad = Pattern.compile("<AD [^>]*id=\"" + Pattern.quote(t.key()) + "\"[^>]*>").matcher(text);
            assertThat(ad.find()).as("AD for %s", t.key()).isTrue();
            assertThat(ad.group()).contains("min=\"" + t.min() + "\"").contains("max=\"" + t.max() + "\"")
                    .contains("default=\"" + t.defaultValue() + "\"");
        }
        for (String key : CoreSettings.knownKeys()) {
            assertThat(text).as("metatype has %s", key).contains("id=\"" + key + "\"");
        }
    }
}
