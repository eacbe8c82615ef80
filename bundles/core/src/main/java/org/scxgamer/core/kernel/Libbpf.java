package org.scxgamer.core.kernel;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libbpf (libbpf.so.1, 1.4 or newer) calls the kernel facade needs, bound with JNA direct mapping:
 * a JNA interface proxy costs several hundred ns more per call. Functions follow libbpf 1.0 error
 * conventions: negative errno returned, or NULL with errno set.
 */
final class Libbpf {
    static final String LIBRARY = "libbpf.so.1";

    static final int LIBBPF_INFO = 1;
    static final int LIBBPF_DEBUG = 2;

    static final int BPF_ANY = 0;
    static final int BPF_F_MMAPABLE = 1 << 10;

    /** sizeof(struct bpf_test_run_opts) and the offsets used (libbpf 1.4 bpf.h). */
    static final int TEST_RUN_OPTS_SIZE = 80;
    static final int TEST_RUN_OPTS_CTX_IN = 32;
    static final int TEST_RUN_OPTS_CTX_SIZE_IN = 48;
    static final int TEST_RUN_OPTS_RETVAL = 56;

    /** struct bpf_prog_info (uapi linux/bpf.h): its size and the offset of u64 recursion_misses. */
    static final int PROG_INFO_SIZE = 232;
    static final int PROG_INFO_RECURSION_MISSES = 208;

    /** struct bpf_object_open_opts, leading fields: size_t sz; const char *object_name. */
    static final int OPEN_OPTS_SIZE = 16;

    /** libbpf_print_fn_t; on x86-64 a va_list parameter is passed as a pointer. */
    interface PrintFn extends Callback {
        int invoke(int level, Pointer format, Pointer args);
    }

    static {
        Native.register(Libbpf.class, NativeLibrary.getInstance(LIBRARY));
    }

    static native Pointer libbpf_set_print(PrintFn fn);

    static native int libbpf_strerror(int err, Pointer buf, long size);

    static native int libbpf_num_possible_cpus();

    static native String libbpf_version_string();

    static native Pointer bpf_object__open_mem(Pointer buf, long size, Pointer opts);

    static native int bpf_object__load(Pointer obj);

    static native void bpf_object__close(Pointer obj);

    static native Pointer bpf_object__next_map(Pointer obj, Pointer prev);

    static native Pointer bpf_object__find_map_by_name(Pointer obj, String name);

    static native Pointer bpf_object__find_program_by_name(Pointer obj, String name);

    static native String bpf_map__name(Pointer map);

    static native byte bpf_map__is_internal(Pointer map);

    static native int bpf_map__set_max_entries(Pointer map, int maxEntries);

    static native int bpf_map__max_entries(Pointer map);

    static native int bpf_map__value_size(Pointer map);

    static native int bpf_map__map_flags(Pointer map);

    static native int bpf_map__reuse_fd(Pointer map, int fd);

    static native int bpf_map__fd(Pointer map);

    static native Pointer bpf_map__attach_struct_ops(Pointer map);

    static native int bpf_program__set_autoload(Pointer prog, byte autoload);

    static native int bpf_program__fd(Pointer prog);

    static native int bpf_program__set_attach_target(Pointer prog, int attachProgFd, String attachFuncName);

    static native int bpf_prog_get_info_by_fd(int progFd, Pointer info, Pointer infoLen);

    static native Pointer bpf_program__attach(Pointer prog);

    static native int bpf_link__destroy(Pointer link);

    static native int bpf_prog_test_run_opts(int progFd, Pointer opts);

    static native int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);

    static native int bpf_map_update_elem(int fd, Pointer key, Pointer value, long flags);

    static native int bpf_map_delete_elem(int fd, Pointer key);

    static native int bpf_map_get_next_key(int fd, Pointer key, Pointer nextKey);

    private Libbpf() {
    }
}
