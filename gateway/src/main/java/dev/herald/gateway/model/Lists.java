package dev.herald.gateway.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Immutable copies of lists, empty for an absent one: a document written by an older Herald may lack a field a
 * newer record has, and data binding then hands the constructor a null.
 */
final class Lists {
    private Lists() {
    }

    static <T> List<T> copy(@Nullable List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
