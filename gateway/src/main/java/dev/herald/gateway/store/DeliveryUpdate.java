package dev.herald.gateway.store;

import dev.herald.gateway.model.DeliveryStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The result of one attempt, written only if the delivery is still waiting on it (so a late or duplicate
 * result never moves it backwards).
 *
 * @param nextAttemptAt when the next attempt is due (for {@link DeliveryStatus#QUEUED}); otherwise unchanged
 * @param detail        extra JSON kept with the delivery (the sandbox's rendered payload)
 */
public record DeliveryUpdate(UUID id, DeliveryStatus status, Optional<Instant> nextAttemptAt,
                             Optional<String> lastError, Optional<String> providerMessageId,
                             Optional<String> detail) {
    public DeliveryUpdate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(providerMessageId, "providerMessageId");
        Objects.requireNonNull(detail, "detail");
    }
}
