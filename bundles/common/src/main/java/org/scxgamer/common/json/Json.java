package org.scxgamer.common.json;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Minimal JSON writer (no JSON library in the runtime): a builder for documents written field by
 * field, and {@link #of(Object)} for trees of maps, collections and plain values. Strings escape
 * {@code < > &} and U+2028/U+2029 too, so a document is safe to embed in HTML or script.
 */
public final class Json {
    private final StringBuilder sb = new StringBuilder(4096);
    private boolean first = true;

    /**
     * A tree as JSON: maps become objects (keys by {@code String.valueOf}), collections arrays, doubles
     * have three decimals (NaN and infinities become null), other numbers and booleans stay as they
     * are, anything else becomes its {@code toString()} string.
     */
    public static String of(Object tree) {
        return new Json().tree(tree).toString();
    }

    public Json object() {
        comma();
        sb.append('{');
        first = true;
        return this;
    }

    public Json end() {
        sb.append('}');
        first = false;
        return this;
    }

    public Json array() {
        comma();
        sb.append('[');
        first = true;
        return this;
    }

    public Json endArray() {
        sb.append(']');
        first = false;
        return this;
    }

    public Json key(String k) {
        comma();
        string(k);
        sb.append(':');
        first = true;
        return this;
    }

    public Json value(String v) {
        comma();
        if (v == null) {
            sb.append("null");
        } else {
            string(v);
        }
        return this;
    }

    public Json value(long v) {
        comma();
        sb.append(v);
        return this;
    }

    public Json value(double v) {
        comma();
        sb.append(Double.isFinite(v) ? Double.toString(v) : "null");
        return this;
    }

    public Json value(boolean v) {
        comma();
        sb.append(v);
        return this;
    }

    public Json put(String k, String v) {
        return key(k).value(v);
    }

    public Json put(String k, long v) {
        return key(k).value(v);
    }

    public Json put(String k, double v) {
        return key(k).value(v);
    }

    public Json put(String k, boolean v) {
        return key(k).value(v);
    }

    private Json tree(Object v) {
        if (v == null) {
            value((String) null);
        } else if (v instanceof Map<?, ?> map) {
            object();
            map.forEach((k, e) -> key(String.valueOf(k)).tree(e));
            end();
        } else if (v instanceof Collection<?> list) {
            array();
            list.forEach(this::tree);
            endArray();
        } else if (v instanceof Double d) {
            comma();
            sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.3f", d));
        } else if (v instanceof Number || v instanceof Boolean) {
            comma();
            sb.append(v);
        } else {
            value(v.toString());
        }
        return this;
    }

    private void comma() {
        if (!first) {
            sb.append(',');
        }
        first = false;
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
