package dev.herald.gateway.store;

import java.util.Objects;

/**
 * One attempt's outcome to record with {@link Claims#recordAll}: the claim it was sent under and what it changes.
 *
 * @param token  the claim of the attempt
 * @param update the delivery's new state
 */
public record AttemptOutcome(ClaimToken token, DeliveryUpdate update) {
    public AttemptOutcome {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(update, "update");
    }
}
