package org.scxgamer.guard.internal;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registered with the highest service ranking, FileInstall asks this installer first: it claims
 * every file that fails {@link FilePolicy} or {@link CfgContentCheck}, so neither the bundle
 * installer nor the configuration installer ever sees it, and logs why with the fix. Once fixed, the file is picked up when it
 * changes again (touch it): FileInstall then finds this installer no longer handles it.
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

    RefusingInstaller(FilePolicy policy, AllowList allowList, List<Path> watchedDirs) {
        this.policy = policy;
        this.allowList = allowList;
        this.watchedDirs = watchedDirs;
    }

    @Override
    public boolean canHandle(File artifact) {
        return !problems(artifact).isEmpty();
    }

    @Override
    public void install(File artifact) {
        refuse(artifact);
    }

    @Override
    public void update(File artifact) {
        refuse(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        log().info("guard: {} is gone or no longer refused", artifact);
    }

    private void refuse(File artifact) {
        List<String> problems = problems(artifact);
        log().error("guard: refusing to load {}: {}; then touch the file so that it is loaded",
                artifact, problems.isEmpty() ? "it changed while being checked" : String.join("; ", problems));
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
