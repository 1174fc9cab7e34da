package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Optional;

/**
 * One page of a list filtered by last modification, as Braze's template lists take it: {@code modified_after} and
 * {@code modified_before} inclusive, oldest first.
 *
 * @param limit  at most this many rows
 * @param offset rows skipped first
 */
public record ModifiedWindow(Optional<Instant> after, Optional<Instant> before, int limit, int offset) {
}
