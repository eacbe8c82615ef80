package org.scxgamer.guard.internal;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registered with the highest service ranking, FileInstall asks this installer first: it claims
 * every file that fails {@link FilePolicy} or {@link CfgContentCheck}, so neither the bundle
 * installer nor the configuration installer ever sees it, and logs why with the fix. Once fixed,
 * the file is picked up when it changes again (touch it).
 */
final class RefusingInstaller implements ArtifactInstaller {
    /** Looked up at use, never at start: this bundle starts before the logging backend, and an early
     *  first call would bind SLF4J to its no-op provider for the whole runtime. */
    private static Logger log() {
        return LoggerFactory.getLogger("org.scxgamer.guard");
    }

    private final FilePolicy policy;
    private final AllowList allowList;
    private final List<Path> watchedDirs;
    /** The other installers (FileInstall's configuration installer), highest ranking first. */
    private final Supplier<List<ArtifactInstaller>> others;
    /** Configuration files this installer passed on, with the installer that took them. */
    private final Map<File, ArtifactInstaller> passedOn = new ConcurrentHashMap<>();

    RefusingInstaller(FilePolicy policy, AllowList allowList, List<Path> watchedDirs, Supplier<List<ArtifactInstaller>> others) {
        this.policy = policy;
        this.allowList = allowList;
        this.watchedDirs = watchedDirs;
        this.others = others;
    }

    /**
     * Files with problems, and every configuration file another installer would take: FileInstall asks
     * only the installer that took a file about its later edits, so configuration files stay with the
     * guard and are checked again at each edit. Bundles have no installer of their own and come back
     * here at each change anyway.
     */
    @Override
    public boolean canHandle(File artifact) {
        return !problems(artifact).isEmpty() || delegateFor(artifact) != null;
    }

    @Override
    public void install(File artifact) throws Exception {
        update(artifact);
    }

    @Override
    public void update(File artifact) throws Exception {
        List<String> problems = problems(artifact);
        ArtifactInstaller delegate = problems.isEmpty() ? delegateFor(artifact) : null;
        if (delegate == null) {
            refuse(artifact, problems);
            return;
        }
        ArtifactInstaller before = passedOn.put(artifact, delegate);
        if (before == delegate) {
            delegate.update(artifact);
        } else {
            delegate.install(artifact);
        }
    }

    @Override
    public void uninstall(File artifact) throws Exception {
        ArtifactInstaller delegate = passedOn.remove(artifact);
        if (delegate != null) {
            delegate.uninstall(artifact);
        } else {
            log().info("guard: {} is gone or no longer refused", artifact);
        }
    }

    private ArtifactInstaller delegateFor(File artifact) {
        String name = artifact.getName();
        if (!name.endsWith(".cfg") && !name.endsWith(".config")) {
            return null;
        }
        return others.get().stream().filter(i -> i.canHandle(artifact)).findFirst().orElse(null);
    }

    private void refuse(File artifact, List<String> problems) {
        log().error("guard: refusing to load {}: {}; {}", artifact,
                problems.isEmpty() ? "it changed while being checked" : String.join("; ", problems),
                passedOn.containsKey(artifact) ? "what was loaded from it before stays in force until it is fixed"
                        : "then touch the file so that it is loaded");
    }

    private List<String> problems(File artifact) {
        Path p = artifact.toPath().toAbsolutePath().normalize();
        Path dir = watchedDirs.stream().filter(p::startsWith).findFirst()
                .orElse(watchedDirs.isEmpty() ? p.getParent() : watchedDirs.get(0));
        List<String> problems = policy.problems(p, dir);
        if (problems.isEmpty()) {
            String notAllowed = allowList.problem(p);
            if (notAllowed != null) {
                problems = List.of(notAllowed);
            }
        }
        // Content is only looked at in a file that passed the ownership checks.
        return problems.isEmpty() ? CfgContentCheck.problems(p) : problems;
    }
}
