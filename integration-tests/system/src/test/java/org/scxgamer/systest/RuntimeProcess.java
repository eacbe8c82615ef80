package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The exported runtime started as people start it: runtime/bin/scxgamer from a fresh copy of the
 * runtime folder (SCXGAMER_HOME) with the built jar in lib/. Console output goes to console.log.
 */
final class RuntimeProcess implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("scxgamer.root", "../..")).toAbsolutePath().normalize();
    static final Path ARTIFACTS = Path.of(System.getProperty("scxgamer.artifacts", "target/artifacts")).toAbsolutePath();
    static final String PAGE = "http://127.0.0.1:8477";
    static final String METRICS = "http://127.0.0.1:9477/metrics";

    final Path home;
    final Path console;
    private Process process;

    private RuntimeProcess(Path home) {
        this.home = home;
        this.console = home.resolve("console.log");
    }

    /** A fresh runtime folder (mode 0755 so that other users can run the launcher from it). */
    static RuntimeProcess prepare(String name) throws IOException {
        Path jar = ROOT.resolve("runtime/target/scxgamer.jar");
        assertThat(jar).as("the exported runtime jar (build the runtime module first)").exists();
        Files.createDirectories(ARTIFACTS);
        Path home = Files.createTempDirectory("scxgamer-" + name + "-");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String dir : new String[] {"bin", "conf"}) {
            try (Stream<Path> files = Files.list(ROOT.resolve("runtime").resolve(dir))) {
                Files.createDirectories(home.resolve(dir));
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, home.resolve(dir).resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.createDirectories(home.resolve("lib"));
        Files.copy(jar, home.resolve("lib/scxgamer.jar"));
        for (String dir : new String[] {"deploy", "etc"}) {
            Files.createDirectories(home.resolve(dir));
        }
        return new RuntimeProcess(home);
    }

    /** Starts the launcher ({@code --headless} unless a shell on stdin is wanted) with extra command prefix. */
    RuntimeProcess start(boolean headless, List<String> prefix) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(home.resolve("bin/scxgamer").toString());
        if (headless) {
            cmd.add("--headless");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(console.toFile());
        pb.environment().put("SCXGAMER_HOME", home.toString());
        if (headless) {
            pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        process = pb.start();
        return this;
    }

    /**
     * Starts the runtime jar the way bin/scxgamer does, but without the launcher's checks, behind a
     * command prefix (e.g. setpriv): to see what the platform itself does where the launcher would refuse.
     */
    RuntimeProcess startWithoutLauncher(List<String> prefix) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dscxgamer.home=" + home, "-Dscxgamer.headless=1",
                "-Dlogback.configurationFile=" + home.resolve("conf/logback.xml"),
                "-Dorg.osgi.framework.storage=" + home.resolve("data/felix-cache"),
                "-Dfelix.fileinstall.dir=" + home.resolve("deploy") + "," + home.resolve("etc"),
                "-Dgosh.args=--nointeractive", "-jar", home.resolve("lib/scxgamer.jar").toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        return this;
    }

    RuntimeProcess start() throws IOException {
        return start(true, List.of());
    }

    Process process() {
        return process;
    }

    /** What the runtime printed on its console (stdout and stderr). */
    String log() throws IOException {
        return Files.exists(console) ? Files.readString(console, StandardCharsets.UTF_8) : "";
    }

    /** The log file (log/scxgamer.log: every record from INFO up, whatever the console shows). */
    String logFile() throws IOException {
        Path file = home.resolve("log/scxgamer.log");
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** Waits until both listeners answer (any HTTP status). */
    RuntimeProcess awaitWeb() throws Exception {
        await(Duration.ofSeconds(60), () -> logFile().contains("web: metrics on") && answers(PAGE + "/scxgamer/")
                && answers(METRICS), "the web page and metrics listeners");
        return this;
    }

    String password() throws IOException {
        return Files.readString(home.resolve("data/web/password"), StandardCharsets.UTF_8).strip();
    }

    String basicAuth() throws IOException {
        return "Basic " + Base64.getEncoder().encodeToString(("scxgamer:" + password()).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a command line to the foreground Gogo shell on the runtime's stdin. */
    void shell(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private int commands;

    /**
     * Runs one command in the foreground Gogo shell and returns what the console printed meanwhile (its
     * output, possibly with log lines): the command is bracketed by two echo markers, as the shell does
     * not echo its input.
     */
    String command(String line) throws Exception {
        String id = "SYSTEST-" + process.pid() + "-" + (++commands);
        shell("echo " + id + "-BEGIN");
        shell(line);
        shell("echo " + id + "-END");
        await(Duration.ofSeconds(30), () -> log().contains(id + "-END"), "the output of '" + line + "'");
        String log = log();
        int from = log.indexOf(id + "-BEGIN") + (id + "-BEGIN").length();
        return log.substring(from, log.indexOf(id + "-END", from));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    void await(Duration timeout, Check check, String what) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (!process.isAlive()) {
                throw new AssertionError("the runtime exited (" + process.exitValue() + ") while waiting for " + what
                        + "; console:\n" + log());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "; console:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    static void awaitTrue(Duration timeout, BooleanSupplier check, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    static boolean answers(String url) {
        try {
            Http.get(url, null);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        Files.copy(console, ARTIFACTS.resolve(home.getFileName() + ".log"), StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> walk = Files.walk(home)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
