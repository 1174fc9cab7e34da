package dev.herald.gateway.delivery;

import java.time.Instant;
import java.util.Objects;

/**
 * A request to push every queued delivery of an egress key to {@code until}, because its breaker opened or
 * its provider asked it to slow down.
 *
 * @param egressKey the key
 * @param until     when its deliveries are due again
 */
public record Park(String egressKey, Instant until) {
    public Park {
        Objects.requireNonNull(egressKey, "egressKey");
        Objects.requireNonNull(until, "until");
    }
}
