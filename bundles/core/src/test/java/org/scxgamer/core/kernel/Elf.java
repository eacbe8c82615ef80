package org.scxgamer.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The section table of a little-endian ELF64 file (enough to find .BTF and program sections). */
final class Elf {
    record Section(String name, int offset, int size) {
    }

    private final byte[] bytes;
    private final Map<String, Section> sections = new LinkedHashMap<>();

    Elf(byte[] bytes) {
        this.bytes = bytes;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x464c457f || bytes[4] != 2 || bytes[5] != 1) {
            throw new IllegalArgumentException("not a little-endian ELF64 file");
        }
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3e));
        int strtab = (int) b.getLong((int) shoff + shstrndx * shentsize + 0x18);
        for (int i = 0; i < shnum; i++) {
            int sh = (int) shoff + i * shentsize;
            String name = cString(strtab + b.getInt(sh));
            sections.put(name, new Section(name, (int) b.getLong(sh + 0x18), (int) b.getLong(sh + 0x20)));
        }
    }

    Section section(String name) {
        Section s = sections.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no section " + name + " (sections: " + sections.keySet() + ")");
        }
        return s;
    }

    byte[] bytes() {
        return bytes;
    }

    private String cString(int at) {
        int end = at;
        while (bytes[end] != 0) {
            end++;
        }
        return new String(bytes, at, end - at, StandardCharsets.US_ASCII);
    }
}
