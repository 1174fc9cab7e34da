package dev.herald.gateway.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flat-object writer of the hot paths writes what the mapper would, escapes included. */
class JsonTest {
    @Test
    void aFlatObjectIsWrittenAsTheMapperWritesIt() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plain", "abc");
        m.put("hostile \"key\"\n", "quote \" backslash \\ newline \n tab \t nul \u0000 line sep \u2028 é 😀 </script>");
        m.put("count", 3);
        m.put("big", 12_345_678_901L);
        m.put("terminal", true);
        m.put("list", List.of("a", 1));
        assertEquals(Json.text(m), Json.appendFlat(new StringBuilder(), m).toString());
        assertEquals(Json.MAPPER.convertValue(m, Map.class),
                Json.parseMap(Json.appendFlat(new StringBuilder(), m).toString()));
        assertEquals("{}", Json.appendFlat(new StringBuilder(), Map.of()).toString());
    }
}
