package org.scxgamer.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login password: generated on first start into a file only its owner can read (0600 in a 0700
 * folder), never logged. There is no default password, so nothing works out of the box for someone
 * who cannot read that file.
 */
final class Credentials {
    private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final byte[] password;

    private Credentials(Path file, byte[] password) {
        this.file = file;
        this.password = password;
    }

    Path file() {
        return file;
    }

    /** Reads the password file, creating it with a fresh random password if it does not exist. */
    static Credentials load(Path file, String user) throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        try {
            byte[] raw = new byte[18];
            new SecureRandom().nextBytes(raw);
            String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_RW));
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            LOG.info("web: generated the login password for user '{}' in {} (mode 0600, readable only by {}); "
                    + "log in to the page with it, and give it to Prometheus as basic_auth password_file", user, file,
                    Files.getOwner(file).getName());
        } catch (FileAlreadyExistsException e) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!OWNER_RW.containsAll(perms)) {
                Files.setPosixFilePermissions(file, OWNER_RW);
                LOG.warn("web: {} was readable or writable by others ({}): reset to 0600; change the password if "
                        + "others may have read it (delete the file and restart to generate a new one)", file,
                        PosixFilePermissions.toString(perms));
            }
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (text.length() < 12) {
            throw new IOException(file + " holds a password shorter than 12 characters: write a longer one, "
                    + "or delete the file and restart to generate one");
        }
        return new Credentials(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Constant-time comparison, so response timing does not leak the password. */
    boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(password, candidate.getBytes(StandardCharsets.UTF_8));
    }
}
