package org.scxgamer.dbus.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizerTest {
    @TempDir
    Path dir;

    @Test
    void rootAndMembersOfTheControlGroupsMayChangeOthersMayNot() throws Exception {
        Path passwd = dir.resolve("passwd");
        Path group = dir.resolve("group");
        Files.writeString(passwd, """
                root:x:0:0:root:/root:/bin/bash
                alice:x:1000:1000::/home/alice:/bin/bash
                bob:x:1001:1001::/home/bob:/bin/bash
                carol:x:1002:10::/home/carol:/bin/bash
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
                """);
        Files.writeString(group, """
                root:x:0:
                wheel:x:10:alice
                games:x:60:bob
                nogroup:x:65534:
                """);
        Authorizer wheel = new Authorizer(s -> 0, List.of("wheel"), passwd, group);
        assertThat(wheel.allowed(0)).as("root").isTrue();
        assertThat(wheel.allowed(1000)).as("alice, listed in wheel").isTrue();
        assertThat(wheel.allowed(1002)).as("carol, wheel as primary group").isTrue();
        assertThat(wheel.allowed(1001)).as("bob, in games only").isFalse();
        assertThat(wheel.allowed(65534)).as("nobody").isFalse();
        assertThat(wheel.allowed(4242)).as("a uid without an account").isFalse();
        Authorizer rootOnly = new Authorizer(s -> 0, List.of(), passwd, group);
        assertThat(rootOnly.allowed(1000)).isFalse();
        assertThat(rootOnly.allowed(0)).isTrue();
    }
}
