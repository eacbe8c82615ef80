package org.scxgamer.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedStructuresAndEscapes() {
        String s = new Json().object().put("a", 1).put("s", "q\"<b>\n").key("l").array().value(1.5).value(true)
                .value((String) null).object().put("x", "y").end().endArray().put("inf", Double.NaN).end().toString();
        assertThat(s).isEqualTo("{\"a\":1,\"s\":\"q\\\"\\u003cb\\u003e\\n\",\"l\":[1.5,true,null,{\"x\":\"y\"}],\"inf\":null}");
    }

    @Test
    void writesTreesWithThreeDecimalDoublesAndEscapedKeys() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("a\"b", List.of(1, 2.5, true, "x\ny"));
        tree.put("nested", Map.of("rate", Double.POSITIVE_INFINITY));
        tree.put("none", List.of());
        tree.put("null", null);
        assertThat(Json.of(tree)).isEqualTo("{\"a\\\"b\":[1,2.500,true,\"x\\ny\"],\"nested\":{\"rate\":null},\"none\":[],\"null\":null}");
    }
}
