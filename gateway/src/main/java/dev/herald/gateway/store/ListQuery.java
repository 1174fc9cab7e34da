package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A page of an address list: entries that joined it in {@code [from, until)}, newest first unless
 * {@code oldestFirst}, skipping {@code offset}, at most {@code limit}.
 */
public record ListQuery(Instant from, Instant until, int limit, int offset, boolean oldestFirst) {
    public ListQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException("limit must be positive and offset not negative");
        }
    }
}
