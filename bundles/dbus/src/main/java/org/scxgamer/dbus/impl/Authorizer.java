package org.scxgamer.dbus.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;

import org.freedesktop.dbus.DBusCallInfo;
import org.freedesktop.dbus.connections.base.AbstractConnectionBase;

/**
 * The in-process check behind the bus policy for every method that changes something: the caller's uid
 * (asked from the bus) must be 0 or a member of one of the configured groups. It holds even where another
 * package's policy file opens {@code org.scx.Loader} to everyone (scx_loader's relies on polkit).
 */
final class Authorizer {
    private final ToLongFunction<String> uidOfSender;
    private final List<String> groups;
    private final Path passwd;
    private final Path group;

    Authorizer(ToLongFunction<String> uidOfSender, List<String> groups, Path passwd, Path group) {
        this.uidOfSender = uidOfSender;
        this.groups = groups;
        this.passwd = passwd;
        this.group = group;
    }

    /** @throws org.freedesktop.dbus.exceptions.DBusExecutionException AccessDenied naming who may call it */
    void check(String method) {
        DBusCallInfo info = AbstractConnectionBase.getCallInfo();
        if (info == null || info.getSource() == null) {
            throw Errors.of(Errors.ACCESS_DENIED, method + ": the caller is unknown");
        }
        long uid = uidOfSender.applyAsLong(info.getSource());
        if (!allowed(uid)) {
            throw Errors.of(Errors.ACCESS_DENIED, method + " changes the scheduler: only root" + (groups.isEmpty() ? ""
                    : " and members of " + String.join(", ", groups) + " (control.groups)") + " may call it; caller uid " + uid);
        }
    }

    boolean allowed(long uid) {
        if (uid == 0) {
            return true;
        }
        if (groups.isEmpty()) {
            return false;
        }
        try {
            String user = null;
            String primaryGid = null;
            for (String line : Files.readAllLines(passwd)) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && f[2].equals(Long.toString(uid))) {
                    user = f[0];
                    primaryGid = f[3];
                    break;
                }
            }
            for (String line : Files.readAllLines(group)) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && groups.contains(f[0])
                        && (f[2].equals(primaryGid) || user != null && List.of(f[3].split(",")).contains(user))) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
