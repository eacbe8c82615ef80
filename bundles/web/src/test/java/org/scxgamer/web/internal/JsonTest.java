package org.scxgamer.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedStructuresAndEscapes() {
        String s = new Json().object().put("a", 1).put("s", "q\"<b>\n").key("l").array().value(1.5).value(true)
                .value((String) null).object().put("x", "y").end().endArray().put("inf", Double.NaN).end().toString();
        assertThat(s).isEqualTo("{\"a\":1,\"s\":\"q\\\"\\u003cb\\u003e\\n\",\"l\":[1.5,true,null,{\"x\":\"y\"}],\"inf\":null}");
    }
}
