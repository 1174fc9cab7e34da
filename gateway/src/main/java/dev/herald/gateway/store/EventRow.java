package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One outbox event: a delivery event to publish (a transactional postback), written in the same transaction as
 * the state change it reports.
 *
 * @param id       stable across retries: sent as {@code webhook-id} so receivers can drop duplicates
 * @param type     the postback status ({@code sent}, {@code processed}, {@code delivered}, {@code bounced},
 *                 {@code aborted})
 * @param payload  the JSON body to publish
 */
public record EventRow(long seq, UUID id, String workspace, String dispatchId, Optional<String> deliveryId,
                       String type, String payload, String status, int attempts, Instant nextAttemptAt,
                       Instant expiresAt, Optional<String> lastError, Instant createdAt) {
}
