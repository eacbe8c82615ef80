package org.scxgamer.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named structs, enums and data-section variables of a BTF blob (the .BTF section of a BPF
 * object), parsed per the kernel's BTF format documentation.
 */
final class Btf {
    private static final int KIND_INT = 1, KIND_PTR = 2, KIND_ARRAY = 3, KIND_STRUCT = 4, KIND_UNION = 5, KIND_ENUM = 6,
            KIND_FWD = 7, KIND_TYPEDEF = 8, KIND_VOLATILE = 9, KIND_CONST = 10, KIND_RESTRICT = 11, KIND_FUNC = 12,
            KIND_FUNC_PROTO = 13, KIND_VAR = 14, KIND_DATASEC = 15, KIND_FLOAT = 16, KIND_DECL_TAG = 17,
            KIND_TYPE_TAG = 18, KIND_ENUM64 = 19;

    record Member(String name, int offset, int size) {
    }

    record Struct(String name, int size, List<Member> members) {
        Member member(String name) {
            return members.stream().filter(m -> m.name.equals(name)).findFirst().orElse(null);
        }
    }

    private record Type(int kind, String name, int sizeOrType, int vlen, int[] extra, boolean kindFlag) {
    }

    private final List<Type> types = new ArrayList<>();
    final Map<String, Struct> structs = new LinkedHashMap<>();
    /** enum name → constant → value */
    final Map<String, Map<String, Long>> enums = new HashMap<>();
    /** DATASEC name → variable names */
    final Map<String, List<String>> datasecs = new HashMap<>();

    /** The contract's structs (scxg_*) of a BPF object. */
    static Btf of(byte[] object) {
        Elf elf = new Elf(object);
        Elf.Section s = elf.section(".BTF");
        return new Btf(ByteBuffer.wrap(object, s.offset(), s.size()).slice().order(ByteOrder.LITTLE_ENDIAN), "scxg_");
    }

    /**
     * One struct of a raw BTF blob such as the kernel's /sys/kernel/btf/vmlinux; its bit fields are left out
     * of {@link Struct#members()}.
     */
    static Btf raw(byte[] blob, String struct) {
        return new Btf(ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN), struct);
    }

    /** @param wanted contract mode ("scxg_": every scxg_* struct, no bit fields allowed) or one struct's name */
    private Btf(ByteBuffer b, String wanted) {
        boolean contract = wanted.equals("scxg_");
        if (Short.toUnsignedInt(b.getShort(0)) != 0xeb9f) {
            throw new IllegalArgumentException("bad BTF magic");
        }
        int hdrLen = b.getInt(4);
        int typeOff = hdrLen + b.getInt(8), typeLen = b.getInt(12);
        int strOff = hdrLen + b.getInt(16), strLen = b.getInt(20);
        byte[] strings = new byte[strLen];
        b.get(strOff, strings);
        types.add(null); // type id 0 is void
        int at = typeOff;
        while (at < typeOff + typeLen) {
            String name = str(strings, b.getInt(at));
            int info = b.getInt(at + 4);
            int kind = (info >>> 24) & 0x1f;
            int vlen = info & 0xffff;
            boolean kindFlag = info < 0;
            int sizeOrType = b.getInt(at + 8);
            at += 12;
            int words = switch (kind) {
                case KIND_INT, KIND_VAR, KIND_DECL_TAG -> 1;
                case KIND_ARRAY -> 3;
                case KIND_STRUCT, KIND_UNION, KIND_DATASEC, KIND_ENUM64 -> 3 * vlen;
                case KIND_ENUM, KIND_FUNC_PROTO -> 2 * vlen;
                case KIND_PTR, KIND_FWD, KIND_TYPEDEF, KIND_VOLATILE, KIND_CONST, KIND_RESTRICT, KIND_FUNC, KIND_FLOAT,
                        KIND_TYPE_TAG -> 0;
                default -> throw new IllegalArgumentException("unknown BTF kind " + kind);
            };
            int[] extra = new int[words];
            for (int i = 0; i < words; i++) {
                extra[i] = b.getInt(at + 4 * i);
            }
            at += 4 * words;
            types.add(new Type(kind, name, sizeOrType, vlen, extra, kindFlag));
            if (kind == KIND_ENUM) {
                Map<String, Long> values = new LinkedHashMap<>();
                for (int i = 0; i < vlen; i++) {
                    values.put(str(strings, extra[2 * i]), (long) extra[2 * i + 1]);
                }
                enums.put(name, values);
            }
        }
        for (Type t : types) {
            if (t != null && t.kind == KIND_STRUCT && (contract ? t.name.startsWith("scxg_") : t.name.equals(wanted))) {
                List<Member> members = new ArrayList<>();
                for (int i = 0; i < t.vlen; i++) {
                    int bitOffset = t.kindFlag ? t.extra[3 * i + 2] & 0xffffff : t.extra[3 * i + 2];
                    boolean bitField = bitOffset % 8 != 0 || (t.kindFlag && t.extra[3 * i + 2] >>> 24 != 0);
                    if (bitField && contract) {
                        throw new IllegalArgumentException("bit field in " + t.name + ": the contract has none");
                    }
                    if (bitField) {
                        continue;
                    }
                    members.add(new Member(str(strings, t.extra[3 * i]), bitOffset / 8, size(t.extra[3 * i + 1])));
                }
                structs.put(t.name, new Struct(t.name, t.sizeOrType, members));
            }
            if (t != null && t.kind == KIND_DATASEC) {
                List<String> vars = new ArrayList<>();
                for (int i = 0; i < t.vlen; i++) {
                    vars.add(types.get(t.extra[3 * i]).name);
                }
                datasecs.put(t.name, vars);
            }
        }
    }

    /** Byte size of a type. */
    private int size(int id) {
        Type t = types.get(id);
        return switch (t.kind) {
            case KIND_INT, KIND_STRUCT, KIND_UNION, KIND_ENUM, KIND_ENUM64, KIND_FLOAT -> t.sizeOrType;
            case KIND_PTR -> 8;
            case KIND_TYPEDEF, KIND_VOLATILE, KIND_CONST, KIND_RESTRICT, KIND_TYPE_TAG -> size(t.sizeOrType);
            case KIND_ARRAY -> t.extra[2] * size(t.extra[0]);
            default -> throw new IllegalArgumentException("no size for BTF kind " + t.kind);
        };
    }

    private static String str(byte[] strings, int off) {
        int end = off;
        while (strings[end] != 0) {
            end++;
        }
        return new String(strings, off, end - off, StandardCharsets.US_ASCII);
    }
}
