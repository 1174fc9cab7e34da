package dev.herald.gateway.store;

import dev.herald.channel.Channel;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.Lane;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A delivery as read back from the journal. */
public record DeliveryRow(UUID id, String dispatchId, String workspace, Channel channel, String recipient,
                          String address, String egressKey, Lane lane, DeliveryStatus status, int attempts,
                          Instant nextAttemptAt, Instant expiresAt, Optional<String> lastError,
                          Optional<String> providerMessageId, Optional<String> detail, Instant createdAt,
                          Instant updatedAt, Optional<Long> userId, Optional<String> appId) {
}
