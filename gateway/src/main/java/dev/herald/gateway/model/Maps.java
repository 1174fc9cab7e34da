package dev.herald.gateway.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable, order-keeping copies of JSON-shaped maps (values may be null, which {@link Map#copyOf} refuses). */
final class Maps {
    private Maps() {
    }

    static <V> Map<String, V> copy(Map<String, V> map) {
        return map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static Map<String, Object> merged(Map<String, Object> base, Map<String, Object> over) {
        if (over.isEmpty()) {
            return base;
        }
        Map<String, Object> out = new LinkedHashMap<>(base);
        out.putAll(over);
        return Collections.unmodifiableMap(out);
    }
}
