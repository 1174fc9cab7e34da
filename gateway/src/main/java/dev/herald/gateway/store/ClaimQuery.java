package dev.herald.gateway.store;

import dev.herald.gateway.model.Lane;
import java.time.Instant;
import java.util.Objects;

/**
 * Which due deliveries a claim takes: of one lane, workspace and egress key, due at {@code now}, oldest due first,
 * at most {@code limit}.
 */
public record ClaimQuery(Lane lane, String workspace, String egressKey, Instant now, int limit) {
    public ClaimQuery {
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(egressKey, "egressKey");
        Objects.requireNonNull(now, "now");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
    }
}
