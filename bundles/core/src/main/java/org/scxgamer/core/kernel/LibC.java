package org.scxgamer.core.kernel;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** The libc calls the kernel facade needs, bound with JNA direct mapping. errno: {@link Native#getLastError()}. */
final class LibC {
    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_SHARED = 0x01;
    static final long MAP_FAILED = -1L;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLLIN = 0x001;
    /** struct epoll_event is packed on x86-64: u32 events, u64 data. */
    static final int EPOLL_EVENT_SIZE = 12;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final int SC_PAGESIZE = 30;
    /** Bytes of a cpu_set_t (1024 CPUs). */
    static final int CPU_SET_SIZE = 128;

    static {
        Native.register(LibC.class, NativeLibrary.getInstance("c"));
    }

    static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    static native int munmap(Pointer addr, long length);

    static native int epoll_create1(int flags);

    static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

    static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

    static native int eventfd(int initval, int flags);

    static native long read(int fd, Pointer buf, long count);

    static native long write(int fd, Pointer buf, long count);

    static native int close(int fd);

    static native int dup(int fd);

    static native int sched_setaffinity(int pid, long cpusetsize, Pointer mask);

    static native int sched_getcpu();

    static native int setpriority(int which, int who, int prio);

    static native long sysconf(int name);

    static native String strerror(int errnum);

    static native int vsnprintf(Pointer buf, long size, Pointer format, Pointer args);

    private LibC() {
    }
}
