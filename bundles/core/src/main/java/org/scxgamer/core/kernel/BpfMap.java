package org.scxgamer.core.kernel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * A shared BPF map: our own fd (dup'ed from the object that created it, so it outlives that object)
 * and the definition's sizes, with the few map operations the kernel side needs.
 */
record BpfMap(String name, int fd, int valueSize, int maxEntries, int flags) {

    void lookup(Pointer key, Pointer value) {
        int rc = Libbpf.bpf_map_lookup_elem(fd, key, value);
        if (rc < 0) {
            throw new LibbpfException("lookup in map " + name, -rc, List.of());
        }
    }

    /** The value at key 0 (array maps with one entry). */
    Memory first() {
        Memory key = new Memory(4);
        key.setInt(0, 0);
        Memory value = new Memory(valueSize);
        lookup(key, value);
        return value;
    }

    void update(Pointer key, Pointer value) {
        int rc = Libbpf.bpf_map_update_elem(fd, key, value, Libbpf.BPF_ANY);
        if (rc < 0) {
            throw new LibbpfException("update of map " + name, -rc, List.of());
        }
    }

    /** Deletes the key; a key that is already gone is fine. */
    void delete(Pointer key) {
        int rc = Libbpf.bpf_map_delete_elem(fd, key);
        if (rc < 0 && rc != -Errno.ENOENT) {
            throw new LibbpfException("delete from map " + name, -rc, List.of());
        }
    }

    /** Every key of a hash map (a snapshot: entries may come and go meanwhile). */
    List<Memory> keys(int keySize) {
        List<Memory> keys = new ArrayList<>();
        Memory prev = null;
        while (true) {
            Memory next = new Memory(keySize);
            int rc = Libbpf.bpf_map_get_next_key(fd, prev, next);
            if (rc == -Errno.ENOENT) {
                return keys;
            }
            if (rc < 0) {
                throw new LibbpfException("iterating map " + name, -rc, List.of());
            }
            keys.add(next);
            prev = next;
        }
    }

    /** A NUL-terminated UTF-8 string of at most max bytes at offset (char arrays in map values). */
    static String cString(Pointer m, long offset, int max) {
        byte[] bytes = m.getByteArray(offset, max);
        int len = 0;
        while (len < max && bytes[len] != 0) {
            len++;
        }
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
    }

    /** Whether the value is still there (false: deleted meanwhile); fills value. */
    boolean read(Pointer key, Pointer value) {
        return Libbpf.bpf_map_lookup_elem(fd, key, value) == 0;
    }
}
