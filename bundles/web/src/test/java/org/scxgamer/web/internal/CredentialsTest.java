package org.scxgamer.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

    @Test
    void generatesAnOwnerOnlyPasswordOnceAndKeepsIt(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("data/web/password");
        Credentials first = Credentials.load(file, "scxgamer");
        String password = Files.readString(file).strip();
        assertThat(password).hasSize(24);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(first.matches(password)).isTrue();
        assertThat(first.matches(password + "x")).isFalse();
        assertThat(first.matches(null)).isFalse();
        Credentials again = Credentials.load(file, "scxgamer");
        assertThat(again.matches(password)).as("the password survives a restart").isTrue();
    }

    @Test
    void tightensAPasswordFileOthersCanRead(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("password");
        Files.writeString(file, "a-long-enough-password\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(Credentials.load(file, "scxgamer").matches("a-long-enough-password")).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void refusesAShortPassword(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("password");
        Files.writeString(file, "short\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Credentials.load(file, "scxgamer"))
                .hasMessageContaining("shorter than 12 characters");
    }
}
