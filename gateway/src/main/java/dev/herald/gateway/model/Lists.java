package dev.herald.gateway.model;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Empty collections for absent ones: a document written by an older Herald may lack a field a newer record has,
 * and data binding then hands the constructor a null.
 */
final class Lists {
    private Lists() {
    }

    static <T> List<T> orEmpty(@Nullable List<T> list) {
        return list == null ? List.of() : list;
    }

    static <V> Map<String, V> orEmpty(@Nullable Map<String, V> map) {
        return map == null ? Map.of() : map;
    }
}
