package dev.herald.gateway.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Immutable, order-keeping copies of JSON-shaped maps (values may be null, which {@link Map#copyOf} refuses),
 * empty for an absent one (an older document lacking the field).
 */
final class Maps {
    private Maps() {
    }

    static <V> Map<String, V> copy(@Nullable Map<String, V> map) {
        return map == null || map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
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
