package org.scxgamer.policy.foreground.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scxgamer.api.control.ScxControl;
import org.scxgamer.api.control.TaskClass;

class ForegroundPolicyTest {
    @TempDir
    Path dir;
    private FakeProc proc;
    private final Map<Integer, TaskClass> classes = new HashMap<>();
    private final AtomicInteger foreground = new AtomicInteger();
    private final List<String> calls = new ArrayList<>();
    private final AtomicBoolean refuse = new AtomicBoolean();

    /** The core's control service as far as this policy uses it: classes and foreground. */
    private final ScxControl control = (ScxControl) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ScxControl.class},
            (p, m, a) -> {
                switch (m.getName()) {
                    case "classify" -> {
                        if (refuse.get()) {
                            throw new IllegalStateException("SCHEDULER is not active");
                        }
                        calls.add("classify " + a[0] + " " + a[1]);
                        if (a[1] == TaskClass.DEFAULT) {
                            classes.remove((Integer) a[0]);
                        } else {
                            classes.put((Integer) a[0], (TaskClass) a[1]);
                        }
                        return null;
                    }
                    case "setForeground" -> {
                        if (refuse.get()) {
                            throw new IllegalStateException("SCHEDULER is not active");
                        }
                        calls.add("foreground " + a[0]);
                        foreground.set((Integer) a[0]);
                        return null;
                    }
                    case "foreground" -> {
                        return foreground.get();
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                }
            });

    @BeforeEach
    void tree() {
        proc = new FakeProc(dir.resolve("proc"));
        proc.process(1, 1, "systemd", new String[] {"/sbin/init"}, "/usr/lib/systemd/systemd");
        proc.process(2, 2, "kthreadd", new String[0], null);
        proc.process(300, 500, "bash", new String[] {"-bash"}, "/usr/bin/bash", "SteamGameId=0");
        proc.process(400, 600, "steamwebhelper", new String[] {"/home/u/.steam/steamwebhelper"}, "/home/u/.steam/steamwebhelper",
                "SteamAppId=570");
        proc.process(410, 610, "wineserver", new String[] {"/usr/bin/wineserver"}, "/usr/bin/wineserver", "WINEPREFIX=/p");
    }

    private ForegroundPolicy policy(String... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("proc.root", proc.root.toString());
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new ForegroundPolicy(control, Settings.from(m));
    }

    @Test
    void wineGameIsFoundAndItsInputThreadsClassedThenReleasedOnExit() {
        proc.process(1000, 900, "Game.exe", new String[] {"Z:\\games\\Game\\Game.exe", "-dx12"}, "/usr/bin/wine64-preloader",
                "WINEPREFIX=/p")
                .thread(1000, 1001, "RenderThread").thread(1000, 1002, "InputThread").thread(1000, 1003, "SDL_joystick");
        ForegroundPolicy p = policy();
        p.scan();
        assertThat(foreground.get()).isEqualTo(1000);
        assertThat(classes).containsOnly(Map.entry(1002, TaskClass.INPUT), Map.entry(1003, TaskClass.INPUT));
        assertThat(p.foreground()).contains("foreground: pid 1000 (Game.exe) by marker: Windows executable Game.exe",
                "1002 InputThread INPUT", "1003 SDL_joystick INPUT");

        proc.remove(1000);
        p.scan();
        assertThat(foreground.get()).isZero();
        assertThat(classes).isEmpty();
        assertThat(p.foreground()).startsWith("foreground: none");
    }

    @Test
    void nativeSteamGameIsFoundByItsEnvironmentButLaunchersAreNot() {
        proc.process(2000, 1000, "factorio", new String[] {"/games/factorio/bin/factorio"}, "/games/factorio/bin/factorio",
                "HOME=/home/u", "SteamGameId=427520");
        ForegroundPolicy p = policy();
        p.scan();
        assertThat(foreground.get()).isEqualTo(2000);
        assertThat(p.foreground()).contains("by marker: Steam game 427520");
    }

    @Test
    void markersCanBeTurnedOffAndPatternsBeatMarkers() {
        proc.process(1000, 900, "Game.exe", new String[] {"C:\\Game.exe"}, "/usr/bin/wine64-preloader");
        proc.process(3000, 800, "eldenring", new String[] {"/opt/er/eldenring"}, "/opt/er/eldenring");
        assertThat(runOnce(policy("process.patterns", "elden.*"))).isEqualTo(3000);
        assertThat(runOnce(policy("wine.markers", "false"))).isZero();
        assertThat(runOnce(policy())).isEqualTo(1000);
    }

    @Test
    void soundServerThreadsAndTheGamesAudioThreadsAreClassedAudioGameOrNot() {
        proc.process(500, 300, "pipewire", new String[] {"/usr/bin/pipewire"}, "/usr/bin/pipewire").thread(500, 501, "data-loop.0");
        proc.process(510, 310, "pipewire-pulse", new String[] {"/usr/bin/pipewire-pulse"}, "/usr/bin/pipewire");
        proc.process(520, 320, "wireplumber", new String[] {"/usr/bin/wireplumber"}, "/usr/bin/wireplumber");
        ForegroundPolicy p = policy();
        p.scan();
        assertThat(foreground.get()).as("no game").isZero();
        assertThat(classes).containsOnly(Map.entry(500, TaskClass.AUDIO), Map.entry(501, TaskClass.AUDIO), Map.entry(510, TaskClass.AUDIO));

        proc.process(1000, 900, "Game.exe", new String[] {"C:\\Game.exe"}, "/usr/bin/wine64-preloader")
                .thread(1000, 1001, "AudioThread").thread(1000, 1002, "InputThread").thread(1000, 1003, "data-loop.0")
                .thread(1000, 1004, "AudioInputPoll").thread(1000, 1005, "RenderThread");
        p.scan();
        assertThat(classes).containsOnly(Map.entry(500, TaskClass.AUDIO), Map.entry(501, TaskClass.AUDIO), Map.entry(510, TaskClass.AUDIO),
                Map.entry(1001, TaskClass.AUDIO), Map.entry(1003, TaskClass.AUDIO),
                Map.entry(1002, TaskClass.INPUT), Map.entry(1004, TaskClass.INPUT));
        assertThat(p.foreground()).contains("audio threads:\n  500 pipewire (pipewire) AUDIO\n  501 data-loop.0 (pipewire) AUDIO",
                "1001 AudioThread (Game.exe) AUDIO");

        proc.remove(500, 501);
        proc.remove(1000);
        p.scan();
        assertThat(classes).as("threads gone from the rules are put back").containsOnly(Map.entry(500, TaskClass.AUDIO), Map.entry(510, TaskClass.AUDIO));
        p.deactivate();
        assertThat(classes).isEmpty();
    }

    @Test
    void audioRulesAreConfigurable() {
        proc.process(500, 300, "pipewire", new String[] {"/usr/bin/pipewire"}, "/usr/bin/pipewire");
        proc.process(530, 330, "mysound", new String[] {"/opt/mysound"}, "/opt/mysound").thread(530, 531, "rt");
        proc.process(1000, 900, "game", new String[] {"/games/game"}, "/games/game").thread(1000, 1001, "AudioThread").thread(1000, 1002, "fmod");
        ForegroundPolicy p = policy("audio.process.patterns", "mysound", "audio.thread.patterns", "fmod", "process.patterns", "game");
        p.scan();
        assertThat(classes).containsOnly(Map.entry(530, TaskClass.AUDIO), Map.entry(531, TaskClass.AUDIO), Map.entry(1002, TaskClass.AUDIO));
        p.deactivate();
        assertThat(policy("audio.process.patterns", "", "audio.thread.patterns", "").foreground()).contains("sound servers [], audio threads []");
        assertThatThrownBy(() -> policy("audio.thread.patterns", "(unclosed"))
                .hasMessageContaining("audio.thread.patterns").hasMessageContaining("not a Java regular expression");
    }

    @Test
    void compositorThreadsAreClassedRenderGameOrNotAndTheRulesAreConfigurable() {
        proc.process(600, 400, "kwin_wayland", new String[] {"/usr/bin/kwin_wayland"}, "/usr/bin/kwin_wayland").thread(600, 601, "KWinRender");
        proc.process(610, 410, "Xwayland", new String[] {"/usr/bin/Xwayland", ":0"}, "/usr/bin/Xwayland");
        proc.process(620, 420, "gamescope", new String[] {"gamescope", "--", "game"}, "/usr/bin/gamescope");
        proc.process(500, 300, "pipewire", new String[] {"/usr/bin/pipewire"}, "/usr/bin/pipewire");
        proc.process(1000, 900, "Game.exe", new String[] {"C:\\Game.exe"}, "/usr/bin/wine64-preloader").thread(1000, 1005, "RenderThread");
        ForegroundPolicy p = policy();
        p.scan();
        assertThat(foreground.get()).isEqualTo(1000);
        assertThat(classes).containsOnly(Map.entry(600, TaskClass.RENDER), Map.entry(601, TaskClass.RENDER), Map.entry(610, TaskClass.RENDER),
                Map.entry(620, TaskClass.RENDER), Map.entry(500, TaskClass.AUDIO));
        assertThat(p.foreground()).contains("render threads:\n  600 kwin_wayland (kwin_wayland) RENDER\n  601 KWinRender (kwin_wayland) RENDER",
                "620 gamescope (gamescope) RENDER");

        proc.remove(610);
        p.scan();
        assertThat(classes).as("a compositor gone is put back").doesNotContainKey(610).containsEntry(600, TaskClass.RENDER);
        p.deactivate();
        assertThat(classes).isEmpty();

        ForegroundPolicy mine = policy("render.process.patterns", "sway", "process.patterns", "nothing");
        proc.process(630, 430, "sway", new String[] {"/usr/bin/sway"}, "/usr/bin/sway");
        mine.scan();
        assertThat(classes).containsOnly(Map.entry(630, TaskClass.RENDER), Map.entry(500, TaskClass.AUDIO));
        mine.deactivate();
        assertThat(policy("render.process.patterns", "").foreground()).contains("compositors []");
        assertThatThrownBy(() -> policy("render.process.patterns", "(unclosed"))
                .hasMessageContaining("render.process.patterns").hasMessageContaining("not a Java regular expression");
    }

    private int runOnce(ForegroundPolicy p) {
        p.scan();
        int fg = foreground.get();
        p.deactivate();
        assertThat(foreground.get()).isZero();
        return fg;
    }

    @Test
    void newestMatchWinsAmongMarkedProcesses() {
        proc.process(1000, 900, "Old.exe", new String[] {"C:\\Old.exe"}, null);
        proc.process(999, 950, "New.exe", new String[] {"C:\\New.exe"}, null);
        ForegroundPolicy p = policy();
        p.scan();
        assertThat(foreground.get()).isEqualTo(999);
    }

    @Test
    void pidFileBeatsRulesAndCommandBeatsPidFile() throws IOException {
        proc.process(1000, 900, "Game.exe", new String[] {"C:\\Game.exe"}, null);
        proc.process(5000, 1200, "mygame", new String[] {"/opt/mygame"}, null);
        Path pidFile = dir.resolve("game.pid");
        Files.writeString(pidFile, "5000\n");
        ForegroundPolicy p = policy("pid.file", pidFile.toString());
        p.scan();
        assertThat(foreground.get()).isEqualTo(5000);

        assertThat(p.foreground("1")).startsWith("foreground: pid 1 (systemd) by command");
        assertThat(foreground.get()).isEqualTo(1);
        assertThat(p.foreground("auto")).startsWith("foreground: pid 5000");
        assertThatThrownBy(() -> p.foreground("77777")).hasMessageContaining("no process 77777");
        assertThatThrownBy(() -> p.foreground("abc")).hasMessageContaining("'abc' is not a pid");

        // Pid file pointing at nothing: back to the rules.
        Files.writeString(pidFile, "garbage");
        p.scan();
        assertThat(foreground.get()).isEqualTo(1000);
    }

    @Test
    void explicitProcessExitFallsBackToRules() {
        proc.process(1000, 900, "Game.exe", new String[] {"C:\\Game.exe"}, null);
        proc.process(6000, 1300, "tool", new String[] {"/usr/bin/tool"}, null).thread(6000, 6001, "hid-reader");
        ForegroundPolicy p = policy();
        p.foreground("6000");
        assertThat(foreground.get()).isEqualTo(6000);
        assertThat(classes).containsOnlyKeys(6001);
        proc.remove(6000);
        p.scan();
        assertThat(foreground.get()).isEqualTo(1000);
        assertThat(classes).isEmpty();
        assertThat(p.foreground()).contains("explicit: none");
    }

    @Test
    void reusedPidIsANewProcess() {
        proc.process(1000, 900, "Game.exe", new String[] {"C:\\Game.exe"}, null).thread(1000, 1002, "InputThread");
        ForegroundPolicy p = policy();
        p.scan();
        proc.remove(1000);
        proc.process(1000, 2000, "Other.exe", new String[] {"C:\\Other.exe"}, null);
        p.scan();
        assertThat(calls).containsExactly("foreground 1000", "classify 1002 INPUT", "classify 1002 DEFAULT", "foreground 0", "foreground 1000");
        assertThat(p.foreground()).contains("(Other.exe)");
    }

    @Test
    void aProcessSeenBetweenForkAndExecIsJudgedAgainAfterTheExec() {
        proc.process(1000, 900, "bash", new String[] {"bash", "-c", "exec vmgame"}, "/usr/bin/bash");
        ForegroundPolicy p = policy("process.patterns", "vmgame");
        p.scan();
        assertThat(foreground.get()).isZero();
        proc.remove(1000);
        proc.process(1000, 900, "vmgame", new String[] {"/tmp/vmgame", "--thread", "vmgame-input"}, "/tmp/vmgame");
        p.scan();
        assertThat(foreground.get()).isEqualTo(1000);
        assertThat(p.foreground()).contains("foreground: pid 1000 (vmgame) by pattern vmgame");
    }

    @Test
    void threadsThatAppearOrVanishAreFollowed() {
        proc.process(1000, 900, "Game.exe", new String[] {"C:\\Game.exe"}, null);
        ForegroundPolicy p = policy("input.thread.patterns", "Input.*");
        p.scan();
        assertThat(classes).isEmpty();
        proc.thread(1000, 1005, "InputWorker");
        p.scan();
        assertThat(classes).containsOnlyKeys(1005);
        proc.remove(1000, 1005);
        p.scan();
        assertThat(classes).isEmpty();
        assertThat(foreground.get()).isEqualTo(1000);
    }

    @Test
    void aCoreThatRefusesIsRetriedOnTheNextScan() {
        proc.process(1000, 900, "Game.exe", new String[] {"C:\\Game.exe"}, null).thread(1000, 1002, "InputThread");
        ForegroundPolicy p = policy();
        refuse.set(true);
        p.scan();
        assertThat(p.foreground()).contains("not yet accepted by the core");
        refuse.set(false);
        p.scan();
        assertThat(foreground.get()).isEqualTo(1000);
        assertThat(classes).containsOnlyKeys(1002);
    }

    @Test
    void stoppingThePolicyRestoresClassesAndForeground() {
        proc.process(1000, 900, "Game.exe", new String[] {"C:\\Game.exe"}, null).thread(1000, 1002, "InputThread");
        ForegroundPolicy p = policy();
        p.scan();
        p.deactivate();
        assertThat(classes).isEmpty();
        assertThat(foreground.get()).isZero();
    }

    @Test
    void aForegroundSetByOthersIsLeftAlone() {
        proc.process(1000, 900, "Game.exe", new String[] {"C:\\Game.exe"}, null);
        ForegroundPolicy p = policy();
        p.scan();
        foreground.set(4242);
        p.deactivate();
        assertThat(foreground.get()).isEqualTo(4242);
    }

    @Test
    void invalidConfigurationNamesKeyAndWhatIsAccepted() {
        assertThatThrownBy(() -> Settings.from(Map.of("scan.interval.ms", "5"))).hasMessage(
                "configuration scxgamer.policy.foreground: scan.interval.ms = '5': out of range; accepted: 100 .. 60000 ms");
        assertThatThrownBy(() -> Settings.from(Map.of("process.patterns", new String[] {"ok", "(bad"}))).hasMessageStartingWith(
                "configuration scxgamer.policy.foreground: process.patterns = '(bad': not a Java regular expression (Unclosed group");
        assertThatThrownBy(() -> Settings.from(Map.of("process.pattern", "x"))).hasMessageContaining(
                "unknown key 'process.pattern' (did you mean process.patterns?)");
        assertThat(Settings.from(Map.of("process.patterns", "a{1,3}")).processPatterns()).hasSize(1);
        assertThat(Settings.from(Map.of("process.patterns", List.of("a", "b"))).processPatterns()).hasSize(2);
    }

    @Test
    void statParsingSurvivesHostileCommNames() throws IOException {
        proc.process(7000, 4321, "a) b (c", new String[] {"/x"}, null);
        assertThat(new ProcFs(proc.root).startTime(7000)).isEqualTo(4321);
        Files.writeString(proc.root.resolve("7000/stat"), "7000 (x");
        assertThat(new ProcFs(proc.root).startTime(7000)).isEqualTo(-1);
        assertThat(Detector.baseName("C:\\a\\b.exe")).isEqualTo("b.exe");
    }
}
