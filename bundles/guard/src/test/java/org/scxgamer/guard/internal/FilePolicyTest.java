package org.scxgamer.guard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePolicyTest {

    @Test
    void ownFilesInAPrivateFolderPass(@TempDir Path tmp) throws Exception {
        Path deploy = Files.createDirectory(tmp.resolve("deploy"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.writeString(deploy.resolve("a.jar"), "x");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(new FilePolicy(FilePolicy.currentUid()).problems(jar, deploy)).isEmpty();
    }

    @Test
    void writableByOthersIsRefusedWithTheFix(@TempDir Path tmp) throws Exception {
        Path deploy = Files.createDirectory(tmp.resolve("deploy"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString("rwxrwxr-x"));
        Path jar = Files.writeString(deploy.resolve("a.jar"), "x");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(new FilePolicy(FilePolicy.currentUid()).problems(jar, deploy)).containsExactly(
                jar + " is writable by everyone (rw-rw-rw-): fix with: chmod go-w '" + jar + "'",
                deploy + " is writable by its group (rwxrwxr-x): fix with: chmod go-w '" + deploy + "'");
    }

    @Test
    void anotherOwnerIsRefused(@TempDir Path tmp) throws Exception {
        Path deploy = Files.createDirectory(tmp.resolve("deploy"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.writeString(deploy.resolve("a.jar"), "x");
        int me = FilePolicy.currentUid();
        // pretend the runtime runs as another user: our files are then foreign to it (unless we are root)
        FilePolicy other = new FilePolicy(me + 1);
        if (me == 0) {
            assertThat(other.problems(jar, deploy)).as("root-owned files are always acceptable").isEmpty();
        } else {
            assertThat(other.problems(jar, deploy)).contains(jar + " is owned by uid " + me
                    + ", not root or uid " + (me + 1) + " (the runtime's user): fix with: chown " + (me + 1) + " '" + jar + "'");
        }
    }

    @Test
    void symlinksAndFilesOutsideTheFolderAreRefused(@TempDir Path tmp) throws Exception {
        Path deploy = Files.createDirectory(tmp.resolve("deploy"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path target = Files.writeString(tmp.resolve("real.jar"), "x");
        Path link = Files.createSymbolicLink(deploy.resolve("link.jar"), target);
        FilePolicy p = new FilePolicy(FilePolicy.currentUid());
        assertThat(p.problems(link, deploy)).anyMatch(s -> s.startsWith(link + " is a symbolic link"));
        assertThat(p.problems(target, deploy)).singleElement().asString().contains("is not a file inside " + deploy);
    }
}
