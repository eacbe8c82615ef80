package org.scxgamer.core.kernel;

/** Symbolic names of the errno values BPF calls return (Linux, generic architectures). */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int E2BIG = 7;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ERANGE = 34;
    static final int ENOSYS = 38;
    static final int EOPNOTSUPP = 95;
    static final int EADDRINUSE = 98;
    /** Kernel-internal "not supported" that BPF calls leak to userspace. */
    static final int ENOTSUPP = 524;

    /** libbpf's own error numbers (libbpf.h enum libbpf_errno), from 4000. */
    private static final int LIBBPF_ERRNO_BASE = 4000;
    private static final String[] LIBBPF_ERRNOS = {"LIBELF", "FORMAT", "KVERSION", "ENDIAN", "INTERNAL", "RELOC", "LOAD",
        "VERIFY", "PROG2BIG", "KVER", "PROGTYPE", "WRNGPID", "INVSEQ", "NLPARSE"};

    static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case EINTR -> "EINTR";
            case E2BIG -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case ERANGE -> "ERANGE";
            case ENOSYS -> "ENOSYS";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EADDRINUSE -> "EADDRINUSE";
            case ENOTSUPP -> "ENOTSUPP";
            default -> errno >= LIBBPF_ERRNO_BASE && errno < LIBBPF_ERRNO_BASE + LIBBPF_ERRNOS.length
                    ? "LIBBPF_ERRNO__" + LIBBPF_ERRNOS[errno - LIBBPF_ERRNO_BASE] : "errno " + errno;
        };
    }

    private Errno() {
    }
}
