package org.scxgamer.guard.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who may have put a plugin or a configuration there? A file under deploy/ or etc/ runs with the
 * runtime's privileges (root, BPF), so it and every folder above it must be owned by root (or by
 * the runtime's own user when that is not root) and writable by nobody else. Folders above the
 * watched folder may be world-writable only with the sticky bit (like /tmp), where others cannot
 * rename our entries. Same rules as the launcher's check before start (runtime/bin/scxgamer).
 */
final class FilePolicy {
    private final int runtimeUid;

    FilePolicy(int runtimeUid) {
        this.runtimeUid = runtimeUid;
    }

    /** Effective uid of this process (the owner of /proc/self). */
    static int currentUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /**
     * Problems that make {@code file} (inside {@code watchedDir}) unsafe to load, each naming the path
     * and the fix; empty if it may be loaded.
     */
    List<String> problems(Path file, Path watchedDir) {
        List<String> out = new ArrayList<>();
        Path f = file.toAbsolutePath().normalize();
        Path watched = watchedDir.toAbsolutePath().normalize();
        if (!f.startsWith(watched)) {
            out.add(f + " is not a file inside " + watched + " (a folder bundle?): drop a jar file instead");
            return out;
        }
        for (Path p = f; p != null; p = p.getParent()) {
            check(p, p.startsWith(watched), out);
        }
        return out;
    }

    private void check(Path p, boolean strict, List<String> out) {
        try {
            if (Files.isSymbolicLink(p)) {
                out.add(p + " is a symbolic link: replace it with the real file or folder (a link's target is not checked here)");
                return;
            }
            int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (uid != 0 && uid != runtimeUid) {
                out.add(p + " is owned by uid " + uid + ", not " + ownerWanted() + ": fix with: chown "
                        + (runtimeUid == 0 ? "root:root" : String.valueOf(runtimeUid)) + " '" + p + "'");
            }
            boolean groupOrWorldWritable = (mode & 0022) != 0;
            boolean sticky = (mode & 01000) != 0;
            if (groupOrWorldWritable && (strict || !sticky)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                out.add(p + " is writable by " + ((mode & 0002) != 0 ? "everyone" : "its group") + " ("
                        + PosixFilePermissions.toString(perms) + "): fix with: chmod go-w '" + p + "'");
            }
        } catch (IOException | UnsupportedOperationException e) {
            out.add(p + " cannot be checked (" + e + "): make it a readable local file");
        }
    }

    private String ownerWanted() {
        return runtimeUid == 0 ? "root" : "root or uid " + runtimeUid + " (the runtime's user)";
    }
}
