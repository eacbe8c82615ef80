package org.scxgamer.web.internal;

/** Minimal JSON writer for the status document (no JSON library in the runtime). */
final class Json {
    private final StringBuilder sb = new StringBuilder(4096);
    private boolean first = true;

    Json object() {
        comma();
        sb.append('{');
        first = true;
        return this;
    }

    Json end() {
        sb.append('}');
        first = false;
        return this;
    }

    Json array() {
        comma();
        sb.append('[');
        first = true;
        return this;
    }

    Json endArray() {
        sb.append(']');
        first = false;
        return this;
    }

    Json key(String k) {
        comma();
        string(k);
        sb.append(':');
        first = true;
        return this;
    }

    Json value(String v) {
        comma();
        if (v == null) {
            sb.append("null");
        } else {
            string(v);
        }
        return this;
    }

    Json value(long v) {
        comma();
        sb.append(v);
        return this;
    }

    Json value(double v) {
        comma();
        sb.append(Double.isFinite(v) ? Double.toString(v) : "null");
        return this;
    }

    Json value(boolean v) {
        comma();
        sb.append(v);
        return this;
    }

    Json put(String k, String v) {
        return key(k).value(v);
    }

    Json put(String k, long v) {
        return key(k).value(v);
    }

    Json put(String k, double v) {
        return key(k).value(v);
    }

    Json put(String k, boolean v) {
        return key(k).value(v);
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
                    // also escape < > & so the document is safe to embed anywhere
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
